"""``minzi-new-program`` makes a program whose migrations match its models."""
import importlib
import sys

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from minzi.contract import load_manifest
from minzi.scaffold import create, main


def test_a_new_program_is_complete_and_its_migrations_match_its_models(tmp_path, monkeypatch):
    target, made = create("probe_hotline", "便民服务热线", "Convenience hotline", tmp_path)
    names = {str(p.relative_to(target)) for p in made}
    assert {"manifest.yaml", "config.yaml", "Dockerfile", "pyproject.toml", "alembic.ini",
            "probe_hotline/service.py", "probe_hotline/domain/cases.py",
            "probe_hotline/domain/views.py", "probe_hotline/api.py", "probe_hotline/models.py",
            "migrations/env.py", "tests/conftest.py", "tests/test_domain.py",
            "tests/test_service.py", "pages.yaml"} <= names
    manifest = load_manifest(target / "manifest.yaml")
    assert manifest["name"] == {"zh": "便民服务热线", "en": "Convenience hotline"}
    assert [t["code"] for t in manifest["service_types"]] == ["probe_hotline_request"]
    assert 'CMD ["minzi-run", "probe_hotline"]' in (target / "Dockerfile").read_text()

    monkeypatch.syspath_prepend(str(target))
    models = importlib.import_module("probe_hotline.models")
    # its pages in the console: a list of its cases and a case page with its forms, which fit
    # its API (checked as the service class is defined)
    service = importlib.import_module("probe_hotline.service").ProbeHotlineService
    assert [(p["id"], p["params"]) for p in service.pages] == [("cases", []),
                                                             ("case", ["case_id"])]
    assert [s["form"]["path"] for s in service.pages[1]["sections"] if s["form"]] == [
        "/cases/{case_id}/resolve", "/cases/{case_id}/return"]
    url = f"sqlite:///{tmp_path}/probe.db"
    config = Config(str(target / "alembic.ini"))
    config.set_main_option("script_location", str(target / "migrations"))
    config.set_main_option("sqlalchemy.url", url)
    command.upgrade(config, "head")
    engine = create_engine(url)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), models.Base.metadata) == []
    engine.dispose()
    for name in [m for m in sys.modules if m.startswith("probe_hotline")]:
        del sys.modules[name]


def test_bad_ids_and_existing_folders_are_refused(tmp_path, capsys):
    assert main(["Bad-Id", "--zh", "x", "--en", "x", "--dir", str(tmp_path)]) == 2
    assert "lowercase" in capsys.readouterr().err
    assert main(["good_one", "--zh", "好", "--en", "Good", "--dir", str(tmp_path)]) == 0
    assert main(["good_one", "--zh", "好", "--en", "Good", "--dir", str(tmp_path)]) == 2
    assert "already exists" in capsys.readouterr().err
