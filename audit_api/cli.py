"""Flask CLI: create-org, demo, settings, prune, tick, rollup and the db migration commands."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from audit_api import migrate
from audit_api.config import settings_table
from audit_api.errors import DomainError

db_cli = AppGroup("db", help="Database migrations (Alembic).")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default head)."""
    migrate.upgrade(current_app._get_current_object(), revision)  # type: ignore[attr-defined]
    click.echo(f"database at {revision}")
    if revision == "head":
        from audit_api.checklists.builtins import sync_builtins

        click.echo(f"built-in checklists: {sync_builtins()} new version(s) published")


@db_cli.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Revert migrations down to REVISION (e.g. base)."""
    migrate.downgrade(current_app._get_current_object(), revision)  # type: ignore[attr-defined]
    click.echo(f"database at {revision}")


@db_cli.command("revision")
@click.option("-m", "--message", required=True, help="what the revision changes")
def db_revision(message: str) -> None:
    """Write a new revision by comparing the models with the (up-to-date) database."""
    migrate.revision(current_app._get_current_object(), message)  # type: ignore[attr-defined]


def _fail(error: DomainError) -> None:
    click.echo(f"error: {error.message}", err=True)
    for field, messages in error.errors.items():
        click.echo(f"  {field}: {'; '.join(messages)}", err=True)
    sys.exit(2)


@click.command("create-org")
@with_appcontext
@click.argument("name")
@click.option("--admin-email", required=True, help="e-mail of the first hq_admin")
@click.option("--admin-name", default="HQ admin", show_default=True)
def create_org_command(name: str, admin_email: str, admin_name: str) -> None:
    """Create organization NAME and its first hq_admin; prints the org id."""
    from audit_api.orgs.service import create_org

    password = os.environ.get("AUDIT_ADMIN_PASSWORD") or click.prompt(
        "Password for the hq_admin", hide_input=True, confirmation_prompt=True
    )
    try:
        org, admin = create_org(
            name, {"email": admin_email, "name": admin_name, "password": password}
        )
    except DomainError as error:
        _fail(error)
        return
    # The id alone on stdout, so scripts can capture it; the message on stderr.
    click.echo(f"organization {org.id} '{org.name}' created; hq_admin {admin.email}", err=True)
    click.echo(org.id)


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Seed a demo brand (regions, locations, users) and print its logins."""
    from audit_api.demo import seed

    seed(click.echo)


@click.command("settings")
def settings_command() -> None:
    """Print the environment settings as a Markdown table."""
    click.echo(settings_table())


checklists_cli = AppGroup("checklists", help="Checklist files.")


@checklists_cli.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def checklists_validate(files: tuple[Path, ...]) -> None:
    """Validate checklist YAML FILES; print each problem with its path, exit 1 if any."""
    from audit_api.checklists.files import ChecklistFileError, read_file

    failed = False
    for path in files:
        try:
            definition = read_file(path)
        except ChecklistFileError as error:
            failed = True
            click.echo(str(error), err=True)
            continue
        click.echo(f"{path}: ok ({definition['key']} v{definition['version']})")
    if failed:
        sys.exit(1)


@checklists_cli.command("sync")
def checklists_sync() -> None:
    """Publish the built-in checklist versions that are not yet in the database."""
    from audit_api.checklists.builtins import sync_builtins

    click.echo(f"built-in checklists: {sync_builtins()} new version(s) published")


def init_app(app: Flask) -> None:
    """Register the commands on the app."""
    from audit_api.exports.cli import export_command
    from audit_api.housekeeping import prune_command
    from audit_api.photos.cli import photos_cli
    from audit_api.rollups.cli import rollup_cli
    from audit_api.tasks.periodic import tick_command

    commands = (
        db_cli,
        checklists_cli,
        create_org_command,
        demo_command,
        settings_command,
        export_command,
        photos_cli,
        prune_command,
        rollup_cli,
        tick_command,
    )
    for command in commands:
        app.cli.add_command(command)
