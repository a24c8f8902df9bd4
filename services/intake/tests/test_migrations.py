"""Intake's migrations build exactly the tables its models describe, on SQLite and PostgreSQL,
and step down and up again."""
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from minzi.db import normalise_url
from minzi.testing import postgres_database

from intake.models import Base

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
    check(f"sqlite:///{tmp_path}/intake.db")


def test_on_postgresql():
    with postgres_database("minzi_intake_migrations") as url:
        check(url)


def test_the_models_make_the_figures_trigger_migration_0013_made():
    """A database made from the models (the tests') counts the figures as a migrated one."""
    import importlib.util

    from intake.models import figure_triggers
    path = ROOT / "migrations" / "versions" / "0013_figures_by_day.py"
    spec = importlib.util.spec_from_file_location("figures_by_day", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    for dialect in ("postgresql", "sqlite"):
        assert figure_triggers(dialect) == migration.triggers(dialect)


def test_the_models_make_the_pieces_function_migration_0015_made():
    """A database made from the models cuts texts into pieces with the same function."""
    import importlib.util

    from intake.models import Case
    path = ROOT / "migrations" / "versions" / "0015_grams_in_plpgsql.py"
    spec = importlib.util.spec_from_file_location("grams_in_plpgsql", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    made = [listener.statement for listener in Case.__table__.dispatch.before_create
            if "minzi_grams" in getattr(listener, "statement", "")]
    assert [" ".join(statement.split()) for statement in made] == \
        [" ".join(migration.PLPGSQL.split())]
