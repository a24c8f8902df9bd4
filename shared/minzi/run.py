"""``minzi-run <service>``: bring a service's database up to date, then run it under nameko.

The same command starts a service in its image, in docker compose, in the end-to-end tests and
on a developer's machine:

    minzi-run intake                 # services/intake/config.yaml, migrations, intake.service
    minzi-run intake --no-migrate

A service is named by its Python package (``legal_aid``); its distribution's name
(``minzi-legal-aid``, ``legal-aid``) is taken for it too. A name that is neither is answered with
the services installed here.
"""
import argparse
import importlib
import importlib.metadata
import importlib.util
import inspect
import os
import re
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


def has_service(package: str) -> bool:
    """``package`` is installed here and has a ``service`` module (found without importing)."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return False
    return bool(spec and spec.submodule_search_locations) and any(
        (Path(location) / "service.py").is_file() for location in spec.submodule_search_locations)


def known_services() -> list[str]:
    """The services installed here: the packages with a ``service`` module of every distribution
    named ``minzi-…`` or built on ``minzi-shared``."""
    found = set()
    for dist in importlib.metadata.distributions():
        name = re.sub(r"[-_.]+", "-", dist.metadata["Name"] or "").lower()
        on_minzi = any(re.match(r"minzi[-_.]shared\b", requirement, re.IGNORECASE)
                       for requirement in dist.requires or [])
        if name == "minzi-shared" or not (name.startswith("minzi-") or on_minzi):
            continue
        packages = (dist.read_text("top_level.txt") or "").split() or \
            [name.removeprefix("minzi-").replace("-", "_")]
        found.update(package for package in packages if has_service(package))
    return sorted(found)


def resolve(name: str) -> str | None:
    """The package of the service ``name`` names: itself, or ``legal_aid`` for ``legal-aid`` and
    ``minzi-legal-aid``; None when nothing installed here is that service."""
    for candidate in (name, re.sub(r"^minzi[-_]", "", name.lower()).replace("-", "_")):
        if has_service(candidate):
            return candidate
    return None


def unknown_service(name: str) -> str:
    """What ``minzi-run`` answers for a name it cannot run: the services it can."""
    lines = [f"minzi-run: 没有名为「{name}」的服务 / no service named '{name}'",
             "可运行的服务 / services here: " + (", ".join(known_services()) or "(none)")]
    folder = Path("services") / re.sub(r"^minzi[-_]", "", name.lower()).replace("-", "_")
    if (folder / "pyproject.toml").is_file():
        lines.append(f"{folder} 尚未安装 / is not installed: pip install -e {folder}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="minzi-run", description=__doc__.splitlines()[0])
    parser.add_argument("service", help="the service's package name, e.g. intake")
    parser.add_argument("--config", help="a config file other than the service's config.yaml")
    parser.add_argument("--no-migrate", action="store_true", help="do not run migrations first")
    args = parser.parse_args(argv)

    service = resolve(args.service)
    if service is None:
        sys.exit(unknown_service(args.service))
    root = service_root(service)
    config_path = Path(args.config) if args.config else root / "config.yaml"
    if not config_path.is_file():
        sys.exit(f"minzi-run: 找不到配置文件 / no config file: {config_path}")
    config = load_config(config_path)
    if not args.no_migrate:
        migrate(service, root, config)
    check_queues(service, root, config)
    sys.stdout.flush()
    # nameko's own command line, in a process of its own that imports minzi first (minzi's
    # __init__ keeps eventlet's deprecation notice out of the service's output)
    os.execvp(sys.executable, [sys.executable, "-m", "minzi.nameko_cli", "run", "--config",
                               str(config_path), *service_classes(service)])


def check_queues(service: str, root: Path, config: dict) -> None:
    """A queue declared before with another type (a classic queue, from before the quorum
    queues) is refused by RabbitMQ when the service declares it, and the service would wait on
    it for ever: say so, and what to do, before starting."""
    from amqp.exceptions import PreconditionFailed

    from .bus import ConfirmingPublisher
    from .contract import (
        intake_programs_queue,
        intake_reports_queue,
        intake_submissions_queue,
        load_manifest,
        program_cases_queue,
    )
    if service == "intake":
        queues = [intake_programs_queue(), intake_reports_queue(), intake_submissions_queue()]
    elif (root / "manifest.yaml").is_file():
        queues = [program_cases_queue(load_manifest(str(root / "manifest.yaml"))["program_id"])]
    else:
        return
    publisher = ConfirmingPublisher(config.get("AMQP_URI") or "amqp://guest:guest@127.0.0.1//")
    try:
        publisher.declare(*queues)
    except PreconditionFailed as exc:
        sys.exit(f"minzi-run: {exc}\n"
                 "minzi-run: 队列类型与现在的不同（早先建的经典队列）：停止所有服务后运行 "
                 "`minzi-ops queues-to-quorum`，再启动 / a queue was declared before with another "
                 "type (classic): stop every service, run `minzi-ops queues-to-quorum`, start "
                 "again (README, \"Upgrading\")")
    except Exception as exc:   # the broker not there yet: the service waits for it, as always
        print(f"minzi-run: queues not checked ({exc})", flush=True)
    finally:
        publisher.close()


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
