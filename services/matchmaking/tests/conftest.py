"""matchmaking's test fixtures; the shared ones (``program_container``, ``bus``) come from
``minzi.pytest_plugin``."""
from datetime import UTC, date, datetime

import pytest

from matchmaking.domain.identity import id_check_char
from matchmaking.models import Base
from minzi.testing import domain_transaction, make_staff

# 10:00 in Beijing, 27 November 2026
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
STAFF = make_staff("program_staff", program_id="matchmaking", username="hong", name="王红娘")
C = "rainbow-city"


@pytest.fixture
def tx(tmp_path):
    """The rules' view of a transaction, on a new SQLite database."""
    with domain_transaction(Base.metadata, tmp_path) as transaction:
        yield transaction


def id_number(birth, gender, serial=1, region="110105"):
    """A well-formed resident ID number for someone born on ``birth`` (Chaoyang, Beijing)."""
    sequence = serial * 2 + (1 if gender == "male" else 0)
    first17 = f"{region}{birth:%Y%m%d}{sequence % 1000:03d}"
    return first17 + id_check_char(first17)


def person(name="张伟", gender="male", birth=date(1994, 5, 12), phone="13800000001", serial=1,
           **extra):
    return {"name": name, "gender": gender, "birth_date": birth, "phone": phone,
            "id_number": id_number(birth, gender, serial), "education": "bachelor",
            "occupation": "工程师", "introduction": "性格开朗，爱好运动",
            "looking_for": "善良孝顺", **extra}
