"""GET /api/v1/audits/{uuid}/report.pdf: made in the background, stored beside the photos,
served until the audit changes; in Spanish and English; on local storage and S3."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from audit_api.db import db, utcnow
from audit_api.reports.pdf.catalog import Words
from audit_api.reports.pdf.models import AuditReport
from tests.support.audit_helpers import assign, call_audit, new_id
from tests.support.camera import TAKEN
from tests.support.helpers import created
from tests.support.report_helpers import (
    AUDITS,
    FAILED,
    HIDDEN,
    full_audit,
    get_report,
    ink,
    pdf_bytes,
    pdf_images,
    pdf_text,
    taken,
)


def _reports(app) -> list[AuditReport]:
    with app.app_context():
        return list(db.session.scalars(select(AuditReport).order_by(AuditReport.id)))


def _pdfs(bucket) -> set[str]:
    return {key for key in bucket.stored() if key.endswith(".pdf")}


@pytest.mark.slow
def test_a_full_report_in_spanish_and_english(app, world, bucket, tmp_path: Path):
    made = full_audit(world)
    review = {"decision": "approve", "note": "Buen registro fotográfico."}
    assert (
        world.manager_north.post(f"{AUDITS}/{made.audit_id}/review", json=review).status_code == 200
    )
    score = world.hq.get(f"{AUDITS}/{made.audit_id}/score").get_json()

    spanish = get_report(world.manager_north, made.audit_id, lang="es")
    data = pdf_bytes(spanish)
    text = pdf_text(data)
    assert "Café Ñuñoa (NU1)" in text and "Av. Irarrázaval 3400, Ñuñoa" in text
    assert f"{score['overall']:.2f}".replace(".", ",") in text and score["grade"] == "Bueno"
    assert "Bueno" in text and "Auditoría de tienda · versión 1" in text and "Visita" in text
    shown = [n for n in range(1, 31) if f"i{n:02d}" != HIDDEN]
    assert all(f"¿Punto {n:02d} en orden?" in text for n in shown)
    assert f"¿Punto {HIDDEN[1:]} en orden?" not in text  # hidden by its show_if
    assert text.count("✘ No cumple") == len(FAILED) and "No · Foto 6 ✘ No cumple" in text
    assert "Todas · Foto 4" in text and "4 (1\u20135) ◑ 75 %" in text and "4 s · Foto 5" in text
    assert "Todo limpio, ñandú." in text and "Comentario: Había cajas en el pasillo." in text
    assert "Fotos (12)" in text and "Foto 12 · General" in text and "Fotos 1, 9" in text
    assert f"Tomada: {taken(TAKEN)}" in text and "⚠ sin hora de captura" in text
    assert pdf_images(data) == 12
    assert "14 m · dentro del perímetro" in text and "Buen registro fotográfico." in text
    assert "Aprobada Revisó manager_north" in text and "Sin disputas." in text
    english = pdf_text(pdf_bytes(get_report(world.hq, made.audit_id, wait_s=20, lang="en")))
    assert "Audit report" in english and "Store audit · version 1" in english
    assert f"{score['overall']:.2f}" in english and "Good" in english
    assert english.count("✘ Fail") == len(FAILED) and "All of them · Photo 4" in english
    assert "Photos (12)" in english and "Point 30 in order?" in english
    assert "Approved Reviewed by manager_north" in english and "no capture time" in english
    # Stored beside the photos, one file per language.
    assert {k.rsplit("-", 1)[1] for k in _pdfs(bucket)} == {"es.pdf", "en.pdf"}
    assert all(f"/{made.audit_id}/reports/" in k for k in _pdfs(bucket))
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    (tmp_path / "report.pdf").write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "report.pdf", "page"],
        cwd=tmp_path,
        check=True,
    )
    [png] = list(tmp_path.glob("page*.png"))
    assert 0.02 < ink(png.read_bytes()) < 0.9


def test_the_report_is_stored_and_served_from_either_storage(app, world, bucket):
    made = full_audit(world, photos=3)
    response = get_report(world.manager_north, made.audit_id)
    if bucket.settings["STORAGE_BACKEND"] == "s3":
        assert response.status_code == 307 and response.headers["Cache-Control"] == "no-store"
    else:
        assert response.status_code == 200 and "private" in response.headers["Cache-Control"]
        name = f"informe-NU1-2026-11-22-{made.audit_id[:8]}.pdf"
        assert response.headers["Content-Disposition"] == f"attachment; filename={name}"
    data = pdf_bytes(response)
    assert "Café Ñuñoa" in pdf_text(data) and pdf_images(data) == 3
    [key] = _pdfs(bucket)
    assert bucket.read(key) == data


CALL = {
    "number_dialled": "+56 2 2233 4455",
    "dialled_at": "2026-11-22T10:00:00-03:00",
    "rings_to_answer": 2,
    "answered_by": "person",
    "holds": [{"seconds": 20, "asked_permission": True}],
    "duration_seconds": 300,
}


def _submitted_call(world) -> str:
    """A self-call of n1 by the auditor, with the call's facts, submitted."""
    audit_id = new_id()
    body = call_audit(world, assign(world), call=CALL)
    response = world.auditor.post(f"{AUDITS}/{audit_id}/submit", json=body)
    assert response.status_code == 200, response.get_json()
    return audit_id


@pytest.mark.app_config(REPORT_WAIT=0)
def test_first_a_202_with_retry_after_then_the_pdf(app, world):
    audit_id = _submitted_call(world)
    first = world.manager_north.get(f"{AUDITS}/{audit_id}/report.pdf")
    assert first.status_code == 202 and first.headers["Retry-After"] == "2"
    assert first.get_json()["status"] == "pending" and first.headers["Cache-Control"] == "no-store"
    ready = get_report(world.manager_north, audit_id, wait_s=30)
    assert ready.status_code == 200
    text = pdf_text(ready.get_data())
    assert "Llamada de control · versión 1" in text and "Datos de la llamada" in text
    assert "Tonos hasta contestar 2" in text and "Esperas 20 s, pidió permiso" in text
    assert len(_reports(app)) == 1  # every look while it was made asked for one rendering


def test_a_changed_audit_gets_a_new_report_and_the_old_one_is_pruned(app, world):
    audit_id = _submitted_call(world)
    before = get_report(world.auditor, audit_id)
    assert "Aún sin revisión." in pdf_text(before.get_data())
    again = world.auditor.get(
        f"{AUDITS}/{audit_id}/report.pdf", headers={"If-None-Match": before.headers["ETag"]}
    )
    assert again.status_code == 304  # nothing changed: the same file
    review = {"decision": "approve", "note": "Correcto."}
    assert world.manager_north.post(f"{AUDITS}/{audit_id}/review", json=review).status_code == 200
    approved = get_report(world.auditor, audit_id)
    assert approved.headers["ETag"] != before.headers["ETag"]
    assert "Aprobada Revisó manager_north" in pdf_text(approved.get_data())
    first = world.hq.get(f"{AUDITS}/{audit_id}/score").get_json()["overall"]
    dispute = {"items": ["follow_up_offered"], "reason": "Sí ofrecieron seguimiento."}
    opened = created(world.manager_north.post(f"{AUDITS}/{audit_id}/disputes", json=dispute))
    fix = {
        "outcome": "overturned",
        "note": "Consta en la grabación.",
        "answers": [{"item": "follow_up_offered", "value": True}],
    }
    assert world.hq.post(f"/api/v1/disputes/{opened['id']}/resolve", json=fix).status_code == 200
    text = pdf_text(get_report(world.hq, audit_id).get_data())
    assert "Disputa 1 · corregida y recalculada" in text and "Sí ofrecieron seguimiento." in text
    then = world.hq.get(f"{AUDITS}/{audit_id}/score").get_json()["overall"]
    change = f"Puntaje {Words('es').number(first)} → {Words('es').number(then)}"
    assert then > first and change in text and "Consta en la grabación." in text
    assert len(_reports(app)) == 3
    result = app.test_cli_runner().invoke(args=["prune"])
    assert "reports: removed 2 PDF report(s)" in result.output
    [kept] = _reports(app)
    storage = Path(app.config["STORAGE_DIR"])
    assert [p.name for p in storage.rglob("*.pdf")] == [Path(kept.key()).name]
    # A report whose file went missing is made again, not a 404.
    next(storage.rglob("*.pdf")).unlink()
    assert get_report(world.hq, audit_id).status_code == 200


def test_reports_follow_who_may_read_the_audit(app, world):
    audit_id = _submitted_call(world)
    url = f"{AUDITS}/{audit_id}/report.pdf"
    assert world.hq_b.get(url).status_code == 404  # another organization
    assert world.manager_s1.get(url).status_code == 404  # a manager without n1 in scope
    assert world.manager_north.get(f"{AUDITS}/{new_id()}/report.pdf").status_code == 404
    assert _reports(app) == []  # nothing was asked for on their behalf
    for lang in ("fr", "all"):
        refused = world.hq.get(url, query_string={"lang": lang})
        assert refused.status_code == 422 and "lang" in refused.get_json()["errors"]
    plain = get_report(world.auditor, audit_id)  # no Accept-Language: the checklist's first
    assert "Informe de auditoría" in pdf_text(plain.get_data())
    asked = {"Accept-Language": "en-GB,en;q=0.9,es;q=0.5"}
    assert "Audit report" in pdf_text(get_report(world.auditor, audit_id, headers=asked).get_data())
    chosen = get_report(world.auditor, audit_id, headers=asked, lang="es")  # ?lang= first
    assert "Informe de auditoría" in pdf_text(chosen.get_data())


def test_a_rendering_that_keeps_failing_answers_503_then_is_tried_again(app, world, monkeypatch):
    from audit_api.reports.pdf import rendering

    def broken(view, images):
        raise RuntimeError("no ink")

    monkeypatch.setattr(rendering, "render", broken)
    audit_id = _submitted_call(world)
    url = f"{AUDITS}/{audit_id}/report.pdf"
    answers = [world.hq.get(url).status_code for _ in range(4)]
    assert answers == [202, 202, 503, 503]
    refused = world.hq.get(url)
    assert (
        refused.headers["Retry-After"] == "120"
        and "could not be made" in refused.get_json()["message"]
    )
    [report] = _reports(app)
    assert report.attempts == 3 and report.error == "RuntimeError: no ink"
    monkeypatch.undo()
    with app.app_context():  # a few minutes later
        db.session.execute(update(AuditReport).values(requested_at=utcnow() - timedelta(minutes=3)))
        db.session.commit()
    assert get_report(world.hq, audit_id).status_code == 200
