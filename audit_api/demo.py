"""A realistic demo brand: regions, a dozen locations across Spain and Latin America, users."""

from __future__ import annotations

from collections.abc import Callable

from marshmallow import Schema
from sqlalchemy import select

from audit_api.db import db
from audit_api.demo_data import BRAND, DOMAIN, LOCATIONS, PASSWORDS, REGIONS, USERS
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


def seed(echo: Callable[[str], None]) -> None:
    """Create the demo brand once; on later runs only print the logins again."""
    if find_org(BRAND) is None:
        _create(echo)
    else:
        echo(f"demo brand '{BRAND}' already exists")
    echo("\nDemo logins (POST /api/v1/auth/token):")
    for local, name, role, *_ in USERS:
        email = f"{local}@{DOMAIN}"
        echo(f"  {role:9} {email:34} password: {PASSWORDS[role]:25} ({name})")


def _create(echo: Callable[[str], None]) -> None:
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
