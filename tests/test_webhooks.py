"""Webhook endpoints through the API: HQ registers, reads, changes, rotates and removes them;
URLs that could reach inside the network are refused; others never see them."""

from __future__ import annotations

import pytest

from audit_api.webhooks import addresses
from tests.support.webhook_helpers import HOOKS, register

PUBLIC_IP = "93.184.216.34"  # a literal: nothing is resolved, and nothing is sent there


def test_register_read_change_and_remove(world):
    made = register(world.hq, "http://127.0.0.1:9/erp", ["audit.approved", "audit.approved"])
    assert made["secret"].startswith("whsec_") and made["events"] == ["audit.approved"]
    assert made["active"] is True and made["description"] == "ERP"
    url = f"{HOOKS}/{made['id']}"
    read = world.hq.get(url)
    assert read.status_code == 200 and "secret" not in read.get_json()
    assert [w["id"] for w in world.hq.get(HOOKS).get_json()] == [made["id"]]
    changed = world.hq.patch(url, json={"events": ["dispute.opened"], "description": "BI"})
    assert changed.status_code == 200 and changed.get_json()["events"] == ["dispute.opened"]
    stale = world.hq.patch(url, json={"active": False}, headers={"If-Match": read.headers["ETag"]})
    assert stale.status_code == 412
    assert world.hq.delete(url).status_code == 204
    assert world.hq.get(url).status_code == 404


def test_rotating_gives_a_new_secret_once_and_keeps_the_old_one_a_day(world):
    made = register(world.hq, "http://127.0.0.1:9/erp")
    rotated = world.hq.post(f"{HOOKS}/{made['id']}/rotate-secret")
    assert rotated.status_code == 200
    body = rotated.get_json()
    assert body["secret"].startswith("whsec_") and body["secret"] != made["secret"]
    assert body["previous_secret_until"] is not None


def test_other_roles_and_organizations_never_see_an_endpoint(world):
    made = register(world.hq, "http://127.0.0.1:9/erp")
    url = f"{HOOKS}/{made['id']}"
    for caller in (world.manager_north, world.auditor):
        assert caller.get(HOOKS).status_code == 403
        assert caller.post(f"{url}/test").status_code == 403
    assert world.hq_b.get(url).status_code == 404
    assert world.hq_b.post(f"{url}/rotate-secret").status_code == 404
    assert world.hq_b.get(HOOKS).get_json() == []


@pytest.mark.parametrize(
    "body, field",
    [
        ({"url": "http://127.0.0.1:9/h", "events": ["audit.deleted"]}, "events[0]"),
        ({"url": "http://127.0.0.1:9/h", "events": []}, "events"),
        ({"url": "http://127.0.0.1:9/h"}, "events"),
        ({"url": "ftp://127.0.0.1/h", "events": ["audit.approved"]}, "url"),
    ],
)
def test_bad_bodies_name_their_field(world, body, field):
    response = world.hq.post(HOOKS, json=body)
    assert response.status_code == 422 and field in response.get_json()["errors"]


REFUSED = [
    (f"http://{PUBLIC_IP}/h", "https"),
    (f"https://user:secret@{PUBLIC_IP}/h", "credentials"),
    ("https://127.0.0.1/h", "non-public"),
    ("https://localhost/h", "non-public"),
    ("https://10.1.2.3/h", "non-public"),
    ("https://192.168.0.10/h", "non-public"),
    ("https://169.254.169.254/latest/meta-data", "non-public"),  # cloud metadata
    ("https://100.100.100.200/h", "non-public"),
    ("https://[::1]/h", "non-public"),
    ("https://[::ffff:127.0.0.1]/h", "non-public"),
    ("https://[fe80::1]/h", "non-public"),
    ("https://[64:ff9b::a00:1]/h", "non-public"),  # NAT64 of 10.0.0.1
    ("https://[64:ff9b::a9fe:a9fe]/latest/meta-data/", "non-public"),  # NAT64 of the metadata
    ("https://[64:ff9b:1::a00:1]/h", "non-public"),  # a network's local NAT64 prefix
    ("https://224.0.0.1/h", "non-public"),
    ("https://240.0.0.1/h", "non-public"),
    ("https://0.0.0.0/h", "non-public"),
    ("https://no-such-host.invalid/h", "does not resolve"),
]


@pytest.mark.app_config(WEBHOOK_ALLOW_PRIVATE=False, WEBHOOK_ALLOW_HTTP=False)
@pytest.mark.parametrize("url, why", REFUSED)
def test_urls_that_could_reach_inside_are_refused(world, monkeypatch, url, why):
    real = addresses.resolve

    def no_dns_traffic(host: str, port: int) -> list[str]:
        if host.endswith(".invalid"):
            raise OSError("Name or service not known")
        return real(host, port)  # IP literals and localhost: nothing leaves the machine

    monkeypatch.setattr(addresses, "resolve", no_dns_traffic)
    response = world.hq.post(HOOKS, json={"url": url, "events": ["audit.approved"]})
    assert response.status_code == 422, response.get_json()
    assert why in response.get_json()["errors"]["url"][0]


@pytest.mark.app_config(WEBHOOK_ALLOW_PRIVATE=False, WEBHOOK_ALLOW_HTTP=False)
def test_a_public_https_url_is_taken_and_a_patch_is_checked_too(world):
    made = register(world.hq, f"https://{PUBLIC_IP}/hooks")
    response = world.hq.patch(f"{HOOKS}/{made['id']}", json={"url": "https://10.0.0.1/h"})
    assert response.status_code == 422 and "url" in response.get_json()["errors"]


def test_the_address_rules():
    for text in ("8.8.8.8", "2606:4700:4700::1111", PUBLIC_IP, "64:ff9b::808:808"):
        assert addresses.public(addresses.ipaddress.ip_address(text)), text
    for text in ("127.0.0.1", "10.0.0.1", "172.16.0.1", "100.64.0.1", "fd00:ec2::254", "ff02::1"):
        assert not addresses.public(addresses.ipaddress.ip_address(text)), text
    assert not addresses.public(addresses.ipaddress.ip_address("2002:7f00:1::"))  # 6to4 loopback


def test_an_organization_has_at_most_twenty_endpoints(world):
    for _ in range(20):
        register(world.hq, "http://127.0.0.1:9/h")
    response = world.hq.post(
        HOOKS, json={"url": "http://127.0.0.1:9/h", "events": ["audit.approved"]}
    )
    assert response.status_code == 409
