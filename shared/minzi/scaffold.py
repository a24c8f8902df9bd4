"""``minzi-new-program``: a new program service from the template, ready to run.

    minzi-new-program matchmaking --zh 红娘工作室 --en "Matchmaking studio"

makes ``services/matchmaking/`` (manifest with a first service type, config, models, migrations,
a case handler that accepts and reports back, a staff API, tests, Dockerfile). Then:

    pip install -e services/matchmaking && minzi-run matchmaking
"""
import argparse
import re
import sys
from pathlib import Path

TEMPLATE = Path(__file__).parent / "templates" / "program"
PROGRAM_ID = re.compile(r"^[a-z][a-z0-9_]{1,40}$")


def class_name(program_id: str) -> str:
    return "".join(part.capitalize() for part in program_id.split("_"))


def distribution_name(program_id: str) -> str:
    """The program's package name for pip, as every Minzi service's: ``minzi-cat-fund``."""
    return "minzi-" + program_id.replace("_", "-")


def create(program_id: str, name_zh: str, name_en: str,
           target_dir: str | Path) -> tuple[Path, list[Path]]:
    if not PROGRAM_ID.match(program_id):
        raise ValueError(f"program id '{program_id}': lowercase letters, digits and _, "
                         "starting with a letter (2-41 characters)")
    target = Path(target_dir) / program_id
    if target.exists():
        raise FileExistsError(f"{target} already exists")
    replacements = {"__PROGRAM_ID__": program_id, "__NAME_ZH__": name_zh,
                    "__NAME_EN__": name_en, "__CLASS_NAME__": class_name(program_id),
                    "__DISTRIBUTION__": distribution_name(program_id)}
    made = []
    for source in sorted(TEMPLATE.rglob("*")):
        if source.is_dir() or "__pycache__" in source.parts:
            continue
        relative = str(source.relative_to(TEMPLATE))
        relative = relative.replace("__package__", program_id)
        for key, value in replacements.items():
            relative = relative.replace(key, value)
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        text = source.read_text(encoding="utf-8")
        for key, value in replacements.items():
            text = text.replace(key, value)
        destination.write_text(text, encoding="utf-8")
        made.append(destination)
    return target, made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="minzi-new-program",
                                     description="Create a new program service from the template")
    parser.add_argument("program_id", help="e.g. matchmaking (lowercase, digits, _)")
    parser.add_argument("--zh", required=True, help="the program's Chinese name, e.g. 红娘工作室")
    parser.add_argument("--en", required=True, help="its English name")
    parser.add_argument("--dir", default="services", help="where services live (default services)")
    args = parser.parse_args(argv)
    try:
        target, made = create(args.program_id, args.zh, args.en, args.dir)
    except (ValueError, FileExistsError) as exc:
        print(f"minzi-new-program: {exc}", file=sys.stderr)
        return 2
    print(f"created {target} ({len(made)} files). Next:")
    print(f"  pip install -e {target}")
    print(f"  minzi-run {args.program_id}     # announces itself; intake routes its cases here")
    print(f"  scripts/test {target}")
    print(f"  edit {target / 'manifest.yaml'} for its service types, "
          f"{target / args.program_id / 'domain'} for its rules")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
