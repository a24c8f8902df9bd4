"""A code that matches its pattern but is one past its column (the pattern's $ lets a trailing
newline through) is refused naming the field, before anything is written."""
import pytest

from intake.api import router

ADMIN = {"id": 1, "username": "admin", "name": "站长", "role": "admin",
         "community": "rainbow-city", "program_id": None}


def post(path, body):
    return router.dispatch({"method": "POST", "path": path, "body": body, "staff": ADMIN,
                            "lang": "en"})


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/program-registrations", {"program_id": "p" * 41 + "\n", "communities": ["rainbow-city"],
                                "service_codes": ["road_repair"]}, "program_id"),
    ("/staff", {"username": "u" * 60 + "\n", "name": "王", "role": "receptionist",
                "password": "long-enough-1"}, "username"),
    ("/staff", {"username": "wang", "name": "王", "role": "receptionist",
                "password": "long-enough-1", "community": "c" * 41 + "\n"}, "community"),
    ("/cases", {"channel": "visit", "description": "漏水", "service_code": "s" * 61 + "\n"},
     "service_code"),
])
def test_a_code_one_past_its_column_is_refused_naming_it(path, body, field):
    answer = post(path, body)
    assert answer["status"] == 422, answer
    assert answer["body"]["error"]["fields"][field] == ["Longer than maximum length "
                                                        f"{len(body[field]) - 1}."]
