"""matchmaking's test fixtures; the shared ones (``program_container``, ``bus``) come from
``minzi.pytest_plugin``.

The residents below carry ID numbers whose check character was worked out by hand, not by the
code under test (GB 11643-1999): each of the first 17 digits times its weight
7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, summed; the sum mod 11 (0 1 2 3 4 5 6 7 8 9 10) gives the
check character 1 0 X 9 8 7 6 5 4 3 2. Digits 7-14 are the birth date; the 17th is odd for a
man, even for a woman. 110105 is Chaoyang, Beijing; 441322 is Boluo, Huizhou (its digits are all
non-zero, so every weight counts in some number here).
"""
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest

from minzi.api import DomainError
from minzi.testing import domain_transaction, make_staff
from minzi.testing import snapshot as rows_of

from matchmaking.domain import introductions, members
from matchmaking.models import Base

# 10:00 in Beijing, 27 November 2026
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
STAFF = make_staff("program_staff", program_id="matchmaking", username="hong", name="王红娘")
C = "rainbow-city"


def resident(name: str, gender: str, birth: date, id_number: str, phone: str) -> dict:
    return {"name": name, "gender": gender, "birth_date": birth, "id_number": id_number,
            "phone": phone}


# The standard's own example, a woman born 31 December 1949:
# 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167 = 15*11 + 2 -> X
STANDARD_EXAMPLE = resident("孙秀兰", "female", date(1949, 12, 31), "11010519491231002X",
                            "13600000010")
# 7+9+0+5+0+20+2+9+54+12+0+45+10+10+16+4+6 = 209 = 19*11 + 0 -> 1
ZHANG_WEI = resident("张伟", "male", date(1994, 5, 12), "110105199405122131", "13800000001")
# 7+9+0+5+0+20+2+9+54+18+0+27+0+40+0+8+8 = 207 = 18*11 + 9 -> 3
LI_NA = resident("李娜", "female", date(1996, 3, 8), "110105199603080243", "13900000002")
# 28+36+10+15+16+8+2+9+54+6+7+9+20+15+32+20+14 = 301 = 27*11 + 4 -> 8
WANG_QIANG = resident("王强", "male", date(1992, 11, 23), "441322199211234578", "13700000009")
# 7+9+0+5+0+20+2+9+54+15+0+63+0+5+0+24+16 = 229 = 20*11 + 9 -> 3
ZHAO_MIN = resident("赵敏", "female", date(1995, 7, 1), "110105199507010683", "13900000003")
# 7+9+0+5+0+20+2+9+54+9+0+81+0+45+8+32+8 = 289 = 26*11 + 3 -> 9
CHEN_JING = resident("陈静", "female", date(1993, 9, 9), "110105199309091849", "13900009999")
# 7+9+0+5+0+20+2+9+54+0+0+18+0+10+8+28+2 = 172 = 15*11 + 7 -> 5
ZHOU_JIE = resident("周杰", "male", date(1990, 2, 2), "110105199002021715", "13900008888")
# 28+36+10+15+16+8+2+9+54+3+0+54+0+5+24+8+4 = 276 = 25*11 + 1 -> 0
WU_FANG = resident("吴芳", "female", date(1991, 6, 1), "441322199106013220", "13900007777")
# 7+9+0+5+0+20+2+9+48+27+7+18+0+5+24+36+10 = 227 = 20*11 + 7 -> 5
ZHENG_HAO = resident("郑浩", "male", date(1989, 12, 1), "110105198912013955", "13900006666")
# 7+9+0+5+0+20+2+9+48+24+0+72+0+40+0+32+2 = 270 = 24*11 + 6 -> 6
LIU_YANG = resident("刘洋", "male", date(1988, 8, 8), "110105198808080816", "13500000006")
# 28+36+10+15+16+8+2+9+42+21+0+36+10+45+8+0+10 = 296 = 26*11 + 10 -> 2
HUANG_LEI = resident("黄磊", "male", date(1977, 4, 19), "441322197704191052", "13500000007")

# On the edge of the legal age of marriage (men 22, women 20) on NOW, 27 November 2026:
# 7+9+0+5+0+20+4+0+0+12+7+9+20+35+0+20+2 = 150 = 13*11 + 7 -> 5
MAN_22_TODAY = resident("孙磊", "male", date(2004, 11, 27), "110105200411270515", "13500000001")
# 7+9+0+5+0+20+4+0+0+12+7+9+20+40+0+12+2 = 147 = 13*11 + 4 -> 8
MAN_22_TOMORROW = resident("钱程", "male", date(2004, 11, 28), "110105200411280318",
                           "13500000002")
# 28+36+10+15+16+8+4+0+0+18+7+9+20+35+0+32+12 = 250 = 22*11 + 8 -> 4
WOMAN_20_TODAY = resident("周婷", "female", date(2006, 11, 27), "441322200611270864",
                          "13500000003")
# 7+9+0+5+0+20+4+0+0+18+7+9+20+40+0+16+4 = 159 = 14*11 + 5 -> 7
WOMAN_20_TOMORROW = resident("吴静", "female", date(2006, 11, 28), "110105200611280427",
                             "13500000004")

WELL_FORMED = (STANDARD_EXAMPLE, ZHANG_WEI, LI_NA, WANG_QIANG, ZHAO_MIN, CHEN_JING, ZHOU_JIE,
               WU_FANG, ZHENG_HAO, LIU_YANG, HUANG_LEI, MAN_22_TODAY, MAN_22_TOMORROW,
               WOMAN_20_TODAY, WOMAN_20_TOMORROW)


def person(who: dict = ZHANG_WEI, **extra) -> dict:
    """What staff type to register ``who``."""
    return {**who, "education": "bachelor", "occupation": "工程师",
            "introduction": "性格开朗，爱好运动", "looking_for": "善良孝顺", **extra}


@pytest.fixture
def tx(tmp_path):
    """The rules' view of a transaction, on a new SQLite database."""
    with domain_transaction(Base.metadata, tmp_path) as transaction:
        yield transaction


def snapshot(tx) -> dict:
    """Every row of every table, and what was published: to see that a refusal changed nothing
    (a pending change is flushed first, so it shows too)."""
    return {"rows": rows_of(tx.session, Base.metadata), "published": list(tx.published)}


@contextmanager
def refused(tx, code: str, *, field: str | None = None, status: int | None = None):
    """The rule in the block says no with ``code`` (on ``field``, with ``status``), and nothing
    in the database, nor in what is published, changed."""
    before = snapshot(tx)
    with pytest.raises(DomainError) as err:
        yield err
    assert err.value.code == code, err.value.code
    if field is not None:
        assert err.value.field == field
    if status is not None:
        assert err.value.status == status
    assert snapshot(tx) == before


# a case as intake hands it to the studio (case.dispatched)
CASE_DATA = {"case_id": 5, "tracking_code": "RC12345678", "community": C,
             "service_code": "matchmaking_registration", "description": "想给儿子登记",
             "resident": {"name": "孙阿姨", "phone": "13600000000"},
             "attributes": {"gender": "male", "age": "30"}}


# -- the steps most tests take --------------------------------------------------------------------

POLICE = {"police_station": "朝阳分局彩虹城派出所", "officer": "刘警官"}


def register(tx, who: dict = ZHANG_WEI, when: datetime = NOW, **extra):
    return members.register_member(tx, C, person(who, **extra), STAFF, when)


def verify(tx, member, when: datetime = NOW):
    return members.record_verification(tx, C, member.id, {"result": "verified", **POLICE},
                                       STAFF, when)[0]


def couple(tx):
    """ZHANG_WEI and LI_NA, both verified."""
    return verify(tx, register(tx)), verify(tx, register(tx, LI_NA))


def introduce(tx, a, b, when: datetime = NOW):
    return introductions.introduce(tx, C, {"first_member_id": a.id, "second_member_id": b.id,
                                           "note": "都喜欢爬山"}, STAFF, when)
