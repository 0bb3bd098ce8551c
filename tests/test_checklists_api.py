"""Checklists through the API: built-ins, drafts, versions, publishing, languages, isolation."""

from __future__ import annotations

import pytest

from tests.support.checklist_factory import item, raw_checklist, section
from tests.support.helpers import created

URL = "/api/v1/checklists"
BUILTIN_KEYS = {"first-five-seconds", "self-call", "complaint-handling", "post-sale-service"}


def own(key: str = "store-opening", **extra) -> dict:
    body = raw_checklist(
        [section("s", [item("door_open", critical=True), item("lights_on", weight=2)])],
        key=key,
        **extra,
    )
    body.pop("version")
    return body


def keys(response) -> set[str]:
    assert response.status_code == 200, response.get_json()
    return {c["key"] for c in response.get_json()}


def test_builtins_are_listed_for_hq_and_managers(world):
    assert keys(world.hq.get(URL)) == BUILTIN_KEYS
    assert keys(world.manager_north.get(URL)) == BUILTIN_KEYS
    assert keys(world.hq.get(URL, query_string={"kind": "call"})) == {
        "self-call",
        "post-sale-service",
    }
    listed = {c["key"]: c for c in world.hq.get(URL).get_json()}
    assert listed["self-call"]["builtin"] is True
    # Version 1 stays published beside version 2 (which added corrective actions).
    assert listed["self-call"]["latest_published_version"] == 2
    assert [v["version"] for v in listed["self-call"]["versions"]] == [1, 2]
    assert listed["self-call"]["title"] == "Llamada de control"


def test_auditors_see_checklists_only_through_assignments(world):
    assert keys(world.auditor.get(URL)) == set()
    assert world.auditor.get(f"{URL}/self-call").status_code == 404


def test_create_draft_then_publish_then_immutable(hq, world):
    draft = created(hq.post(URL, json=own()))
    assert (draft["version"], draft["status"], draft["builtin"]) == (1, "draft", False)
    url = f"{URL}/store-opening/versions/1"
    changed = own()
    changed["sections"][0]["items"][1]["weight"] = 5
    replaced = hq.put(url, json=changed)
    assert replaced.status_code == 200
    assert replaced.get_json()["definition"]["sections"][0]["items"][1]["weight"] == 5
    published = hq.post(f"{url}/publish")
    assert published.status_code == 200 and published.get_json()["status"] == "published"
    assert hq.post(f"{url}/publish").status_code == 200  # a retried publish is harmless
    refused = hq.put(url, json=own())
    assert refused.status_code == 409
    assert hq.get(url).get_json()["definition"]["sections"][0]["items"][1]["weight"] == 5


def test_new_versions_follow_on_and_one_draft_at_a_time(hq, world):
    created(hq.post(URL, json=own()))
    versions = f"{URL}/store-opening/versions"
    assert hq.post(versions, json=own()).status_code == 409  # version 1 is still a draft
    hq.post(f"{versions}/1/publish")
    second = created(hq.post(versions, json=own()))
    assert second["version"] == 2 and second["status"] == "draft"
    listed = hq.get(versions).get_json()
    assert [(v["version"], v["status"]) for v in listed] == [(1, "published"), (2, "draft")]
    summary = hq.get(f"{URL}/store-opening").get_json()
    assert summary["latest_published_version"] == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [({"version": 7}, "version"), ({"key": "other-key"}, "key"), ({"kind": "call"}, "kind")],
)
def test_new_version_must_fit_its_checklist(hq, world, change, field):
    created(hq.post(URL, json=own()))
    hq.post(f"{URL}/store-opening/versions/1/publish")
    response = hq.post(f"{URL}/store-opening/versions", json={**own(), **change})
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_invalid_definitions_name_the_json_path(hq, world):
    body = own()
    body["sections"][0]["items"][0]["bands"] = [{"max": "x", "score": 1}]
    response = hq.post(URL, json=body)
    assert response.status_code == 422
    assert "sections[0].items[0].bands[0].max" in response.get_json()["errors"]
    cross = own()
    cross["sections"][0]["items"][1]["show_if"] = {"item": "nope", "equals": True}
    response = hq.post(URL, json=cross)
    assert response.status_code == 422
    assert "sections[0].items[1].show_if.item" in response.get_json()["errors"]
    assert keys(hq.get(URL)) == BUILTIN_KEYS


def test_keys_cannot_shadow_builtins_or_repeat(hq, world):
    assert hq.post(URL, json=own(key="self-call")).status_code == 409
    created(hq.post(URL, json=own()))
    assert hq.post(URL, json=own()).status_code == 409
    # Another organization may use the same key for its own checklist.
    created(world.hq_b.post(URL, json=own()))


def test_builtins_are_read_only(hq, world):
    builtin = f"{URL}/self-call/versions"
    body = {**own(), "key": "self-call", "kind": "call"}
    assert hq.post(builtin, json=body).status_code == 403
    assert hq.put(f"{builtin}/1", json=body).status_code == 403
    assert hq.post(f"{builtin}/1/publish").status_code == 403


def test_only_hq_writes_checklists(world):
    assert world.manager_north.post(URL, json=own()).status_code == 403
    created(world.hq.post(URL, json=own()))
    url = f"{URL}/store-opening/versions/1"
    assert world.manager_north.put(url, json=own()).status_code == 403
    assert world.manager_north.post(f"{url}/publish").status_code == 403
    assert world.manager_north.get(url).status_code == 200


def test_custom_checklists_stay_inside_their_organization(world):
    created(world.hq.post(URL, json=own()))
    assert keys(world.hq_b.get(URL)) == BUILTIN_KEYS
    for path in ("", "/versions", "/versions/1"):
        assert world.hq_b.get(f"{URL}/store-opening{path}").status_code == 404
    assert world.hq_b.post(f"{URL}/store-opening/versions/1/publish").status_code == 404
    assert world.hq_b.put(f"{URL}/store-opening/versions/1", json=own()).status_code == 404


def test_language_by_query_header_or_all(hq, world):
    url = f"{URL}/self-call/versions/1"
    spanish = hq.get(url).get_json()
    assert spanish["language"] == "es"
    assert spanish["definition"]["title"] == "Llamada de control"
    english = hq.get(url, headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert english.get_json()["definition"]["title"] == "Self-call"
    assert english.headers["Content-Language"] == "en"
    assert hq.get(url, query_string={"lang": "en"}).get_json()["definition"]["title"] == "Self-call"
    both = hq.get(url, query_string={"lang": "all"}).get_json()["definition"]
    assert both["title"] == {"es": "Llamada de control", "en": "Self-call"}
    prompt = both["sections"][0]["items"][0]["prompt"]
    assert set(prompt) == {"es", "en"}
    bad = hq.get(url, query_string={"lang": "fr"})
    assert bad.status_code == 422 and "lang" in bad.get_json()["errors"]


def test_draft_replacement_honours_if_match(hq, world):
    response = hq.post(URL, json=own())
    etag = response.headers["ETag"]
    url = f"{URL}/store-opening/versions/1"
    # The same content again changes nothing, so the ETag stays valid.
    assert hq.put(url, json=own(), headers={"If-Match": etag}).status_code == 200
    changed = own()
    changed["sections"][0]["items"][1]["weight"] = 3
    first = hq.put(url, json=changed, headers={"If-Match": etag})
    assert first.status_code == 200 and first.headers["ETag"] != etag
    assert hq.put(url, json=own(), headers={"If-Match": etag}).status_code == 412


SELF_CALL = f"{URL}/self-call/versions/1/score"


def self_call_answers(**overrides) -> list[dict]:
    values = {
        "rings_to_answer": 4,  # 0.5 x 2
        "answered_by": "person",  # 1 x 2
        "greeting_company": True,
        "greeting_own_name": False,
        "easy_to_reach_right_person": 5,  # 1 x 2
        "transferred_without_repeating": None,  # N/A
        "hold_seconds": 45,  # 0.6
        "hold_permission": True,
        "useful_answer_first_contact": True,  # 1 x 3
        "follow_up_offered": False,
        **overrides,
    }
    return [
        {"item": k, "na": True} if v is None else {"item": k, "value": v} for k, v in values.items()
    ]


def test_score_preview_computes_the_design_rules(hq, world):
    response = hq.post(SELF_CALL, json={"answers": self_call_answers()})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    sections = {s["key"]: s for s in body["sections"]}
    # contact: (1 + 2 + 1 + 0) / 6; routing: (2 + 0.6 + 1) / 4; resolution: 3 / 4
    assert sections["contact"]["pct"] == round(100 * 4 / 6, 2)
    assert sections["routing"]["pct"] == 90.0
    assert sections["resolution"]["pct"] == 75.0
    expected = (35 * 100 * 4 / 6 + 30 * 90 + 35 * 75) / 100
    assert body["overall"] == round(expected, 2)
    assert body["grade"] == "Bueno"
    assert body["critical_failures"] == []
    assert body["checklist"] == {"key": "self-call", "version": 1}
    assert body["rules_version"] == 1
    items = {i["key"]: i for i in body["items"]}
    assert items["transferred_without_repeating"]["applicable"] is False
    assert items["follow_up_offered"]["failed"] is True
    assert items["rings_to_answer"]["fraction"] == 0.5


def test_score_preview_of_a_critical_failure(hq, world):
    answers = [
        {"item": "rings_to_answer", "value": 9},
        {"item": "answered_by", "value": "voicemail"},
    ]
    body = hq.post(SELF_CALL, json={"answers": answers}, query_string={"lang": "en"}).get_json()
    assert body["critical_failures"] == ["answered_by"]
    assert body["overall"] == 0  # min(0, cap_at 40): nothing was earned
    assert body["grade"] == "Poor"


@pytest.mark.parametrize(
    ("answers", "path"),
    [
        (self_call_answers(ghost=1), "answers.ghost"),
        (self_call_answers(rings_to_answer="three"), "answers.rings_to_answer.value"),
        (
            self_call_answers(easy_to_reach_right_person=9),
            "answers.easy_to_reach_right_person.value",
        ),
        (self_call_answers(answered_by=None), "answers.answered_by.na"),
        (
            [a for a in self_call_answers() if a["item"] != "hold_permission"],
            "answers.hold_permission",
        ),
    ],
)
def test_score_preview_validates_answers_like_a_submit(hq, world, answers, path):
    response = hq.post(SELF_CALL, json={"answers": answers})
    assert response.status_code == 422
    assert path in response.get_json()["errors"], response.get_json()


def test_score_preview_of_a_draft_and_across_orgs(world):
    created(world.hq.post(URL, json=own()))
    url = f"{URL}/store-opening/versions/1/score"
    answers = [{"item": "door_open", "value": True}, {"item": "lights_on", "value": False}]
    body = world.hq.post(url, json={"answers": answers}).get_json()
    assert body["overall"] == round(100 / 3, 2)
    assert world.hq_b.post(url, json={"answers": answers}).status_code == 404
    assert world.auditor.post(SELF_CALL, json={"answers": answers}).status_code == 404
