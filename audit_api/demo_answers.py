"""Believable answers for the demo's visits and self-calls: each place has a level and a trend."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from random import Random
from typing import Any

# location code -> (service level 0..1 five months ago, change per month): some improve, some slip
PROFILES = {
    "CL-001": (0.90, 0.005),
    "CL-002": (0.78, 0.02),
    "CL-003": (0.64, 0.04),
    "CL-004": (0.82, -0.035),
    "CL-005": (0.52, 0.05),
    "MX-001": (0.86, 0.0),
    "MX-002": (0.70, -0.03),
    "MX-003": (0.76, 0.015),
    "AR-001": (0.80, 0.02),
    "AR-002": (0.58, 0.01),
    "CO-001": (0.88, -0.01),
    "CO-002": (0.68, 0.03),
    "PE-001": (0.66, 0.025),
    "ES-001": (0.93, 0.0),
}

FAILED = {  # what an auditor writes beside a failed item
    "smile_eye_contact": ["El cajero no levantó la vista del computador.", "Saludo sin mirar."],
    "entrance_clean": ["Cajas apiladas junto a la puerta.", "Colillas y un vaso en la entrada."],
    "floor_clean": ["Restos de café frente a la caja.", "Piso pegajoso cerca de las mesas."],
    "proper_vocabulary": ["Usó «al tiro, ¿ya?» y muletillas constantes."],
    "no_blaming_colleagues": ["Dijo que la demora era culpa del turno de la mañana."],
    "greeting_company": ["Contestó solo «¿aló?»."],
    "greeting_own_name": ["No dijo su nombre."],
    "useful_answer_first_contact": ["No supo el horario del domingo; quedó en averiguar."],
    "follow_up_offered": ["No ofreció devolver la llamada."],
}
NOTES = [
    "Local lleno a la hora de almuerzo; aun así me saludaron al entrar.",
    "Música alta; costaba escuchar a la barista.",
    "Muy buena disposición para explicar los granos de la semana.",
    "Había fila de seis personas y solo una caja abierta.",
    "Ambiente ordenado y agradable, vitrina bien surtida.",
]
CALL_NOTES = [
    "Pregunté si tenían leche de avena y el horario del domingo.",
    "Consulté por una reserva para ocho personas el sábado.",
    "Pregunté si venden café en grano molido para prensa francesa.",
]


@dataclass
class Filled:
    """One audit's paradata and answers, and the photos its visit needs (item keys)."""

    paradata: dict[str, Any]
    answers: list[dict[str, Any]]
    photo_items: list[str] = field(default_factory=list)
    submitted_at: datetime | None = None


def level(code: str, months_from_start: float) -> float:
    """A location's service level at a point of the history, kept within 0.3..0.98."""
    start, change = PROFILES.get(code, (0.75, 0.0))
    return max(0.3, min(0.98, start + change * months_from_start))


def _scale(rng: Random, q: float) -> int:
    return max(1, min(5, round(1 + 4 * q + rng.gauss(0, 0.8))))


def _answer(rng: Random, item: str, value: Any) -> dict[str, Any]:
    answer: dict[str, Any] = {"item": item, "value": value}
    if value is False and item in FAILED and rng.random() < 0.7:
        answer["comment"] = rng.choice(FAILED[item])
    return answer


def visit(
    rng: Random, q: float, started: datetime, place: tuple[float, float], forced: dict[str, Any]
) -> Filled:
    """A first-five-seconds visit by someone walking in at `started` (`forced` answers win)."""
    quick = rng.random() < q + 0.1
    seconds = rng.randint(1, 5) if quick else rng.randint(6, 40)
    r = rng.random()
    facilities = "all" if r < q + 0.1 else "some" if r < q + 0.3 else "none"
    values = {
        "smile_eye_contact": rng.random() < q,
        "entrance_clean": rng.random() < q + 0.15,
        "floor_clean": rng.random() < q + 0.05,
        "facilities_available": facilities,
        "courtesy": _scale(rng, q),
        "proper_vocabulary": rng.random() < q + 0.2,
        "product_knowledge": _scale(rng, q - 0.05),
        "no_blaming_colleagues": rng.random() < 0.94 + 0.06 * q,
        **forced,
    }
    answers = [_answer(rng, item, value) for item, value in values.items()]
    if rng.random() < 0.3:
        answers.append({"item": "notes", "value": rng.choice(NOTES)})
    jitter = (rng.uniform(-0.0002, 0.0002), rng.uniform(-0.0002, 0.0002))  # ~20 m
    paradata = {
        "checkin": {
            "latitude": round(place[0] + jitter[0], 6),
            "longitude": round(place[1] + jitter[1], 6),
            "accuracy_m": rng.randint(5, 25),
        },
        "visit": {"seconds_to_acknowledge": seconds},
    }
    failed_evidence = [k for k in ("entrance_clean", "floor_clean") if values[k] is False]
    return Filled(
        paradata,
        answers,
        ["entrance_photo", *failed_evidence],
        started + timedelta(minutes=rng.randint(12, 35)),
    )


def call(rng: Random, q: float, started: datetime, phone: str) -> Filled:
    """A self-call dialled at `started`: the facts of the call, and what the auditor judged."""
    r = rng.random()
    # A weak location sometimes lets the phone ring out; a strong one hardly ever does.
    answered_by = (
        "person"
        if r < 0.78 + 0.2 * q
        else "ivr"
        if r < 0.96 + 0.04 * q
        else rng.choice(["voicemail", "no_answer"])
    )
    reached = answered_by in ("person", "ivr")
    rings = rng.randint(1, 3) if rng.random() < q + 0.1 else rng.randint(4, 7)
    facts: dict[str, Any] = {
        "number_dialled": phone,
        "dialled_at": started.isoformat(),
        "rings_to_answer": rings if reached else 8,
        "answered_by": answered_by,
        "holds": [],
        "transfers": [],
    }
    answers: list[dict[str, Any]] = []
    if reached:
        if rng.random() < 0.45:
            hold = rng.randint(10, 35) if rng.random() < q else rng.randint(45, 150)
            facts["holds"] = [{"seconds": hold, "asked_permission": rng.random() < q + 0.1}]
        if rng.random() < 0.3:
            facts["transfers"] = [{"had_to_repeat": rng.random() > q}]
        facts["reached_right_person"] = rng.random() < q + 0.15
        facts["duration_seconds"] = rng.randint(90, 420)
        values: dict[str, Any] = {}
        if answered_by == "person":
            values["greeting_company"] = rng.random() < q + 0.15
            values["greeting_own_name"] = rng.random() < q - 0.1
        values["easy_to_reach_right_person"] = _scale(rng, q)
        values["useful_answer_first_contact"] = rng.random() < q + 0.05
        values["follow_up_offered"] = rng.random() < q - 0.15
        answers = [_answer(rng, item, value) for item, value in values.items()]
        note = rng.choice(CALL_NOTES)
    else:
        facts["duration_seconds"] = 45
        note = (
            "Nadie contestó; sonó hasta cortarse."
            if answered_by == "no_answer"
            else ("Saltó el buzón de voz sin mensaje de la tienda.")
        )
    answers.append({"item": "call_notes", "value": note})
    seconds = facts["duration_seconds"] + rng.randint(60, 240)
    return Filled({"call": facts}, answers, [], started + timedelta(seconds=seconds))
