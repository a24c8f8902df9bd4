"""job_fair's test fixtures; the shared ones (``program_container``, ``bus``) come from
``minzi.pytest_plugin``.

Credit codes (GB 32100-2015), worked out by hand. The standard's own example is
91350100M000100Y43. Its characters are worth 9 1 3 5 0 1 0 0 21(M) 0 0 0 1 0 0 30(Y) 4, the
weights 3**i mod 31 are 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28, and the sum is
9+3+27+135+26+420+8+900+112 = 1640 = 52*31 + 28: 31-28 = 3, the last character. Its
organisation code M000100Y4 checks too (GB 11714: M=22, Y=34, weights 3 7 9 10 5 8 4 2:
66+5+68 = 139 = 12*11 + 7, 11-7 = 4).
Changing the 8th character (weight 17) to d adds 17*d: (28 + 17d) mod 31 is 28 14 0 17 3 20 6
23 9 26 for d = 0..9, so the check characters are 3 H(17) 0 E(14) W(28) B(11) R(25) 8 N(22) 5
(31 minus it, in 0-9 A B C D E F G H J K L M N P Q R T U W X Y).

ID numbers (GB 11643-1999) are those of tests/conftest.py of matchmaking, worked out the same way:
the standard's example 11010519491231002X (7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167 = 15*11
+ 2 -> X).
"""
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest

from minzi.api import DomainError
from minzi.db import as_utc
from minzi.testing import domain_transaction, make_staff
from minzi.testing import snapshot as rows_of

from job_fair.domain import applicants, applications, employers, fairs, positions
from job_fair.models import Activity, Base

# 10:00 in Beijing, 27 November 2026
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
TODAY = date(2026, 11, 27)
FAIR_DAY = date(2026, 12, 5)
C = "rainbow-city"
STAFF = make_staff("program_staff", program_id="job_fair", username="li", name="李干事")

STANDARD_CODE = "91350100M000100Y43"
CHECKS = "3H0EWBR8N5"
CODES = [f"9135010{d}M000100Y4{CHECKS[d]}" for d in range(10)]
assert CODES[0] == STANDARD_CODE

STANDARD_ID = "11010519491231002X"
# 7+9+0+5+0+20+2+9+54+12+0+45+10+10+16+4+6 = 209 = 19*11 + 0 -> 1
ZHANG_WEI_ID = "110105199405122131"
# 7+9+0+5+0+20+2+9+54+18+0+27+0+40+0+8+8 = 207 = 18*11 + 9 -> 3
LI_NA_ID = "110105199603080243"


def employer_data(name: str = "彩虹城物业公司", code: str = STANDARD_CODE, **extra) -> dict:
    return {"name": name, "credit_code": code, "licence_valid_until": date(2030, 12, 31),
            "contact_name": "王经理", "phone": "13800000100", "address": "彩虹城1号楼",
            **extra}


def applicant_data(name: str = "张伟", id_number: str = ZHANG_WEI_ID, **extra) -> dict:
    return {"name": name, "id_number": id_number, "phone": "13800000001",
            "kind": "unemployed", "education": "senior_high", "skills": ["电工", "驾驶"],
            "preferred_area": "丰台", "expected_pay_fen": 500000,
            "cv": "曾在工厂做电工五年", "consent": True, **extra}


def position_data(employer_id: int, **extra) -> dict:
    return {"employer_id": employer_id, "title": "物业电工", "count": 2, "skills": ["电工"],
            "education": "junior_high", "area": "丰台", "work_place": "彩虹城小区",
            "pay_min_fen": 450000, "pay_max_fen": 600000, **extra}


@pytest.fixture
def tx(tmp_path):
    """The rules' view of a transaction, on a new SQLite database."""
    with domain_transaction(Base.metadata, tmp_path) as transaction:
        yield transaction


def snapshot(tx) -> dict:
    return {"rows": rows_of(tx.session, Base.metadata), "published": list(tx.published)}


@contextmanager
def refused(tx, code: str, *, field: str | None = None, status: int | None = None,
            zh: str | None = None, en: str | None = None):
    """The rule in the block says no with ``code`` (on ``field``, with ``status``, in these
    words), and nothing changed."""
    before = snapshot(tx)
    with pytest.raises(DomainError) as err:
        yield err
    assert err.value.code == code, err.value.code
    if field is not None:
        assert err.value.field == field
    if status is not None:
        assert err.value.status == status
    if zh is not None:
        assert err.value.message_zh == zh
    if en is not None:
        assert err.value.message_en == en
    assert snapshot(tx) == before


def activity(tx) -> list[tuple]:
    """The activity record as staff read it: (community, entity, its id, action, who, for
    which employer, when (UTC; SQLite gives it back without its zone), details), oldest
    first."""
    tx.session.flush()
    return [(a.community, a.entity, a.entity_id, a.action, a.actor, a.on_behalf_of,
             as_utc(a.at), a.detail) for a in tx.session.query(Activity).order_by(Activity.id)]


# -- the steps most tests take --------------------------------------------------------------------

def verified_employer(tx, name: str = "彩虹城物业公司", code: str = STANDARD_CODE, **extra):
    employer = employers.register_employer(tx, C, employer_data(name, code, **extra), STAFF, NOW)
    return employers.verify_employer(tx, C, employer.id, {"result": "verified"}, STAFF, NOW)


def fair_with_position(tx, count: int = 2):
    """A fair on 5 December, the property company invited, one position posted."""
    fair = fairs.plan_fair(tx, C, {"title": "彩虹城冬季招聘会", "day": FAIR_DAY,
                                   "place": "社区活动室", "capacity": 300}, STAFF, NOW)
    employer = verified_employer(tx)
    fairs.invite(tx, C, fair.id, employer.id, STAFF, NOW)
    position = positions.post_position(tx, C, fair.id, position_data(employer.id, count=count),
                                       STAFF, NOW)
    return fair, employer, position


def register(tx, name: str = "张伟", id_number: str = ZHANG_WEI_ID, **extra):
    return applicants.register_applicant(tx, C, applicant_data(name, id_number, **extra), STAFF,
                                         NOW)


def interviewed(tx, fair, position, applicant):
    application = applications.apply(tx, C, applicant.id, position.id, STAFF, NOW)
    applications.check_in(tx, C, fair.id, applicant.registration_code, STAFF, NOW)
    return applications.record_interview(tx, C, application.id, None, STAFF, NOW)
