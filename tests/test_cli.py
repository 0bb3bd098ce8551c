"""The operations CLI (create-org, settings; the demo: test_demo.py); migrations as the schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from audit_api import create_app
from audit_api.db import db
from audit_api.models import metadata
from tests.conftest import TEST_SETTINGS
from tests.support.helpers import login


def test_create_org_prints_the_id_and_the_admin_can_sign_in(app, client):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["create-org", "Pollos Hermanos", "--admin-email", "Gus@Pollos.example"],
        env={"AUDIT_ADMIN_PASSWORD": "a long enough password"},
    )
    assert result.exit_code == 0, result.output
    org_id = int(result.stdout.strip().splitlines()[-1])
    me = login(client, "gus@pollos.example", "a long enough password").get("/api/v1/me")
    assert me.get_json()["org"] == {"id": org_id, "name": "Pollos Hermanos"}
    assert me.get_json()["role"] == "hq_admin"


def test_create_org_prompts_for_the_password_when_not_in_the_environment(app, client):
    result = app.test_cli_runner().invoke(
        args=["create-org", "Brand P", "--admin-email", "p@p.example"],
        input="typed kumquat lantern\ntyped kumquat lantern\n",
        env={"AUDIT_ADMIN_PASSWORD": ""},
    )
    assert result.exit_code == 0, result.output
    assert login(client, "p@p.example", "typed kumquat lantern")


def test_create_org_with_bad_input_exits_non_zero_and_names_the_field(app, client):
    result = app.test_cli_runner().invoke(
        args=["create-org", "Brand Q", "--admin-email", "not-an-email"],
        env={"AUDIT_ADMIN_PASSWORD": "short"},
    )
    assert result.exit_code == 2
    assert "email" in result.output and "password" in result.output
    assert _count(app, "organizations") == 0


def _count(app, table: str) -> int:
    with app.app_context(), db.engine.connect() as conn:
        return conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()


def test_settings_command_prints_the_table(app):
    result = app.test_cli_runner().invoke(args=["settings"])
    assert result.exit_code == 0 and "`DATABASE_URL`" in result.output


def test_migrations_match_the_models_and_go_down_and_up(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    app = create_app({**TEST_SETTINGS, "DATABASE_URL": url})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    with app.app_context(), db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
        assert diff == [], diff
    assert runner.invoke(args=["db", "downgrade", "base"]).exit_code == 0
    with app.app_context():
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    with app.app_context():
        assert "users" in inspect(db.engine).get_table_names()


def test_migrations_match_the_models_on_the_test_database(app):
    with app.app_context(), db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == [], diff
