"""Alembic driven from the app: the migrations in migrations/ are the schema."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import Flask

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(app: Flask) -> Config:
    """An Alembic config for this app's database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # ConfigParser treats % specially; URLs with escaped characters need doubling.
    config.set_main_option("sqlalchemy.url", app.config["DATABASE_URL"].replace("%", "%%"))
    config.attributes["engine"] = app.extensions["audit_db_engine"]
    return config


def upgrade(app: Flask, revision: str = "head") -> None:
    """Apply migrations up to `revision`."""
    command.upgrade(alembic_config(app), revision)


def downgrade(app: Flask, revision: str) -> None:
    """Revert migrations down to `revision`."""
    command.downgrade(alembic_config(app), revision)


def revision(app: Flask, message: str) -> None:
    """Autogenerate a revision from the difference between the models and the database."""
    command.revision(alembic_config(app), message=message, autogenerate=True)
