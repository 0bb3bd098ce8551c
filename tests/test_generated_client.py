"""A client generated from the served document (openapi-python-client) drives a whole
auditor and manager journey against a real server: the contract is enough to build on."""

from __future__ import annotations

import importlib
import io
import json
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from types import ModuleType

import pytest
from werkzeug.serving import make_server

from tests.support.audit_helpers import VISIT_ANSWERS
from tests.support.helpers import PASSWORD
from tests.support.photo_helpers import jpeg

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
# The configuration the README gives client developers: photos come back as bytes (the
# generator's own option), and no formatter runs on the generated code.
CONFIG = Path(__file__).resolve().parent.parent / "clients" / "openapi-python-client.json"


def generate(spec: dict, folder: Path) -> tuple[str, str]:
    """Run the generator on the document; return the package name and what it printed."""
    (folder / "openapi.json").write_text(json.dumps(spec))
    package = f"audit_client_{uuid.uuid4().hex[:8]}"
    command = [str(GENERATOR), "generate", "--path", str(folder / "openapi.json")]
    command += ["--meta", "none", "--output-path", str(folder / package)]
    command += ["--config", str(CONFIG)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    return package, run.stdout + run.stderr


@pytest.fixture
def server(app) -> Iterator[str]:
    """The test app served over HTTP on a free loopback port, in a thread."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(timeout=10)


class Generated:
    """The generated package's modules, by the operationId they were named after."""

    def __init__(self, package: str) -> None:
        self.package = package
        self.client = importlib.import_module(f"{package}.client")
        self.models = importlib.import_module(f"{package}.models")
        self.types = importlib.import_module(f"{package}.types")

    def op(self, tag: str, name: str) -> ModuleType:
        """The module of one operation (its `sync`, `sync_detailed`)."""
        return importlib.import_module(f"{self.package}.api.{tag}.{name}")


@pytest.fixture
def generated(client, tmp_path, monkeypatch) -> Generated:
    """A client package generated into tmp_path from the app's own document."""
    spec = client.get("/api/v1/openapi.json").get_json()
    package, printed = generate(spec, tmp_path)
    assert "Warning" not in printed and "WARNING" not in printed, printed
    monkeypatch.syspath_prepend(str(tmp_path))
    return Generated(package)


def sign_in(gen: Generated, base_url: str, email: str):
    """An authenticated generated client, signed in through createToken."""
    body = gen.models.LoginIn(email=email, password=PASSWORD)
    tokens = gen.op("auth", "create_token").sync(client=gen.client.Client(base_url), body=body)
    assert isinstance(tokens, gen.models.LoginOut), tokens
    return gen.client.AuthenticatedClient(base_url, token=tokens.access_token)


def test_a_generated_client_drives_an_auditor_and_a_manager_through_an_audit(
    world, server, generated
):
    gen, m = generated, generated.models
    manager = sign_in(gen, server, "manager_north@a.example")
    auditor = sign_in(gen, server, "auditor@a.example")

    # The manager schedules a first-five-seconds visit of n1 for the auditor.
    schedule = m.AssignmentIn(
        location_id=world.ids["n1"],
        checklist_key="first-five-seconds",
        checklist_version=1,
        kind=m.AssignmentInKind.VISIT,
        auditor_id=world.ids["auditor"],
        due_from=datetime.fromisoformat("2026-11-20T09:00:00-03:00"),
        due_to=datetime.fromisoformat("2026-11-30T18:00:00-03:00"),
    )
    made = gen.op("assignments", "create_assignment").sync(client=manager, body=schedule)
    assert isinstance(made, m.AssignmentOut), made

    # The auditor's phone lists its work: the location and the whole checklist, typed.
    mine = gen.op("assignments", "list_assignments").sync(client=auditor)
    assert [a.id for a in mine] == [made.id]
    checklist = mine[0].checklist.definition
    assert isinstance(checklist, m.DefinitionOut) and checklist.key == "first-five-seconds"
    items = [item.key for section in checklist.sections for item in section.items]
    assert "entrance_photo" in items and mine[0].location.timezone == "America/Santiago"

    # The phone's offline sync: the assignment, its checklist version whole, its location.
    synced = gen.op("sync", "get_sync").sync(client=auditor)
    assert isinstance(synced, m.SyncOut) and synced.full
    assert [a.id for a in synced.assignments] == [made.id]
    assert [v.key for v in synced.checklist_versions] == ["first-five-seconds"]
    assert [loc.id for loc in synced.locations] == [world.ids["n1"]]
    unchanged = gen.op("sync", "get_sync").sync(client=auditor, since=synced.cursor)
    assert unchanged.assignments == [] and unchanged.cursor == synced.cursor

    # A draft, put under a UUID the phone made.
    audit_id = uuid.uuid4()
    content = m.AuditIn(
        location_id=world.ids["n1"],
        checklist_key="first-five-seconds",
        checklist_version=1,
        kind=m.AuditInKind.VISIT,
        assignment_id=made.id,
        started_at=datetime.fromisoformat("2026-11-22T12:00:00-03:00"),
        submitted_at=datetime.fromisoformat("2026-11-22T12:30:00-03:00"),
        visit=m.VisitIn(seconds_to_acknowledge=3),
        answers=[m.AnswerIn(item=key, value=value) for key, value in VISIT_ANSWERS.items()],
    )
    put = gen.op("audits", "put_audit").sync_detailed(audit_id, client=auditor, body=content)
    assert put.status_code == 201 and "-r1." in put.headers["ETag"]  # revision 1, digest
    assert isinstance(put.parsed, m.AuditOut) and put.parsed.score is None

    # The entrance photo: a real JPEG, as multipart.
    photo_id = uuid.uuid4()
    photo = m.UploadPhotoBody(
        photo_id=photo_id,
        item="entrance_photo",
        file=gen.types.File(
            payload=io.BytesIO(jpeg()), file_name="entrance.jpg", mime_type="image/jpeg"
        ),
    )
    uploaded = gen.op("photos", "upload_photo").sync(audit_id, client=auditor, body=photo)
    assert isinstance(uploaded, m.PhotoOut) and uploaded.status == m.PhotoOutStatus.READY

    submitted = gen.op("audits", "submit_audit").sync(audit_id, client=auditor)
    assert isinstance(submitted, m.AuditOut), submitted
    assert submitted.status == m.AuditOutStatus.SUBMITTED

    # After submit the draft no longer changes: the error says why, typed.
    again = gen.op("audits", "put_audit").sync(audit_id, client=auditor, body=content)
    assert isinstance(again, m.Error) and again.reason == m.ErrorReason.AUDIT_NOT_EDITABLE

    review = m.ReviewIn(decision=m.ReviewInDecision.APPROVE)
    approved = gen.op("audits", "review_audit").sync(audit_id, client=manager, body=review)
    assert isinstance(approved, m.AuditOut) and approved.status == m.AuditOutStatus.APPROVED

    # The manager reads the typed score: attributes, not dict keys.
    audit = gen.op("audits", "get_audit").sync(audit_id, client=manager)
    assert isinstance(audit.score, m.ScoreOut) and audit.photos[0].id == str(photo_id)
    assert isinstance(audit.score.overall, float) and isinstance(audit.score.grade, str)
    raw = world.manager_north.get(f"/api/v1/audits/{audit_id}").get_json()["score"]
    assert (audit.score.overall, audit.score.grade) == (raw["overall"], raw["grade"])
    assert 0 < audit.score.overall <= 100 and audit.score.critical_failures == []
    english = gen.op("audits", "get_audit_score").sync(audit_id, client=manager, lang="en")
    raw_en = world.manager_north.get(f"/api/v1/audits/{audit_id}/score?lang=en").get_json()
    assert isinstance(english, m.ScoreOut) and english.grade == raw_en["grade"] != raw["grade"]

    # The photo's display copy comes back as bytes.
    shown = gen.op("photos", "get_photo_content").sync(photo_id, client=manager)
    assert shown.payload.read(3) == b"\xff\xd8\xff"  # a JPEG
