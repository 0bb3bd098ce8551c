"""The scoring rules of docs/scoring.md, checked by hand-computed examples and properties."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audit_api.scoring.engine import RULES_VERSION, Answer, fraction, score
from tests.support.checklist_factory import checklist, item, section

BANDS = [{"max": 3, "score": 1}, {"max": 5, "score": 0.5}]


def answers(**values) -> dict[str, Answer]:
    return {k: v if isinstance(v, Answer) else Answer(value=v) for k, v in values.items()}


def by_key(result):
    return {i.key: i for i in result.items}


@pytest.mark.parametrize(
    ("spec", "value", "expected"),
    [
        (item("a"), True, 1.0),
        (item("a"), False, 0.0),
        (item("a", **{"pass": False}), False, 1.0),
        (item("a", **{"pass": False}), True, 0.0),
        (item("a", "scale", min=1, max=5), 1, 0.0),
        (item("a", "scale", min=1, max=5), 4, 0.75),
        (item("a", "scale", min=0, max=10), 10, 1.0),
        (item("a", "number", bands=BANDS), 2, 1.0),
        (item("a", "number", bands=BANDS), 3, 1.0),
        (item("a", "number", bands=BANDS), 4.5, 0.5),
        (item("a", "number", bands=BANDS), 6, 0.0),
        # First matching band in listed order wins, even when a later one would match too.
        (item("a", "number", bands=[{"min": 10, "score": 0.2}, {"min": 20, "score": 1}]), 25, 0.2),
        (item("a", "number", bands=[{"min": 10, "score": 0.2}]), 9, 0.0),
    ],
)
def test_item_fractions(spec, value, expected):
    definition = checklist([section("s", [spec])])
    assert fraction(definition["sections"][0]["items"][0], value) == expected


def test_choice_fraction_is_the_option_score():
    options = [
        {"key": "all", "label": {"es": "a", "en": "a"}, "score": 1},
        {"key": "some", "label": {"es": "b", "en": "b"}, "score": 0.4},
    ]
    result = score(
        checklist([section("s", [item("c", "choice", options=options)])]), answers(c="some")
    )
    assert by_key(result)["c"].fraction == 0.4
    assert result.overall == pytest.approx(40)


def test_unscored_types_are_never_applicable():
    definition = checklist(
        [section("s", [item("y"), item("t", "text"), item("p", "photo"), item("d", "datetime")])]
    )
    result = score(
        definition,
        {
            "y": Answer(value=True),
            "t": Answer(value="fine"),
            "p": Answer(photo_ids=("x",)),
            "d": Answer(value="2026-11-22T10:00:00-03:00"),
        },
    )
    items = by_key(result)
    assert [items[k].applicable for k in "ytpd"] == [True, False, False, False]
    assert result.overall == 100


def test_na_hidden_and_unanswered_optional_items_are_not_applicable():
    definition = checklist(
        [
            section(
                "s",
                [
                    item(
                        "gate",
                        "choice",
                        options=[
                            {"key": "yes", "label": {"es": "s", "en": "y"}, "score": 1},
                            {"key": "no", "label": {"es": "n", "en": "n"}, "score": 0},
                        ],
                    ),
                    item("shown_only_if_yes", show_if={"item": "gate", "equals": "yes"}),
                    item("maybe", na_allowed=True),
                    item("optional", required=False),
                ],
            )
        ]
    )
    result = score(
        definition,
        {
            "gate": Answer(value="no"),
            "shown_only_if_yes": Answer(value=False),  # hidden: its answer is ignored
            "maybe": Answer(na=True),
        },
    )
    items = by_key(result)
    assert not items["shown_only_if_yes"].visible and not items["shown_only_if_yes"].applicable
    assert not items["maybe"].applicable and not items["optional"].applicable
    assert items["gate"].failed
    assert result.overall == 0
    shown = score(definition, answers(gate="yes", shown_only_if_yes=False))
    assert by_key(shown)["shown_only_if_yes"].failed
    assert shown.overall == 50


def test_show_if_on_a_hidden_item_hides_too():
    definition = checklist(
        [
            section(
                "s",
                [
                    item("a"),
                    item("b", show_if={"item": "a", "equals": True}),
                    item("c", show_if={"item": "b", "in": [True]}),
                ],
            )
        ]
    )
    result = score(definition, answers(a=False, b=True, c=True))
    assert [i.visible for i in result.items] == [True, False, False]


def test_without_section_weights_overall_is_total_earned_over_possible():
    definition = checklist(
        [
            section("one", [item("a", weight=3), item("b")]),
            section("two", [item("c", "scale", min=0, max=4, weight=2)]),
        ]
    )
    result = score(definition, answers(a=True, b=False, c=1))
    # earned 3 + 0 + 2 * 0.25 = 3.5 of 6
    assert result.overall == pytest.approx(100 * 3.5 / 6)
    sections = {s.key: s for s in result.sections}
    assert sections["one"].pct == pytest.approx(75) and sections["one"].weight == 4
    assert sections["two"].pct == pytest.approx(25) and sections["two"].weight == 2


def test_with_section_weights_overall_is_the_weighted_mean_of_pcts():
    definition = checklist(
        [
            section("one", [item("a", weight=3), item("b")], weight=10),
            section("two", [item("c", "scale", min=0, max=4, weight=2)], weight=30),
        ]
    )
    result = score(definition, answers(a=True, b=False, c=1))
    assert result.overall == pytest.approx((10 * 75 + 30 * 25) / 40)


def test_a_section_with_only_na_drops_out():
    definition = checklist(
        [
            section("one", [item("a")], weight=50),
            section("two", [item("b", na_allowed=True)], weight=50),
        ]
    )
    result = score(definition, {"a": Answer(value=True), "b": Answer(na=True)})
    assert [s.pct for s in result.sections] == [100, None]
    assert result.sections[1].weight is None
    assert result.overall == 100


def test_no_applicable_item_means_no_score_and_no_grade():
    definition = checklist([section("s", [item("a", na_allowed=True), item("n", "text")])])
    result = score(definition, {"a": Answer(na=True), "n": Answer(value="x")})
    assert result.overall is None and result.grade is None
    assert result.critical_failures == []


def critical_list(policy: dict) -> dict:
    return checklist(
        [section("s", [item("must", critical=True), item("b"), item("c"), item("d")])],
        scoring={
            **policy,
            "grades": [
                {"min": 50, "label": {"es": "ok", "en": "ok"}},
                {"min": 0, "label": {"es": "mal", "en": "bad"}},
            ],
        },
    )


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ({"critical_failure": "zero"}, 0),
        ({"critical_failure": "cap", "cap_at": 50}, 50),
        ({"critical_failure": "cap", "cap_at": 80}, 75),
        ({"critical_failure": "flag"}, 75),
        ({}, 0),  # zero is the default
    ],
)
def test_critical_failure_policies(policy, expected):
    result = score(critical_list(policy), answers(must=False, b=True, c=True, d=True))
    assert result.critical_failures == ["must"]
    assert result.overall == pytest.approx(expected)
    assert result.uncapped_overall == pytest.approx(75)


def test_a_passed_critical_changes_nothing():
    result = score(critical_list({"critical_failure": "zero"}), answers(must=True, b=False))
    assert result.critical_failures == [] and result.overall == 50


@pytest.mark.parametrize(
    ("overall_answers", "grade"), [((True, True), "Excelente"), ((True, False), "Deficiente")]
)
def test_grade_is_the_first_band_at_or_below_the_overall(overall_answers, grade):
    definition = checklist([section("s", [item("a"), item("b")])])
    a, b = overall_answers
    result = score(definition, answers(a=a, b=b))
    assert result.grade["es"] == grade


def test_grade_boundary_is_inclusive():
    definition = checklist([section("s", [item("a", "scale", min=0, max=10)])])
    assert score(definition, answers(a=9)).grade["en"] == "Excellent"
    assert score(definition, answers(a=6)).grade["en"] == "Fair"


def test_result_carries_its_provenance():
    result = score(checklist([section("s", [item("a")])]), answers(a=True))
    assert (result.checklist_key, result.checklist_version) == ("test-list", 1)
    assert result.rules_version == RULES_VERSION


def test_scoring_imports_neither_flask_nor_sqlalchemy():
    code = (
        "import sys, audit_api.scoring.engine, audit_api.scoring.answers,"
        " audit_api.checklists.definition;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- properties -------------------------------------------------------------------------

ITEM = st.one_of(
    st.tuples(st.just("yes_no"), st.booleans()),
    st.tuples(st.just("scale"), st.integers(0, 4)),
    st.tuples(st.just("number"), st.floats(0, 20, allow_nan=False)),
    st.tuples(st.just("na"), st.none()),
)
SPEC = st.lists(
    st.lists(st.tuples(ITEM, st.floats(0.1, 10)), min_size=1, max_size=5), min_size=1, max_size=4
)


def build(spec, with_section_weights: bool, weights: list[float]):
    sections, given = [], {}
    for s_index, items in enumerate(spec):
        built = []
        for i_index, ((kind, value), weight) in enumerate(items):
            key = f"i{s_index}_{i_index}"
            extra = {"scale": {"min": 0, "max": 4}, "number": {"bands": BANDS}}.get(kind, {})
            built.append(
                item(
                    key, "yes_no" if kind == "na" else kind, weight=weight, na_allowed=True, **extra
                )
            )
            given[key] = Answer(na=True) if kind == "na" else Answer(value=value)
        extra = {"weight": weights[s_index % len(weights)]} if with_section_weights else {}
        sections.append(section(f"s{s_index}", built, **extra))
    return checklist(sections, scoring={"critical_failure": "flag", "grades": []}), given


@settings(max_examples=200, deadline=None)
@given(SPEC, st.booleans(), st.lists(st.floats(0.5, 100), min_size=1, max_size=4))
def test_overall_stays_within_0_and_100(spec, with_weights, weights):
    definition, given = build(spec, with_weights, weights)
    result = score(definition, given)
    if result.overall is not None:
        assert 0 <= result.overall <= 100 + 1e-9


@settings(max_examples=200, deadline=None)
@given(SPEC)
def test_without_section_weights_overall_equals_earned_over_possible(spec):
    definition, given = build(spec, False, [1])
    result = score(definition, given)
    earned = sum(i.earned for i in result.items if i.applicable)
    possible = sum(i.possible for i in result.items if i.applicable)
    if possible == 0:
        assert result.overall is None
    else:
        assert result.overall == pytest.approx(100 * earned / possible)
