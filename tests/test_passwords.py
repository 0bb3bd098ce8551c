"""Password strength (zxcvbn, knowing the user) and a user's own password change."""

from __future__ import annotations

import pytest

from audit_api.orgs.service import create_org
from tests.support.helpers import PASSWORD, login

USERS = "/api/v1/users"
MINE = "/api/v1/me/password"
TOKEN = "/api/v1/auth/token"


def _person(password: str) -> dict:
    email, name = "lalo.salamanca@a.example", "Lalo Salamanca"
    return {"email": email, "name": name, "role": "auditor", "password": password}


@pytest.mark.parametrize("password", ["aaaaaaaaaa", "password123", "lalo salamanca 99"])
def test_a_guessable_password_is_refused_naming_the_field(hq, world, password):
    response = hq.post(USERS, json=_person(password))
    assert response.status_code == 422
    advice = response.get_json()["errors"]["password"]
    assert advice[0].startswith("Too easy to guess") and len(advice) >= 2, advice


@pytest.fixture
def other_hq(app, client, world):
    """The HQ admin of a third organization, "Other"."""
    with app.app_context():
        create_org("Other", {"email": "hq@other.example", "name": "HQ", "password": PASSWORD})
    return login(client, "hq@other.example")


def _maria(password: str) -> dict:
    email, name = "maria.gonzalez@other.example", "María González"
    return {"email": email, "name": name, "role": "auditor", "password": password}


REFUSED = [
    "MariaGonzalez2026",
    "Gonzalez-Maria-1",
    "Maria.Gonzalez.Other",
    "mariagonzalez!!",
    "Summer2026!!",
    "\uff30\uff41\uff53\uff53\uff57\uff4f\uff52\uff44\uff11\uff12\uff13",  # full-width
]


@pytest.mark.parametrize("password", REFUSED)
def test_the_users_own_details_decorated_are_refused(other_hq, password):
    response = other_hq.post(USERS, json=_maria(password))
    assert response.status_code == 422, response.get_json()
    advice = response.get_json()["errors"]["password"]
    assert advice[0].startswith("Too easy to guess") and len(advice) >= 2, advice


@pytest.mark.parametrize(
    "password",
    [
        PASSWORD,
        "tortuga violeta en bicicleta",
        "Gonzalez: tortuga violeta en bicicleta",  # her name, and enough besides
        "grapefruit lantern mosaic 7",
        "k8Jd9Lq2xZ7m-Wp4",
    ],
)
def test_good_passphrases_are_accepted_for_the_same_user(other_hq, password):
    response = other_hq.post(USERS, json=_maria(password))
    assert response.status_code == 201, response.get_json()


def test_the_suite_password_is_strong_enough_and_so_are_long_ones(hq, world):
    assert hq.post(USERS, json=_person(PASSWORD)).status_code == 201
    long_one = "tortuga violeta en bicicleta " * 8  # past what zxcvbn judges: still fine
    body = {**_person(long_one[:256]), "email": "other@a.example"}
    assert hq.post(USERS, json=body).status_code == 201


def test_an_admin_setting_a_guessable_password_is_refused(hq, world):
    url = f"{USERS}/{world.ids['auditor']}"
    response = hq.patch(url, json={"password": "auditor123456"})
    assert response.status_code == 422 and "password" in response.get_json()["errors"]


def test_create_org_refuses_a_password_made_of_the_brand(app):
    result = app.test_cli_runner().invoke(
        args=["create-org", "Pollos Hermanos", "--admin-email", "gus@pollos.example"],
        env={"AUDIT_ADMIN_PASSWORD": "pollos hermanos gus"},
    )
    assert result.exit_code == 2 and "password" in result.output


def test_changing_my_password_ends_my_other_sessions_only(client, world):
    phone = login(client, "auditor@a.example")
    laptop = world.auditor
    new = "tortuga violeta en bicicleta"
    body = {"current_password": PASSWORD, "new_password": new}
    assert laptop.post(MINE, json=body).status_code == 204
    assert laptop.get("/api/v1/me").status_code == 200  # the calling session goes on
    assert phone.get("/api/v1/me").status_code == 401
    refreshed = client.post("/api/v1/auth/refresh", json={"refresh_token": phone.refresh_token})
    assert refreshed.status_code == 401
    assert world.manager_north.get("/api/v1/me").status_code == 200  # nobody else's
    old = client.post(TOKEN, json={"email": "auditor@a.example", "password": PASSWORD})
    assert old.status_code == 401
    assert login(client, "auditor@a.example", new).get("/api/v1/me").status_code == 200


def test_a_wrong_current_or_weak_new_password_changes_nothing(client, world):
    wrong = world.auditor.post(MINE, json={"current_password": "nope", "new_password": PASSWORD})
    assert wrong.status_code == 403 and "current_password" in wrong.get_json()["errors"]
    weak = world.auditor.post(MINE, json={"current_password": PASSWORD, "new_password": "a" * 12})
    assert weak.status_code == 422 and "new_password" in weak.get_json()["errors"]
    assert world.auditor.get("/api/v1/me").status_code == 200
    assert login(client, "auditor@a.example").get("/api/v1/me").status_code == 200


def test_wrong_current_passwords_lock_only_their_session_not_the_owner(client, world):
    right = {"current_password": PASSWORD, "new_password": PASSWORD}
    assert world.auditor.post(MINE, json=right).status_code == 204  # successes do not count
    thief = world.auditor  # someone holding a stolen access token
    owner = login(client, "auditor@a.example")
    wrong = {"current_password": "guess", "new_password": PASSWORD}
    for _ in range(10):  # LOGIN_LIMIT_PER_ACCOUNT: 10 per 15 minutes
        assert thief.post(MINE, json=wrong).status_code == 403
    blocked = thief.post(MINE, json=right)
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    # The owner's own session still changes the password, which ends the thief's.
    new = {"current_password": PASSWORD, "new_password": "tortuga violeta en bicicleta"}
    assert owner.post(MINE, json=new).status_code == 204
    assert thief.get("/api/v1/me").status_code == 401
    assert world.manager_north.post(MINE, json=right).status_code == 204  # nobody else's
