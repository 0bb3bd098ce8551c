"""The S3 backend (boto3; any S3-compatible endpoint)."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from audit_api.errors import DomainError, Reason
from audit_api.evidence.objects import ObjectChanged, Stat

MISSING = ("404", "NoSuchKey", "NotFound")
CHANGED = ("412", "PreconditionFailed")


def _unavailable(exc: Exception) -> DomainError:
    return Reason.storage_unavailable.error(f"Photo storage failed: {type(exc).__name__}.")


def _b64_sha256(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def _b64_sha256_of_hex(digest: str) -> str:
    return base64.b64encode(bytes.fromhex(digest)).decode()


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code"))


class S3Storage:
    """Objects in one bucket, under an optional key prefix, optionally encrypted at rest."""

    def __init__(self, client: Any, bucket: str, prefix: str, encryption: dict[str, str]) -> None:
        self.client, self.bucket, self.prefix, self.encryption = client, bucket, prefix, encryption

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> S3Storage:
        """A backend from the S3_* settings; credentials come from boto3's usual chain."""
        client = boto3.client(
            "s3",
            region_name=config["S3_REGION"],
            endpoint_url=config["S3_ENDPOINT_URL"] or None,
            config=Config(
                s3={"addressing_style": config["S3_ADDRESSING_STYLE"]},
                signature_version="s3v4",
                # Fail fast: a phone retries, and a request thread should not hang on S3.
                connect_timeout=5,
                read_timeout=30,
                retries={"max_attempts": 3, "mode": "standard"},
                # One connection per request or task thread that may call S3 at once: past
                # botocore's 10, each call opened a connection and dropped it after (seen at
                # 16 threads on the load bench); idle ones cost a socket each.
                max_pool_connections=64,
            ),
        )
        encryption: dict[str, str] = {}
        if config["S3_SSE"]:
            encryption["ServerSideEncryption"] = config["S3_SSE"]
            if config["S3_SSE"] == "aws:kms" and config["S3_KMS_KEY_ID"]:
                encryption["SSEKMSKeyId"] = config["S3_KMS_KEY_ID"]
        prefix = config["S3_PREFIX"].strip("/")
        return cls(client, config["S3_BUCKET"], f"{prefix}/" if prefix else "", encryption)

    def _key(self, key: str) -> str:
        return self.prefix + key

    def put(self, key: str, data: bytes, content_type: str) -> None:
        try:
            self.client.put_object(
                Bucket=self.bucket,
                Key=self._key(key),
                Body=data,
                ContentType=content_type,
                **self.encryption,
            )
        except (BotoCoreError, ClientError) as exc:
            raise _unavailable(exc) from exc

    def stat(self, key: str) -> Stat | None:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if _code(exc) in MISSING:
                return None
            raise _unavailable(exc) from exc
        except BotoCoreError as exc:
            raise _unavailable(exc) from exc
        return Stat(int(head["ContentLength"]), head["ETag"])

    def read(self, key: str, limit: int, tag: str | None = None) -> bytes:
        # A range, so that only what is read travels (S3 answers all of a shorter object).
        conditions = {"Range": f"bytes=0-{limit - 1}", **({"IfMatch": tag} if tag else {})}
        stream = self._get(key, conditions)
        try:
            return stream.read(limit)
        except BotoCoreError as exc:
            raise _unavailable(exc) from exc
        finally:
            stream.close()

    def open(self, key: str) -> IO[bytes]:
        return self._get(key, {})

    def _get(self, key: str, conditions: dict[str, str]) -> IO[bytes]:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(key), **conditions)
        except ClientError as exc:
            if _code(exc) in MISSING:
                raise KeyError(key) from None
            if _code(exc) in CHANGED:
                raise ObjectChanged(key) from None
            raise _unavailable(exc) from exc
        except BotoCoreError as exc:
            raise _unavailable(exc) from exc
        return answer["Body"]

    def promote(
        self,
        source: str,
        target: str,
        tag: str,
        sha256: str | None,
        content_type: str,
        size: int | None = None,
    ) -> str:
        # A server-side copy of exactly the version that was checked: if a replayed upload
        # form replaced the object meanwhile, S3 refuses (412) instead of copying new bytes.
        # The ETag is an MD5, which can be forged to collide: where the whole file was read,
        # the copy's SHA-256, computed by S3, must equal the hash of the bytes checked. Where
        # only the header was, it is the photo's hash, and the task checks the rest; a swap
        # under a colliding ETag then records the swapped file's own hash.
        try:
            answer = self.client.copy_object(
                Bucket=self.bucket,
                Key=self._key(target),
                CopySource={"Bucket": self.bucket, "Key": self._key(source)},
                CopySourceIfMatch=tag,
                ChecksumAlgorithm="SHA256",
                MetadataDirective="REPLACE",
                ContentType=content_type,
                **self.encryption,
            )
        except ClientError as exc:
            if _code(exc) in CHANGED or _code(exc) in MISSING:
                raise ObjectChanged(source) from None
            raise _unavailable(exc) from exc
        except BotoCoreError as exc:
            raise _unavailable(exc) from exc
        copied = answer.get("CopyObjectResult", {}).get("ChecksumSHA256")
        if copied is None:  # a server without checksums: hash what was copied
            copied = _b64_sha256(self.read(target, 1 << 40))
        if sha256 is not None and copied != _b64_sha256_of_hex(sha256):
            self.delete([target])
            raise ObjectChanged(source)
        # Without a hash to compare (only the header was read), the copy's size is checked:
        # a server that ignores CopySourceIfMatch (moto does) copies a version POSTed since.
        if sha256 is None and size is not None:
            moved = self.stat(target)
            if moved is None or moved.size != size:
                self.delete([target])
                raise ObjectChanged(source)
        self.delete([source])
        return base64.b64decode(copied).hex()

    def keys(self, prefix: str) -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self._key(prefix)
        )
        try:
            for page in pages:
                for item in page.get("Contents", []):
                    yield item["Key"][len(self.prefix) :]
        except (BotoCoreError, ClientError) as exc:
            raise _unavailable(exc) from exc

    def delete(self, keys: Iterable[str]) -> None:
        objects = [{"Key": self._key(k)} for k in keys]
        if not objects:
            return
        try:
            answer = self.client.delete_objects(
                Bucket=self.bucket, Delete={"Objects": objects, "Quiet": True}
            )
        except (BotoCoreError, ClientError) as exc:
            raise _unavailable(exc) from exc
        if answer.get("Errors"):
            raise Reason.storage_unavailable.error(
                f"Photo storage kept {len(answer['Errors'])} object(s)."
            )

    def upload_form(
        self, key: str, content_type: str, max_bytes: int, expires_s: int
    ) -> tuple[str, dict[str, str]]:
        fields = {"Content-Type": content_type, **self._encryption_fields()}
        conditions: list[Any] = [{k: v} for k, v in fields.items()]
        conditions.append(["content-length-range", 1, max_bytes])
        post = self.client.generate_presigned_post(
            Bucket=self.bucket,
            Key=self._key(key),
            Fields=fields,
            Conditions=conditions,
            ExpiresIn=expires_s,
        )
        return post["url"], post["fields"]

    def _encryption_fields(self) -> dict[str, str]:
        names = {
            "ServerSideEncryption": "x-amz-server-side-encryption",
            "SSEKMSKeyId": "x-amz-server-side-encryption-aws-kms-key-id",
        }
        return {names[k]: v for k, v in self.encryption.items()}

    def download_url(
        self, key: str, content_type: str, expires_s: int, filename: str | None = None
    ) -> str | None:
        params = {
            "Bucket": self.bucket,
            "Key": self._key(key),
            "ResponseContentType": content_type,
            "ResponseCacheControl": f"private, max-age={expires_s}",
        }
        if filename:  # a plain ASCII name (the caller makes it so): no quoting to get wrong
            params["ResponseContentDisposition"] = f'attachment; filename="{filename}"'
        return self.client.generate_presigned_url("get_object", Params=params, ExpiresIn=expires_s)

    def ping(self) -> None:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (BotoCoreError, ClientError) as exc:
            raise _unavailable(exc) from exc
