"""bench/load.py's integrity check: what the database and the bucket hold after the load."""

from __future__ import annotations

from typing import Any

import psycopg


def integrity(dsn: str, schema: str, s3: Any, bucket: str, audits: int, photos: int) -> None:
    """Print and check: nothing lost, nothing duplicated, no orphaned object or row."""
    with psycopg.connect(dsn, options=f"-csearch_path={schema}") as conn:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        stored = one("SELECT count(*) FROM audits WHERE status = 'submitted'")
        all_audits = one("SELECT count(*) FROM audits")
        per_assignment = one(
            "SELECT count(*) FROM (SELECT assignment_id FROM audits GROUP BY assignment_id"
            " HAVING count(*) > 1) d"
        )
        submitted_twice = one(
            "SELECT count(*) FROM (SELECT audit_id FROM audit_events WHERE action = 'submitted'"
            " GROUP BY audit_id HAVING count(*) > 1) d"
        )
        added_twice = one(
            "SELECT count(*) FROM (SELECT data->>'photo_id' FROM audit_events WHERE action ="
            " 'photo_added' GROUP BY 1 HAVING count(*) > 1) d"
        )
        ready = {
            r[0]: r[1:]
            for r in conn.execute("SELECT id, org_id, audit_id FROM photos WHERE status = 'ready'")
        }
        pending = one("SELECT count(*) FROM photos WHERE status <> 'ready'")
        scores = one("SELECT count(*) FROM audit_scores")
    keys = set()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        keys |= {o["Key"] for o in page.get("Contents", [])}
    expected_keys = {
        f"{org}/{audit}/{pid}/{v}"
        for pid, (org, audit) in ready.items()
        for v in ("original", "display", "thumb")
    }
    checks = {
        "audits expected = audits submitted": (audits, stored),
        "audits stored in all": (audits, all_audits),
        "assignments with more than one audit": (0, per_assignment),
        "audits submitted twice": (0, submitted_twice),
        "photos added twice": (0, added_twice),
        "photos expected = photos ready": (audits * photos, len(ready)),
        "photos left pending": (0, pending),
        "scores stored": (audits, scores),
        "photo objects missing from storage": (0, len(expected_keys - keys)),
        "orphaned objects in storage": (0, len(keys - expected_keys)),
    }
    failed = 0
    for name, (want, got) in checks.items():
        ok = want == got
        failed += not ok
        print(f"  {'ok ' if ok else 'BAD'} {name}: {got} (expected {want})")
    print("integrity: " + ("nothing lost, nothing duplicated" if not failed else f"{failed} BAD"))
