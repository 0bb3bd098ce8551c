"""The checklist format: built-in files, broken files with path-precise errors, answer checks."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from audit_api.checklists.definition import DefinitionInvalid, load_definition
from audit_api.checklists.files import BUILTIN_DIR, ChecklistFileError, read_file
from audit_api.scoring.answers import AnswersInvalid, check_answers
from tests.support.checklist_factory import checklist, item, raw_checklist, section

BUILTINS = sorted(BUILTIN_DIR.glob("*.yaml"))


def test_the_required_builtins_exist():
    keys = {path.stem for path in BUILTINS}
    assert {"first-five-seconds", "self-call", "complaint-handling", "post-sale-service"} <= keys


@pytest.mark.parametrize("path", BUILTINS, ids=lambda p: p.stem)
def test_every_builtin_validates_in_spanish_and_english(path):
    definition = read_file(path)
    assert definition["languages"][0] == "es" and "en" in definition["languages"]
    assert any(i["critical"] for s in definition["sections"] for i in s["items"])
    assert definition["scoring"]["grades"][-1]["min"] == 0


def test_builtin_contents_follow_the_articles():
    self_call = read_file(BUILTIN_DIR / "self-call.yaml")
    items = {i["key"]: i for s in self_call["sections"] for i in s["items"]}
    assert items["rings_to_answer"]["bands"][0] == {"max": 3, "score": 1}
    assert {o["key"] for o in items["answered_by"]["options"]} >= {"person", "ivr", "voicemail"}
    visit = read_file(BUILTIN_DIR / "first-five-seconds.yaml")
    visit_items = {i["key"]: i for s in visit["sections"] for i in s["items"]}
    assert visit_items["acknowledged_within_5s"]["critical"]
    assert visit_items["entrance_photo"]["type"] == "photo"


def base() -> dict:
    return raw_checklist(
        [
            section("first", [item("a"), item("b", "number", bands=[{"max": 3, "score": 1}])]),
            section("second", [item("c", "scale", min=1, max=5), item("d")]),
        ]
    )


def mutate(path: str, value):
    """A broken copy of base(): set the value at a dotted path (None deletes)."""
    data = copy.deepcopy(base())
    node, parts = data, path.replace("]", "").replace("[", ".").split(".")
    for part in parts[:-1]:
        node = node[int(part)] if part.isdigit() else node[part]
    last = parts[-1]
    if value is None:
        del node[int(last) if last.isdigit() else last]
    else:
        node[int(last) if last.isdigit() else last] = value
    return data


BROKEN = [
    (
        "sections.0.items.1.bands.0.max",
        "x",
        "sections[0].items[1].bands[0].max",
        "must be a number",
    ),
    ("sections.0.items.1.bands.0.score", 1.5, "sections[0].items[1].bands[0].score", "between 0"),
    ("sections.0.items.1.bands", [{"score": 1}], "sections[0].items[1].bands[0]", "exactly one"),
    ("sections.1.items.0.min", 5, "sections[1].items[0].max", "greater than min"),
    ("sections.1.items.0.max", None, "sections[1].items[0].max", "required for scale"),
    ("sections.1.items.1.key", "a", "sections[1].items[1].key", "duplicate item key"),
    ("sections.1.key", "first", "sections[1].key", "duplicate section key"),
    ("sections.0.items.0.type", "essay", "sections[0].items[0].type", "Must be one of"),
    (
        "sections.0.items.0.bands",
        [{"max": 1, "score": 1}],
        "sections[0].items[0].bands",
        "only for",
    ),
    (
        "sections.0.items.0.prompt",
        {"es": "solo"},
        "sections[0].items[0].prompt",
        "missing language",
    ),
    (
        "sections.0.items.0.show_if",
        {"item": "d", "equals": True},
        "sections[0].items[0].show_if.item",
        "earlier item",
    ),
    (
        "sections.1.items.1.show_if",
        {"item": "c", "equals": 9},
        "sections[1].items[1].show_if.equals",
        "between 1 and 5",
    ),
    (
        "sections.1.items.1.show_if",
        {"item": "a", "in": ["yes"]},
        "sections[1].items[1].show_if.in[0]",
        "true or false",
    ),
    ("sections.1.items.1.show_if", {"item": "a"}, "sections[1].items[1].show_if", "exactly one"),
    ("sections.0.weight", -2, "sections[0].weight", "greater than 0"),
    ("sections.0.items.0.evidence", "maybe", "sections[0].items[0].evidence", "Must be one of"),
    ("scoring", {"critical_failure": "zero", "cap_at": 50}, "scoring.cap_at", "only with"),
    ("scoring", {"critical_failure": "cap"}, "scoring.cap_at", "required with"),
    (
        "scoring",
        {
            "grades": [
                {"min": 50, "label": {"es": "a", "en": "a"}},
                {"min": 70, "label": {"es": "b", "en": "b"}},
                {"min": 0, "label": {"es": "c", "en": "c"}},
            ]
        },
        "scoring.grades[1].min",
        "highest",
    ),
    (
        "scoring",
        {"grades": [{"min": 50, "label": {"es": "a", "en": "a"}}]},
        "scoring.grades[0].min",
        "start at 0",
    ),
    ("key", "Bad Key", "key", "lower-case"),
    ("version", 0, "version", "greater than or equal to 1"),
    ("kind", "email", "kind", "Must be one of"),
    ("languages", ["es", "es"], "languages[1]", "duplicate language"),
    ("sections", [], "sections", "Shorter than minimum"),
    ("colour", "red", "colour", "Unknown field"),
]


@pytest.mark.parametrize(("path", "value", "error_path", "message"), BROKEN)
def test_broken_definitions_fail_at_the_exact_path(path, value, error_path, message):
    with pytest.raises(DefinitionInvalid) as info:
        load_definition(mutate(path, value))
    errors = info.value.errors
    assert error_path in errors, errors
    assert any(message in m for m in errors[error_path]), errors[error_path]


def test_critical_and_required_on_fail_need_a_scored_item():
    data = raw_checklist(
        [section("s", [item("a"), item("t", "text", critical=True, evidence="required_on_fail")])]
    )
    with pytest.raises(DefinitionInvalid) as info:
        load_definition(data)
    assert set(info.value.errors) >= {
        "sections[0].items[1].critical",
        "sections[0].items[1].evidence",
    }


def test_a_checklist_needs_something_to_score():
    with pytest.raises(DefinitionInvalid) as info:
        load_definition(raw_checklist([section("s", [item("t", "text")])]))
    assert "sections" in info.value.errors


def write(tmp_path: Path, name: str, data) -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True))
    return path


def test_file_errors_name_the_file_and_the_path(tmp_path):
    path = write(tmp_path, "test-list.yaml", mutate("sections.0.items.1.bands.0.max", "x"))
    with pytest.raises(ChecklistFileError) as info:
        read_file(path)
    assert f"{path}: sections[0].items[1].bands[0].max: must be a number" in str(info.value)


def test_yaml_syntax_errors_give_the_line(tmp_path):
    path = write(tmp_path, "test-list.yaml", "key: test-list\nsections: [\n  - oops: : :\n")
    with pytest.raises(ChecklistFileError, match=r"line \d+, column \d+: not valid YAML"):
        read_file(path)


def test_the_key_must_match_the_file_name(tmp_path):
    path = write(tmp_path, "other-name.yaml", base())
    with pytest.raises(ChecklistFileError, match="must match the file name"):
        read_file(path)


def test_cli_validate_reports_and_exits_non_zero(app, tmp_path):
    good = write(tmp_path, "test-list.yaml", base())
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    bad = write(bad_dir, "test-list.yaml", mutate("sections.1.items.0.min", 5))
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["checklists", "validate", str(good)])
    assert ok.exit_code == 0 and "ok" in ok.output
    failed = runner.invoke(args=["checklists", "validate", str(good), str(bad)])
    assert failed.exit_code == 1
    assert f"{bad}: sections[1].items[0].max: must be greater than min" in failed.output


# --- answers ---------------------------------------------------------------------------

OPTIONS = [
    {"key": "person", "label": {"es": "p", "en": "p"}, "score": 1},
    {"key": "ivr", "label": {"es": "i", "en": "i"}, "score": 0},
]
ANSWERED = checklist(
    [
        section(
            "s",
            [
                item("who", "choice", options=OPTIONS),
                item("name_given", show_if={"item": "who", "equals": "person"}),
                item("rings", "number", bands=[{"max": 3, "score": 1}]),
                item("courtesy", "scale", min=1, max=5, na_allowed=True),
                item("when", "datetime", required=False),
                item("notes", "text", required=False),
            ],
        )
    ]
)


def errors_of(answers: list[dict], complete: bool = True) -> dict:
    with pytest.raises(AnswersInvalid) as info:
        check_answers(ANSWERED, answers, complete=complete)
    return info.value.errors


def valid() -> list[dict]:
    return [
        {"item": "who", "value": "person"},
        {"item": "name_given", "value": True},
        {"item": "rings", "value": 2},
        {"item": "courtesy", "na": True},
    ]


def test_valid_answers_pass():
    checked = check_answers(ANSWERED, valid(), complete=True)
    assert checked["courtesy"].na and checked["rings"].value == 2


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"item": "ghost", "value": 1}, "answers.ghost", "unknown item"),
        ({"item": "rings", "value": "two"}, "answers.rings.value", "must be a number"),
        ({"item": "rings", "value": True}, "answers.rings.value", "must be a number"),
        ({"item": "courtesy", "value": 6}, "answers.courtesy.value", "between 1 and 5"),
        ({"item": "courtesy", "value": 2.5}, "answers.courtesy.value", "whole number"),
        ({"item": "who", "value": "robot"}, "answers.who.value", "one of: person, ivr"),
        ({"item": "who", "na": True}, "answers.who.na", "N/A is not allowed"),
        ({"item": "courtesy", "na": True, "value": 3}, "answers.courtesy", "either"),
        ({"item": "when", "value": "yesterday"}, "answers.when.value", "RFC 3339"),
        ({"item": "when", "value": "2026-11-22T10:00:00"}, "answers.when.value", "offset"),
        ({"item": "notes", "value": 5}, "answers.notes.value", "text"),
    ],
)
def test_each_bad_answer_is_named(change, path, message):
    answers = [a for a in valid() if a["item"] != change["item"]] + [change]
    errors = errors_of(answers)
    assert path in errors and any(message in m for m in errors[path]), errors


def test_missing_required_visible_items_are_named_and_hidden_ones_are_not():
    errors = errors_of([{"item": "who", "value": "person"}])
    assert set(errors) == {"answers.name_given", "answers.rings", "answers.courtesy"}
    hidden = [
        {"item": "who", "value": "ivr"},
        {"item": "rings", "value": 1},
        {"item": "courtesy", "value": 3},
    ]
    assert check_answers(ANSWERED, hidden, complete=True)
    # Drafts may be incomplete.
    assert check_answers(ANSWERED, [{"item": "who", "value": "ivr"}], complete=False)


def test_an_item_answered_twice_is_refused():
    errors = errors_of([*valid(), {"item": "rings", "value": 9}])
    assert "answered more than once" in errors["answers.rings"]
