"""The report's own words in Spanish and English, and numbers and times as each writes them.

Checklist texts (titles, prompts, option and grade labels) come from the checklist in the
chosen language; these are the words around them. A plain catalogue: the report is the only
server-side text so far (the console will bring Flask-Babel).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

LANGUAGES = ("es", "en")

WORDS: dict[str, dict[str, str]] = {
    "es": {
        "title": "Informe de auditoría",
        "checklist": "Checklist",
        "version": "versión",
        "location": "Local",
        "address": "Dirección",
        "date": "Fecha",
        "kind": "Tipo",
        "visit": "Visita",
        "call": "Llamada de control",
        "auditor": "Auditor",
        "status": "Estado",
        "draft": "Borrador",
        "submitted": "Enviada",
        "approved": "Aprobada",
        "rejected": "Rechazada",
        "disputed": "En disputa",
        "started": "Inicio",
        "sent": "Envío",
        "score": "Puntaje",
        "grade": "Calificación",
        "no_score": "Sin puntaje (no enviada)",
        "critical": "Falla crítica",
        "critical_short": "crítico",
        "sections": "Puntaje por sección",
        "section": "Sección",
        "weight": "Peso",
        "items": "Respuestas",
        "item": "Ítem",
        "answer": "Respuesta",
        "result": "Resultado",
        "pass": "✔ Cumple",
        "fail": "✘ No cumple",
        "partial": "◑ {pct}",
        "na": "No aplica",
        "unscored": "—",
        "unanswered": "Sin respuesta",
        "yes": "Sí",
        "no": "No",
        "derived": "(de los datos registrados)",
        "comment": "Comentario",
        "photo_n": "Foto {n}",
        "photos_n": "Fotos {n}",
        "photos": "Fotos",
        "general": "General",
        "taken": "Tomada",
        "no_time": "sin hora de captura",
        "missing_photo": "(archivo no disponible)",
        "signals": "Señales de evidencia",
        "no_signals": "Ninguna foto tiene señales.",
        "no_capture_time": "sin hora de captura (¿captura de pantalla o archivo editado?)",
        "taken_outside_visit": "tomada fuera del horario de la visita",
        "far_from_location": "tomada a {distance} del local",
        "duplicate": "la misma foto está en otra auditoría ({audit})",
        "near_duplicate": "una foto casi idéntica está en otra auditoría ({audit})",
        "checkin": "Registro de llegada",
        "distance": "Distancia al local",
        "geofence_in": "dentro del perímetro",
        "geofence_out": "fuera del perímetro",
        "accuracy": "precisión GPS ± {m} m",
        "no_checkin": "Sin registro de llegada.",
        "seconds_to_acknowledge": "Segundos hasta ser atendido",
        "call_facts": "Datos de la llamada",
        "number_dialled": "Número marcado",
        "dialled_at": "Hora de la llamada",
        "rings_to_answer": "Tonos hasta contestar",
        "seconds_to_answer": "Segundos hasta contestar",
        "answered_by": "Contestó",
        "person": "una persona",
        "ivr": "un menú automático",
        "voicemail": "buzón de voz",
        "no_answer": "nadie",
        "holds": "Esperas",
        "hold": "{s} s, {asked}",
        "asked": "pidió permiso",
        "not_asked": "sin pedir permiso",
        "transfers": "Transferencias",
        "had_to_repeat": "{n} (repitió su historia en {r})",
        "reached_right_person": "Llegó a la persona adecuada",
        "duration": "Duración",
        "review": "Revisión",
        "approved_event": "Aprobada",
        "returned_event": "Devuelta al auditor",
        "rejected_event": "Rechazada",
        "no_review": "Aún sin revisión.",
        "reviewer": "Revisó",
        "when": "Cuándo",
        "disputes": "Disputas",
        "dispute_n": "Disputa {n}",
        "open": "abierta",
        "upheld": "se mantiene el resultado",
        "overturned": "corregida y recalculada",
        "raised": "Presentada",
        "reason": "Motivo",
        "resolution": "Resolución",
        "rescored": "{before} → {after}",
        "disputed_items": "Ítems",
        "no_disputes": "Sin disputas.",
        "footer": "Auditoría {audit} · {version} · generado el {at} · página {page}/{pages}",
        "filename": "informe",
    },
    "en": {
        "title": "Audit report",
        "checklist": "Checklist",
        "version": "version",
        "location": "Location",
        "address": "Address",
        "date": "Date",
        "kind": "Kind",
        "visit": "Visit",
        "call": "Self-call",
        "auditor": "Auditor",
        "status": "Status",
        "draft": "Draft",
        "submitted": "Submitted",
        "approved": "Approved",
        "rejected": "Rejected",
        "disputed": "Disputed",
        "started": "Started",
        "sent": "Submitted",
        "score": "Score",
        "grade": "Grade",
        "no_score": "No score (not submitted)",
        "critical": "Critical failure",
        "critical_short": "critical",
        "sections": "Score by section",
        "section": "Section",
        "weight": "Weight",
        "items": "Answers",
        "item": "Item",
        "answer": "Answer",
        "result": "Result",
        "pass": "✔ Pass",
        "fail": "✘ Fail",
        "partial": "◑ {pct}",
        "na": "N/A",
        "unscored": "—",
        "unanswered": "Not answered",
        "yes": "Yes",
        "no": "No",
        "derived": "(from the recorded facts)",
        "comment": "Comment",
        "photo_n": "Photo {n}",
        "photos_n": "Photos {n}",
        "photos": "Photos",
        "general": "General",
        "taken": "Taken",
        "no_time": "no capture time",
        "missing_photo": "(file unavailable)",
        "signals": "Evidence signals",
        "no_signals": "No photo carries a signal.",
        "no_capture_time": "no capture time (a screenshot or an edited file?)",
        "taken_outside_visit": "taken outside the visit's time",
        "far_from_location": "taken {distance} from the location",
        "duplicate": "the same photo is in another audit ({audit})",
        "near_duplicate": "a near-identical photo is in another audit ({audit})",
        "checkin": "Check-in",
        "distance": "Distance to the location",
        "geofence_in": "within the geofence",
        "geofence_out": "outside the geofence",
        "accuracy": "GPS accuracy ± {m} m",
        "no_checkin": "No check-in.",
        "seconds_to_acknowledge": "Seconds until acknowledged",
        "call_facts": "Call facts",
        "number_dialled": "Number dialled",
        "dialled_at": "Dialled at",
        "rings_to_answer": "Rings until answered",
        "seconds_to_answer": "Seconds until answered",
        "answered_by": "Answered by",
        "person": "a person",
        "ivr": "an automated menu",
        "voicemail": "voicemail",
        "no_answer": "nobody",
        "holds": "Holds",
        "hold": "{s} s, {asked}",
        "asked": "asked permission",
        "not_asked": "without asking",
        "transfers": "Transfers",
        "had_to_repeat": "{n} (retold the story in {r})",
        "reached_right_person": "Reached the right person",
        "duration": "Duration",
        "review": "Review",
        "approved_event": "Approved",
        "returned_event": "Returned to the auditor",
        "rejected_event": "Rejected",
        "no_review": "Not reviewed yet.",
        "reviewer": "Reviewed by",
        "when": "When",
        "disputes": "Disputes",
        "dispute_n": "Dispute {n}",
        "open": "open",
        "upheld": "the result stands",
        "overturned": "corrected and rescored",
        "raised": "Raised",
        "reason": "Reason",
        "resolution": "Resolution",
        "rescored": "{before} → {after}",
        "disputed_items": "Items",
        "no_disputes": "No disputes.",
        "footer": "Audit {audit} · {version} · made {at} · page {page}/{pages}",
        "filename": "report",
    },
}

MONTHS = {
    "es": ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}


class Words:
    """The report's words in one language (English for a language without a catalogue)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in WORDS else "en"
        self.table = WORDS[self.lang]

    def __call__(self, key: str, **values: object) -> str:
        """The text of `key` with `values` put in."""
        text = self.table[key]
        return text.format(**values) if values else text

    def number(self, value: float | None, digits: int = 2) -> str:
        """72.83 as the language writes it ("72,83" in Spanish); None as a dash."""
        if value is None:
            return "—"
        text = f"{value:,.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:,.0f}"
        if self.lang == "es":  # 1,234.5 -> 1.234,5
            text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
        return text

    def distance(self, metres: float | None) -> str:
        """340 m, or 1,134 km past a kilometre: nobody reads a million metres."""
        if metres is None:
            return "—"
        if metres < 1000:
            return f"{self.number(metres, 0)} m"
        return f"{self.number(metres / 1000, 1 if metres < 10_000 else 0)} km"

    def day(self, value: date) -> str:
        """22 nov 2026 / 22 Nov 2026: no order of day and month to misread."""
        return f"{value.day} {MONTHS[self.lang][value.month - 1]} {value.year}"

    def moment(self, value: datetime | None, timezone: str) -> str:
        """A time in the location's timezone, with the day."""
        if value is None:
            return "—"
        local = value.astimezone(ZoneInfo(timezone))
        return f"{self.day(local.date())} {local:%H:%M}"
