"""``minzi-run <service>``: bring a service's database up to date, then run it under nameko.

The same command starts a service in its image, in docker compose, in the end-to-end tests and
on a developer's machine:

    minzi-run intake                 # services/intake/config.yaml, migrations, intake.service
    minzi-run intake --no-migrate
"""
import argparse
import importlib
import inspect
import os
import sys
from pathlib import Path

import yaml


def service_root(service: str) -> Path:
    package = importlib.import_module(service)
    return Path(package.__file__).resolve().parent.parent


def load_config(path: str | Path) -> dict:
    from nameko.cli.main import setup_yaml_parser
    setup_yaml_parser()
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def migrate(service: str, root: Path, config: dict) -> None:
    ini = root / "alembic.ini"
    if not ini.exists():
        return
    from alembic import command
    from alembic.config import Config

    from .db import database_url, ensure_database
    alembic_config = Config(str(ini))
    alembic_config.set_main_option("script_location", str(root / "migrations"))
    url = database_url(service, config.get("DATABASE_URL"))
    if ensure_database(url):
        print(f"minzi-run: created database for {service}", flush=True)
    alembic_config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(alembic_config, "head")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="minzi-run", description=__doc__.splitlines()[0])
    parser.add_argument("service", help="the service's package name, e.g. intake")
    parser.add_argument("--config", help="a config file other than the service's config.yaml")
    parser.add_argument("--no-migrate", action="store_true", help="do not run migrations first")
    args = parser.parse_args(argv)

    root = service_root(args.service)
    config_path = Path(args.config) if args.config else root / "config.yaml"
    config = load_config(config_path)
    if not args.no_migrate:
        migrate(args.service, root, config)
    sys.stdout.flush()
    os.execvp(sys.executable, [sys.executable, "-m", "nameko", "run", "--config",
                               str(config_path), *service_classes(args.service)])


def service_classes(service: str) -> list[str]:
    """``intake.service:Intake``: the service classes ``<service>/service.py`` defines itself.
    Named one by one, because nameko would otherwise also try to run the base classes a service
    imports (``minzi.program.Program``)."""
    from nameko.cli.run import is_entrypoint  # what `nameko run` itself looks for
    module = importlib.import_module(f"{service}.service")
    return [f"{module.__name__}:{name}" for name, value in vars(module).items()
            if isinstance(value, type) and value.__module__ == module.__name__
            and any(is_entrypoint(member) for _, member in inspect.getmembers(value))] \
        or [module.__name__]


if __name__ == "__main__":  # pragma: no cover
    main()
