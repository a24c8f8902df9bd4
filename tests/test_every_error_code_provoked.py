"""Every refusal a service can give has a test that provokes it.

A refusal's code (``DomainError("slot_has_bookings", ...)`` and its kinds) is what a program or
the console acts on; one no test provokes can break, or say the wrong thing, unseen. This reads
each service's code for the codes it raises and looks for each, quoted, in that service's own
tests (the kit's in ``shared/tests``). Whether the test also checks that nothing changed is the
service's ``refused`` helper's business."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# the exception classes whose first argument is a refusal's code
# (UnprovenStaff and UntrustedSender take a reason and carry a fixed code of their own)
REFUSALS = {"DomainError", "Conflict", "Forbidden", "NotFound", "CatalogueError"}
# codes a test provokes and judges by what the user of it reads rather than by the code
JUDGED_BY_THEIR_WORDS = {
    # a case addressed to another program is parked; the parked message carries the error's
    # words, which shared/tests/test_program.py reads ("addressed to legal_aid")
    "not_this_program",
}
TEMPLATE = ROOT / "shared" / "minzi" / "templates" / "program"


def codes_raised(package: Path) -> dict[str, str]:
    """code -> where it is first raised, for every literal code given to a refusal."""
    found: dict[str, str] = {}
    for source in sorted(package.rglob("*.py")):
        if TEMPLATE in source.parents and TEMPLATE not in package.parents:
            continue    # the new-program template is checked with its own tests
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            code = node.args[0]
            if name in REFUSALS and isinstance(code, ast.Constant) and isinstance(code.value, str):
                found.setdefault(code.value, f"{source.relative_to(ROOT)}:{node.lineno}")
    return found


def _tests_text(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.py")))


PACKAGES = [(ROOT / "shared" / "minzi", ROOT / "shared" / "tests"),
            (TEMPLATE / "__package__", TEMPLATE / "tests")] + [
    (service / service.name, service / "tests")
    for service in sorted((ROOT / "services").iterdir()) if (service / service.name).is_dir()]


@pytest.mark.parametrize("package,tests", PACKAGES,
                         ids=[p.name.replace("__package__", "template") for p, _ in PACKAGES])
def test_every_refusal_code_is_provoked_by_a_test(package, tests):
    raised = codes_raised(package)
    text = _tests_text(tests) if tests.is_dir() else ""
    untested = {code: where for code, where in raised.items()
                if f'"{code}"' not in text and f"'{code}'" not in text
                and code not in JUDGED_BY_THEIR_WORDS}
    assert not untested, f"refusals no test of {tests.relative_to(ROOT)} provokes: {untested}"


def test_the_reading_finds_the_codes_it_looks_for():
    """The check itself: it finds a code raised in each way the services raise one (directly,
    through a helper returning the refusal, with a keyword field)."""
    intake = codes_raised(ROOT / "services" / "intake" / "intake")
    cat_fund = codes_raised(ROOT / "services" / "cat_fund" / "cat_fund")
    matchmaking = codes_raised(ROOT / "services" / "matchmaking" / "matchmaking")
    assert "bad_duplicate" in intake and "cat_deceased" in cat_fund
    assert "member_married" in matchmaking    # returned by a helper, raised by its caller
