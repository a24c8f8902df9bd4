"""The fund's migrations build exactly the tables its models describe (the ledger's among them,
declared from ``minzi.ledger``), on SQLite and PostgreSQL, and step down and up again."""
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from minzi.db import normalise_url
from minzi.testing import postgres_database

from cat_fund.models import Base

ROOT = Path(__file__).resolve().parent.parent


def check(url):
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", normalise_url(url))
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    command.upgrade(config, "head")
    engine = create_engine(normalise_url(url))
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []


def test_on_sqlite(tmp_path):
    check(f"sqlite:///{tmp_path}/cat_fund.db")


def test_on_postgresql():
    with postgres_database("minzi_cat_fund_migrations") as url:
        check(url)
