"""Fresh objects of organization A for the authorization matrix, made through the API."""

from __future__ import annotations

import io
import itertools
import uuid
from typing import Any

from tests.support.audit_helpers import DUE, assign, call_audit
from tests.support.checklist_factory import item, raw_checklist, section
from tests.support.helpers import World, created, location_payload
from tests.support.photo_helpers import jpeg, upload

AUDITS = "/api/v1/audits"
MINI_ANSWERS = [{"item": "x1", "value": True}]
_serial = itertools.count(1)
# Every item of the self-call: an action is opened by hand from a new one each time, since an
# item with an action still open at a location takes no second one (a test makes up to 10).
CALL_ITEMS = [
    "rings_to_answer",
    "answered_by",
    "greeting_company",
    "greeting_own_name",
    "easy_to_reach_right_person",
    "transferred_without_repeating",
    "hold_seconds",
    "hold_permission",
    "useful_answer_first_contact",
    "follow_up_offered",
    "call_notes",
]


def unique(prefix: str) -> str:
    """A name no other object of the run has."""
    return f"{prefix}{next(_serial)}"


class Targets:
    """Objects of organization A, inside manager_north's scope and outside manager_s1's; each
    call makes a new one, so a destructive request never sees what another caller did."""

    def __init__(self, world: World) -> None:
        self.w = world
        self.made: list[str] = []  # ids of audits and photos made, to look for in other answers
        self.items = iter(CALL_ITEMS)
        body = raw_checklist([section("a", [item("x1")])], key="mini")
        created(world.hq.post("/api/v1/checklists", json=body))
        assert world.hq.post("/api/v1/checklists/mini/versions/1/publish").status_code == 200
        assign(world)  # the auditor's own assignment at n1: what makes n1 theirs to see

    def region(self) -> int:
        body = {"name": unique("Zona "), "parent_id": self.w.ids["north"]}
        return created(self.w.hq.post("/api/v1/regions", json=body))["id"]

    def location(self) -> int:
        body = location_payload(unique("L"), region_id=self.w.ids["north"])
        return created(self.w.hq.post("/api/v1/locations", json=body))["id"]

    def user(self) -> int:
        body = {
            "email": f"{unique('u')}@new.example",
            "name": "Nuevo",
            "role": "auditor",
            "password": "correct horse battery",
        }
        return created(self.w.hq.post("/api/v1/users", json=body))["id"]

    def draft_checklist(self) -> str:
        key = unique("draft-")
        body = raw_checklist([section("a", [item("x1")])], key=key)
        created(self.w.hq.post("/api/v1/checklists", json=body))
        return key

    def assignment(self) -> int:
        return assign(self.w)["id"]

    def draft(self) -> str:
        """An auditor's draft of an assignment at n1."""
        audit_id = str(uuid.uuid4())
        body = call_audit(self.w, assign(self.w))
        created(self.w.auditor.put(f"{AUDITS}/{audit_id}", json=body))
        self.made.append(audit_id)
        return audit_id

    def submitted(self) -> str:
        audit_id = self.draft()
        assert self.w.auditor.post(f"{AUDITS}/{audit_id}/submit").status_code == 200
        return audit_id

    def approved(self) -> str:
        audit_id = self.submitted()
        review = self.w.hq.post(f"{AUDITS}/{audit_id}/review", json={"decision": "approve"})
        assert review.status_code == 200
        return audit_id

    def photo(self) -> tuple[str, str]:
        """(audit, photo) of a draft."""
        audit_id = self.draft()
        photo_id = created(upload(self.w.auditor, audit_id, jpeg()))["id"]
        self.made.append(photo_id)
        return audit_id, photo_id

    def pending_upload(self) -> tuple[str, str]:
        """(audit, photo) whose bytes were sent to the local upload form, not completed."""
        audit_id, photo_id = self.draft(), str(uuid.uuid4())
        data = jpeg()
        body = {"photo_id": photo_id, "content_type": "image/jpeg", "size": len(data)}
        form = created(self.w.auditor.post(f"{AUDITS}/{audit_id}/photos/uploads", json=body))
        fields = {**form["fields"], "file": (io.BytesIO(data), "p.jpg", "image/jpeg")}
        self.made.append(photo_id)
        assert self.w.hq.client.post("/api/v1/storage/uploads", data=fields).status_code == 204
        return audit_id, photo_id

    def dispute(self) -> int:
        audit_id = self.approved()
        body = {"items": ["greeting_company"], "reason": "No era así"}
        return created(self.w.manager_north.post(f"{AUDITS}/{audit_id}/disputes", json=body))["id"]

    def action_body(self) -> dict[str, Any]:
        """Open an action by hand from an item of a fresh approved audit at n1."""
        return {"audit_id": self.approved(), "item": next(self.items)}

    def action(self) -> int:
        """An open action at n1."""
        return created(self.w.hq.post("/api/v1/actions", json=self.action_body()))["id"]

    def action_photo(self) -> tuple[int, str]:
        """(action, photo) of an open action at n1."""
        action_id, photo_id = self.action(), str(uuid.uuid4())
        form = {"photo_id": photo_id, "file": (io.BytesIO(jpeg()), "p.jpg", "image/jpeg")}
        url = f"/api/v1/actions/{action_id}/photos"
        created(self.w.hq.post(url, data=form, content_type="multipart/form-data"))
        self.made.append(photo_id)
        return action_id, photo_id

    def schedule_body(self) -> dict[str, Any]:
        """A weekly self-call of n1 for the auditor."""
        return {
            "name": unique("Rutina "),
            "checklist_key": "self-call",
            "kind": "call",
            "location_ids": [self.w.ids["n1"]],
            "rrule": "FREQ=WEEKLY;BYDAY=MO",
            "auditor_ids": [self.w.ids["auditor"]],
        }

    def schedule(self) -> int:
        """An active schedule of n1."""
        return created(self.w.hq.post("/api/v1/schedules", json=self.schedule_body()))["id"]

    def webhook(self) -> int:
        """An endpoint of A on a loopback port nothing listens on (no traffic leaves)."""
        body = {"url": "http://127.0.0.1:9/hooks", "events": ["audit.approved"]}
        return created(self.w.hq.post("/api/v1/webhooks", json=body))["id"]

    def delivery(self) -> tuple[int, int]:
        """(endpoint, delivery) of a test event."""
        webhook_id = self.webhook()
        response = self.w.hq.post(f"/api/v1/webhooks/{webhook_id}/test")
        assert response.status_code == 202, response.get_json()
        return webhook_id, response.get_json()["id"]

    def assignment_body(self) -> dict[str, Any]:
        return {
            "location_id": self.w.ids["n1"],
            "checklist_key": "self-call",
            "checklist_version": 1,
            "kind": "call",
            "auditor_id": self.w.ids["auditor"],
            **DUE,
        }
