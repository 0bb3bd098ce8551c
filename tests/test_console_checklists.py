"""Console checklists (HQ): the list, a version's page, uploading YAML and JSON with errors
that name their path and line, a score preview that stores nothing, publishing; who may."""

from __future__ import annotations

import io
import json
import re
import uuid

import pytest
import yaml
from sqlalchemy import func, select

from audit_api.actions.models import Action
from audit_api.audits.models import Audit
from audit_api.checklists.models import ChecklistVersion
from audit_api.db import db
from audit_api.demo_data import VISIT_ANSWERS
from tests.support.audit_helpers import call_answers
from tests.support.console_pages import csrf_token, get_page, numbers, sign_in

API = "/api/v1/checklists"
PAGES = "/console/checklists"
GOOD = """\
key: store-opening
kind: visit
languages: [es, en]
title: {es: Apertura, en: Store opening}
scoring:
  grades:
    - {min: 90, label: {es: Excelente, en: Excellent}}
    - {min: 0, label: {es: Deficiente, en: Poor}}
sections:
  - key: door
    title: {es: Puerta, en: Door}
    items:
      - key: door_open
        type: yes_no
        critical: true
        action: {priority: high, due_days: 3}
        prompt: {es: "¿Abrió a la hora?", en: "Open on time?"}
  - key: shop
    title: {es: Tienda, en: Shop}
    items:
      - key: queue_minutes
        type: number
        weight: 2
        prompt: {es: Minutos de espera, en: Minutes waiting}
        bands: [{max: 5, score: 1}, {max: 10, score: 0.5}]
      - key: tidy
        type: choice
        prompt: {es: Orden, en: Tidiness}
        options:
          - {key: spotless, label: {es: Impecable, en: Spotless}, score: 1}
          - {key: messy, label: {es: Desordenado, en: Messy}, score: 0}
"""
# The weight of the second section's first item, and its line in the text.
MISTAKE = GOOD.replace("        weight: 2\n", "        weight: -2\n")
MISTAKE_LINE = MISTAKE.splitlines().index("        weight: -2") + 1


def _upload(client, text: str | None = None, file: bytes | None = None, token: str | None = ""):
    page = get_page(client, f"{PAGES}/upload")
    form: dict = {"definition": text or ""}
    if token is not None:
        form["csrf_token"] = token or csrf_token(page)
    if file is not None:
        form["file"] = (io.BytesIO(file), "checklist.json", "application/json")
    return client.post(f"{PAGES}/upload", data=form, content_type="multipart/form-data")


def _hq(client):
    return sign_in(client, "hq@a.example")


def _other(client, email: str):
    other = client.__class__(client.application, client.response_wrapper, use_cookies=True)
    return sign_in(other, email)


def _stored(app) -> tuple[int, int, int]:
    with app.app_context():
        count = lambda model: db.session.scalar(select(func.count()).select_from(model))  # noqa: E731
        return count(Audit), count(Action), count(ChecklistVersion)


def test_the_list_links_every_version(world, client):
    world.hq.post(API, json=yaml.safe_load(GOOD))
    html = get_page(_hq(client), f"{PAGES}/")
    assert 'data-checklist="store-opening"' in html and 'data-checklist="self-call"' in html
    row = re.search(r'data-checklist="store-opening">(.*?)</tr>', html, re.S).group(1)
    assert "Store opening" in row and "es, en" in row and "none yet" in row
    assert f'href="{PAGES}/store-opening/versions/1"' in row and "draft" in row
    assert f'href="{PAGES}/self-call/versions/2"' in html
    assert f'href="{PAGES}/"' in html  # the nav's link, shown to HQ
    spanish = get_page(client, f"{PAGES}/?lang=es")
    assert "Subir una lista" in spanish and "Apertura" in spanish and "borrador" in spanish


def test_a_version_shows_its_items_and_no_publish_for_builtins(world, client):
    html = get_page(_hq(client), f"{PAGES}/self-call/versions/2")
    assert "Self-call" in html and "published" in html and "Who answered?" in html
    item = re.search(r'<tr data-item="answered_by">(.*?)</tr>', html, re.S).group(1)
    assert "critical" in item and "An automated menu: 0.3" in item and ">Choice<" in item
    assert "yes_no" not in html and ">Yes or no<" in html  # item types by their label
    assert "Publish version" not in html
    assert 'name="answer-answered_by"' in html and 'for="q-rings_to_answer"' in html
    assert "only when Who answered? is person" in html  # greeting_company's show_if
    spanish = get_page(client, f"{PAGES}/self-call/versions/2?lang=es")
    assert "¿Quién contestó?" in spanish and "Probar una puntuación" in spanish


def test_upload_yaml_saves_a_draft_and_opens_it(world, client):
    response = _upload(_hq(client), GOOD)
    assert response.status_code == 303, response.text[:3000]
    assert response.location.endswith(f"{PAGES}/store-opening/versions/1")
    body = world.hq.get(f"{API}/store-opening/versions/1").get_json()
    assert body["status"] == "draft"
    assert body["definition"]["sections"][1]["items"][0]["weight"] == 2
    html = get_page(client, response.location)
    assert "Version 1 saved as a draft." in html and "Publish version 1" in html


def test_upload_json_file_is_the_next_version(world, client):
    assert _upload(_hq(client), GOOD).status_code == 303
    world.hq.post(f"{API}/store-opening/versions/1/publish")
    data = yaml.safe_load(GOOD)
    data["sections"][1]["items"][0]["weight"] = -2
    text = json.dumps(data, indent=2)
    refused = _upload(client, "", file=text.encode())
    line = text.splitlines().index('          "weight": -2,') + 1
    assert refused.status_code == 422 and f"line {line})" in refused.text
    assert "sections[1].items[0].weight</code>" in refused.text
    data["sections"][1]["items"][0]["weight"] = 2
    data["title"]["en"] = "Store opening, second take"
    response = _upload(client, "", file=json.dumps(data, indent=2).encode())
    assert response.status_code == 303, response.text[:3000]
    assert response.location.endswith(f"{PAGES}/store-opening/versions/2")
    body = world.hq.get(f"{API}/store-opening/versions/2?lang=en").get_json()
    assert body["definition"]["title"] == "Store opening, second take"


def test_a_mistake_is_shown_with_its_path_and_line_and_nothing_is_stored(app, world, client):
    before = _stored(app)
    response = _upload(_hq(client), MISTAKE)
    assert response.status_code == 422
    html = response.text
    problem = re.search(r'<li id="problem-1">(.*?)</li>', html, re.S).group(1)
    assert '<code class="path">sections[1].items[0].weight</code>' in problem
    assert "must be greater than 0" in problem and f"line {MISTAKE_LINE}" in problem
    assert 'aria-describedby="problem-1"' in html and 'aria-invalid="true"' in html
    # The text comes back as it was typed (escaped in the page).
    textarea = re.search(r"<textarea[^>]*>(.*?)</textarea>", html, re.S).group(1)
    assert textarea.replace("&#34;", '"').replace("&#39;", "'").strip() == MISTAKE.strip()
    assert _stored(app) == before
    assert world.hq.get(f"{API}/store-opening").status_code == 404


def test_a_yaml_syntax_error_gives_line_and_column(app, world, client):
    before = _stored(app)
    response = _upload(_hq(client), "key: broken\ntitle: {es: a\nsections: [\n")
    assert response.status_code == 422
    assert re.search(r"line \d+, column \d+", response.text)
    assert _stored(app) == before
    aliases = _upload(client, "a: &x [1, 2]\nb: *x\n")
    assert aliases.status_code == 422 and "anchors and aliases" in aliases.text
    for deep in ("[" * 5000 + "]" * 5000, "a: " + "[" * 5000 + "]" * 5000):
        refused = _upload(client, deep)
        assert refused.status_code == 422 and "nested too deeply" in refused.text
    assert _stored(app) == before


def test_hostile_texts_are_refused_before_any_parser_chews_on_them(app, world, client):
    """Each a 422 naming what is wrong, read in well under a second (the pure-Python YAML
    scanner took minutes over 100 KB of unclosed brackets, holding SQLite's write lock)."""
    before = _stored(app)
    hostile = {
        "key: x\ndescription: " + "[" * 40_000 + "]" * 40_000: "nested too deeply",
        "key: x\nd:\n" + "".join("  " * n + f"k{n}:\n" for n in range(1, 60)): "nested too deeply",
        "key: x\nweight: " + "9" * 5000: "Exceeds the limit",
        '{"key": "x", "weight": ' + "9" * 5000 + "}": "Exceeds the limit",
        "key: x\n" + "# padding\n" * 12_000: "longer than 100000 characters",
    }
    for text, reason in hostile.items():
        refused = _upload(_hq(client), text)
        assert refused.status_code == 422 and reason in refused.text, reason
    assert _stored(app) == before


def test_a_refusal_without_a_path_is_shown_above_the_form(world, client):
    assert _upload(_hq(client), GOOD).status_code == 303
    again = _upload(client, GOOD)  # version 1 is still a draft
    assert again.status_code == 409 and "still a draft" in again.text
    builtin = _upload(client, GOOD.replace("key: store-opening", "key: self-call"))
    assert builtin.status_code == 403 and "read-only" in builtin.text


def _preview(client, url: str, answers: dict, **headers):
    token = csrf_token(get_page(client, url))
    return client.post(f"{url}/preview", data={"csrf_token": token, **answers}, headers=headers)


def test_preview_shows_the_score_and_stores_nothing(app, world, client):
    assert _upload(_hq(client), GOOD).status_code == 303
    url = f"{PAGES}/store-opening/versions/1"
    before = _stored(app)
    answers = {"answer-door_open": "yes", "answer-queue_minutes": "7", "answer-tidy": "messy"}
    response = _preview(client, url, answers)
    assert response.status_code == 200, response.text[:3000]
    api = world.hq.post(
        f"{API}/store-opening/versions/1/score",
        json={
            "answers": [
                {"item": "door_open", "value": True},
                {"item": "queue_minutes", "value": 7},
                {"item": "tidy", "value": "messy"},
            ]
        },
        headers={"Accept-Language": "en"},
    ).get_json()
    result = re.search(r'<div id="preview-result".*', response.text, re.S).group(0)
    assert numbers(result)[0] == api["overall"]
    assert f"Grade: {api['grade']}" in result
    assert "None." in result  # no critical failure: door_open passed
    # The answers stay in the form.
    assert re.search(r'value="messy" selected', response.text)
    # A critical failure, and the actions approving would open.
    failed = _preview(client, url, {**answers, "answer-door_open": "no"})
    assert "<code>door_open</code>: high priority, due in 3 days" in failed.text
    assert _stored(app) == before


def test_preview_refusals_are_shown_beside_the_item(world, client):
    assert _upload(_hq(client), GOOD).status_code == 303
    url = f"{PAGES}/store-opening/versions/1"
    response = _preview(client, url, {"answer-door_open": "yes", "answer-queue_minutes": "lots"})
    assert response.status_code == 422
    assert 'id="err-queue_minutes"' in response.text and "must be a number" in response.text
    assert 'aria-describedby="err-queue_minutes"' in response.text
    missing = _preview(client, url, {"answer-door_open": "yes"})
    assert missing.status_code == 422
    assert re.search(r'id="err-tidy" class="field-error">required<', missing.text)
    # htmx gets only the preview section back.
    partial = _preview(client, url, {"answer-door_open": "no"}, **{"HX-Request": "true"})
    assert partial.text.lstrip().startswith(("{#", '<section id="preview"'))
    assert "<html" not in partial.text


def test_publish(world, client):
    assert _upload(_hq(client), GOOD).status_code == 303
    url = f"{PAGES}/store-opening/versions/1"
    token = csrf_token(get_page(client, url))
    response = client.post(f"{url}/publish", data={"csrf_token": token})
    assert response.status_code == 303
    assert world.hq.get(f"{API}/store-opening/versions/1").get_json()["status"] == "published"
    html = get_page(client, url)
    assert "Version 1 published" in html and "Publish version 1" not in html
    # A refusal (built-ins are read-only) is a message on the version's page.
    refused = client.post(f"{PAGES}/self-call/versions/2/publish", data={"csrf_token": token})
    assert refused.status_code == 403
    assert "read-only" in refused.text and "Who answered?" in refused.text


def test_posts_without_the_csrf_token_are_refused(app, world, client):
    assert _upload(_hq(client), GOOD).status_code == 303
    before = _stored(app)
    other = GOOD.replace("store-opening", "other-one")
    assert _upload(client, other, token=None).status_code == 400
    url = f"{PAGES}/store-opening/versions/1"
    assert client.post(f"{url}/publish").status_code == 400
    assert client.post(f"{url}/preview", data={"answer-door_open": "yes"}).status_code == 400
    assert _stored(app) == before
    assert world.hq.get(f"{API}/store-opening/versions/1").get_json()["status"] == "draft"


def test_managers_get_403_auditors_the_console_page_and_other_orgs_404(world, client):
    assert _upload(_hq(client), GOOD).status_code == 303
    url = f"{PAGES}/store-opening/versions/1"
    manager = _other(client, "manager_north@a.example")
    for path in (f"{PAGES}/", url, f"{PAGES}/upload"):
        get_page(manager, path, 403)
    assert f'href="{PAGES}/"' not in get_page(manager, "/console/review/")
    token = csrf_token(get_page(manager, "/console/review/"))
    assert manager.post(f"{url}/publish", data={"csrf_token": token}).status_code == 403
    auditor = _other(client, "auditor@a.example")
    assert "managers and HQ" in get_page(auditor, f"{PAGES}/", 403)
    other = _other(client, "hq@b.example")
    get_page(other, f"{PAGES}/", 200)
    for path in (url, f"{PAGES}/upload?from=store-opening"):
        get_page(other, path, 404)
    token = csrf_token(get_page(other, f"{PAGES}/"))
    assert other.post(f"{url}/publish", data={"csrf_token": token}).status_code == 404
    assert other.post(f"{url}/preview", data={"csrf_token": token}).status_code == 404
    assert world.hq.get(f"{API}/store-opening/versions/1").get_json()["status"] == "draft"


def test_user_text_is_escaped(world, client):
    hostile = GOOD.replace("en: Store opening", 'en: "<script>alert(1)</script>"')
    assert _upload(_hq(client), hostile).status_code == 303
    for path in (f"{PAGES}/", f"{PAGES}/store-opening/versions/1"):
        html = get_page(client, path, headers={"Accept-Language": "en"})
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<script>alert(1)" not in html


def _form_of(answers: list[dict]) -> dict[str, str]:
    """The preview form's fields for API answers (yes/no, numbers and keys as text, N/A)."""
    form = {}
    for answer in answers:
        key, value = answer["item"], answer.get("value")
        if answer.get("na"):
            form[f"na-{key}"] = "1"
            form[f"answer-{key}"] = ":na"  # a yes/no or choice item's own N/A option
        elif answer.get("photo_ids"):
            form[f"answer-{key}"] = "taken"
        else:
            form[f"answer-{key}"] = {True: "yes", False: "no"}.get(value, str(value))
    return form


@pytest.mark.parametrize(
    ("key", "answers"),
    [
        ("self-call", call_answers(transferred_without_repeating=None, follow_up_offered=False)),
        (
            "first-five-seconds",
            [{"item": k, "value": v} for k, v in VISIT_ANSWERS.items()]
            + [{"item": "entrance_photo", "photo_ids": [str(uuid.uuid4())]}],
        ),
    ],
)
def test_the_preview_form_scores_as_the_api_does(world, client, key, answers):
    url = f"{PAGES}/{key}/versions/1"
    response = _preview(_hq(client), url, _form_of(answers))
    assert response.status_code == 200, response.text[-3000:]
    api = world.hq.post(
        f"{API}/{key}/versions/1/score",
        json={"answers": answers},
        headers={"Accept-Language": "en"},
    ).get_json()
    result = re.search(r'<div id="preview-result".*', response.text, re.S).group(0)
    assert numbers(result)[: 1 + len(api["sections"])] == [
        api["overall"],
        *[s["pct"] for s in api["sections"]],
    ]
