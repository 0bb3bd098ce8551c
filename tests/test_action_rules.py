"""The checklist item field `action`: validated at its path, in the built-ins, in the preview."""

from __future__ import annotations

import pytest

from audit_api.checklists.definition import DefinitionInvalid, load_definition
from audit_api.checklists.files import BUILTIN_DIR, read_file
from tests.support.audit_helpers import call_answers
from tests.support.checklist_factory import item, raw_checklist, section
from tests.support.helpers import created


def with_items(*items: dict) -> dict:
    return raw_checklist([section("a", list(items))])


def test_an_item_may_say_what_its_failure_opens():
    definition = load_definition(with_items(item("x", action={"priority": "low", "due_days": 3})))
    assert definition["sections"][0]["items"][0]["action"] == {"priority": "low", "due_days": 3}
    assert "action" not in load_definition(with_items(item("x")))["sections"][0]["items"][0]


@pytest.mark.parametrize(
    ("action", "path", "message"),
    [
        ({"priority": "urgent", "due_days": 3}, "action.priority", "Must be one of"),
        ({"priority": "low", "due_days": 0}, "action.due_days", "1 to 365"),
        ({"priority": "low", "due_days": 1.5}, "action.due_days", "whole number"),
        ({"priority": "low"}, "action.due_days", "required"),
        ({"priority": "low", "due_days": 3, "who": "x"}, "action.who", "Unknown"),
        ("soon", "action", "Invalid input"),
    ],
)
def test_a_bad_action_is_named_by_its_path(action, path, message):
    with pytest.raises(DefinitionInvalid) as caught:
        load_definition(with_items(item("ok"), item("x", action=action)))
    errors = caught.value.errors
    full = f"sections[0].items[1].{path}"
    assert full in errors, errors
    assert message in " ".join(errors[full])


def test_only_a_scored_item_opens_an_action():
    body = with_items(item("x"), item("n", "text", action={"priority": "low", "due_days": 3}))
    with pytest.raises(DefinitionInvalid) as caught:
        load_definition(body)
    assert "only a scored item" in caught.value.errors["sections[0].items[1].action"][0]


def test_the_builtins_open_actions_where_a_customer_was_let_down():
    visit = read_file(BUILTIN_DIR / "first-five-seconds.yaml")
    items = {i["key"]: i for s in visit["sections"] for i in s["items"]}
    assert items["acknowledged_within_5s"]["action"] == {"priority": "high", "due_days": 7}
    call = read_file(BUILTIN_DIR / "self-call.yaml")
    items = {i["key"]: i for s in call["sections"] for i in s["items"]}
    assert items["answered_by"]["action"]["priority"] == "high"
    # The earlier version stays as it was published.
    assert "action" not in str(read_file(BUILTIN_DIR / "past" / "self-call.v1.yaml"))


def test_the_preview_lists_the_actions_an_approval_would_open(world):
    answers = call_answers(answered_by="voicemail")
    url = "/api/v1/checklists/self-call/versions/2/score"
    body = world.manager_north.post(url, json={"answers": answers}).get_json()
    assert body["actions"] == [{"item": "answered_by", "priority": "high", "due_days": 3}]
    passing = world.manager_north.post(
        url, json={"answers": call_answers(follow_up_offered=True)}
    ).get_json()
    assert passing["actions"] == []


@pytest.mark.app_config(ACTION_DUE_DAYS=10)
def test_a_failed_critical_item_without_an_action_opens_a_high_one_on_the_default_days(world):
    body = with_items(
        item("x", critical=True), item("y", action={"priority": "low", "due_days": 2})
    )
    created(world.hq.post("/api/v1/checklists", json=body))
    url = "/api/v1/checklists/test-list/versions/1/score"
    answers = [{"item": "x", "value": False}, {"item": "y", "value": False}]
    assert world.hq.post(url, json={"answers": answers}).get_json()["actions"] == [
        {"item": "x", "priority": "high", "due_days": 10},
        {"item": "y", "priority": "low", "due_days": 2},
    ]
