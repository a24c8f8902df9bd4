"""Every program brings its pages to the staff console (``pages.yaml``, ``minzi.pages``): they
load, fit the program's routes (checked as the service class is defined), speak Chinese and
English, and the program serves them to the console without anyone logged in."""
import importlib

import pytest

from minzi.program import Program

PROGRAMS = ("legal_aid", "cat_fund", "matchmaking", "sms_broadcast", "job_fair", "co_building",
            "agency", "hotline", "doctor", "flea_market", "dog_owners", "volunteer_grid")


def service_class(program: str) -> type[Program]:
    module = importlib.import_module(f"{program}.service")
    return next(value for value in vars(module).values() if isinstance(value, type) and
                issubclass(value, Program) and value is not Program)


def words(found, where=""):
    """Every {zh, en} pair in the declaration, with where it is."""
    if isinstance(found, dict):
        if set(found) == {"zh", "en"}:
            yield where, found
        for key, value in found.items():
            yield from words(value, f"{where}.{key}")
    elif isinstance(found, list):
        for index, value in enumerate(found):
            yield from words(value, f"{where}[{index}]")


@pytest.mark.parametrize("program", PROGRAMS)
def test_the_program_has_pages_in_chinese_and_english(program):
    pages = service_class(program).pages
    menu = [page for page in pages if not page["params"]]
    assert menu, f"{program} has no page for the console's menu"
    untranslated = [where for where, pair in words(pages) if not pair["en"]]
    assert untranslated == []


@pytest.mark.parametrize("program", PROGRAMS)
def test_the_program_serves_its_pages_to_anyone(program):
    service = service_class(program)()
    answer = service.api({"method": "GET", "path": "/console/pages", "staff": None})
    assert answer == {"status": 200, "body": {"pages": service_class(program).pages}}
