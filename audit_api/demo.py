"""A realistic demo brand: regions, locations across Spain and Latin America, users, then its
story (demo_story.py) acted out through the services (demo_activity.py); logins to try it."""

from __future__ import annotations

import time
from collections.abc import Callable

from marshmallow import Schema
from sqlalchemy import func, select

from audit_api.assignments.models import Assignment, AssignmentStatus
from audit_api.audits.models import Audit
from audit_api.checklists.builtins import sync_builtins
from audit_api.db import db, utcnow
from audit_api.demo_activity import Cast, open_assignments, run_audit
from audit_api.demo_data import BRAND, DOMAIN, LOCATIONS, PASSWORDS, REGIONS, USERS
from audit_api.demo_story import plan
from audit_api.evidence.models import Photo
from audit_api.locations.models import Location
from audit_api.locations.schemas import LocationIn
from audit_api.locations.service import create_location
from audit_api.orgs.service import create_org, find_org
from audit_api.regions.schemas import RegionIn
from audit_api.regions.service import create_region
from audit_api.users.models import User
from audit_api.users.schemas import UserIn
from audit_api.users.service import create_user


def _load(schema: Schema, data: dict) -> dict:
    return schema.load(data)  # type: ignore[return-value]


BASE = "http://127.0.0.1:5000/api/v1"
SCORECARD = "CL-005"  # Valparaíso Centro: the Chile manager's weakest location


def seed(echo: Callable[[str], None]) -> None:
    """Create the demo brand and its activity; a later run adds only what is missing (none
    of it twice) and prints the logins again."""
    began = time.perf_counter()
    org = find_org(BRAND)
    if org is None:
        org_id = _create(echo)
    else:
        org_id = org.id
        echo(f"demo brand '{BRAND}' already exists")
    _activity(org_id, echo)
    echo(f"organization id: {org_id} (seeded in {time.perf_counter() - began:.1f} s)")
    echo("\nDemo logins (POST /api/v1/auth/token):")
    for local, name, role, *_ in USERS:
        email = f"{local}@{DOMAIN}"
        echo(f"  {role:9} {email:34} password: {PASSWORDS[role]:25} ({name})")
    echo("\nTry it with `flask --app wsgi run` going (an auditor's open work, a manager's view):")
    for line in curl_lines(org_id):
        echo(f"  {line}")


def _activity(org_id: int, echo: Callable[[str], None]) -> None:
    sync_builtins()  # the story's checklists, even when SYNC_CHECKLISTS is off
    now, cast = utcnow(), Cast(org_id)
    made = sum(run_audit(cast, planned, now) for planned in plan(now))
    opened = open_assignments(cast, now)
    rows = db.session.execute(
        select(Audit.status, func.count()).where(Audit.org_id == org_id).group_by(Audit.status)
    )
    statuses = ", ".join(f"{n} {status}" for status, n in sorted(rows, key=lambda r: -r[1]))
    waiting = select(func.count()).where(
        Assignment.org_id == org_id, Assignment.status == AssignmentStatus.OPEN
    )
    photos = select(func.count()).where(Photo.org_id == org_id)
    echo(
        f"activity: {made} audits and {opened} assignments added now; in all {statuses} audits, "
        f"{db.session.scalar(waiting)} open assignments, {db.session.scalar(photos)} photos"
    )


def _sign_in(local: str, role: str) -> str:
    body = f'{{"email": "{local}@{DOMAIN}", "password": "{PASSWORDS[role]}"}}'
    extract = "python3 -c 'import json,sys; print(json.load(sys.stdin)[\"access_token\"])'"
    return (
        f"curl -s -X POST {BASE}/auth/token -H 'Content-Type: application/json' "
        f"-d '{body}' | {extract}"
    )


def curl_lines(org_id: int) -> list[str]:
    """Sign in as an auditor, list their open assignments, read a scorecard as its manager."""
    location = db.session.scalar(
        select(Location.id).where(Location.org_id == org_id, Location.code == SCORECARD)
    )
    return [
        f"TOKEN=$({_sign_in('camila.soto', 'auditor')})",
        f"curl -s '{BASE}/assignments?status=open' -H \"Authorization: Bearer $TOKEN\"",
        f"curl -s {BASE}/locations/{location}/scorecard "
        f'-H "Authorization: Bearer $({_sign_in("gerente.chile", "manager")})"',
    ]


def _create(echo: Callable[[str], None]) -> int:
    hq_local, hq_name, *_ = USERS[0]
    _, admin = create_org(
        BRAND, {"email": f"{hq_local}@{DOMAIN}", "name": hq_name, "password": PASSWORDS["hq_admin"]}
    )
    regions: dict[str, int] = {}
    for name, parent in REGIONS.items():
        data = _load(RegionIn(), {"name": name, "parent_id": regions.get(parent or "")})
        regions[name] = create_region(admin, data).id
    locations: dict[str, int] = {}
    for code, name, address, phone, tz, lat, lon, region in LOCATIONS:
        data = _load(
            LocationIn(),
            {
                "code": code,
                "name": name,
                "address": address,
                "phone": phone,
                "timezone": tz,
                "latitude": lat,
                "longitude": lon,
                "region_id": regions[region],
            },
        )
        locations[code] = create_location(admin, data).id
    for local, name, role, scope_regions, scope_codes in USERS[1:]:
        scope = (
            {
                "region_ids": [regions[r] for r in scope_regions],
                "location_ids": [locations[c] for c in scope_codes],
            }
            if role == "manager"
            else None
        )
        payload = {
            "email": f"{local}@{DOMAIN}",
            "name": name,
            "role": role,
            "password": PASSWORDS[role],
            **({"scope": scope} if scope else {}),
        }
        create_user(admin.org_id, _load(UserIn(), payload))
    count = len(db.session.scalars(select(User.id).where(User.org_id == admin.org_id)).all())
    echo(
        f"demo brand '{BRAND}' created: {len(regions)} regions, {len(locations)} locations, "
        f"{count} users"
    )
    return admin.org_id
