"""A member's dogs, under the 《北京市养犬管理规定》 as the station applies it (``settings``):

* one dog per household in a key management area (``dogs_per_household``, 1 by default): a dog
  beyond it is refused (``household_dog_limit``), counting the dogs kept by every member of the
  household;
* no large dog (大型犬: the size class ``large``, or taller than 35 cm at the shoulder, the
  police's measure) and no fierce breed (烈性犬) in a key area (``large_dog_banned``,
  ``fierce_breed_banned``);
* a 养犬登记证 number is one dog's (``registration_taken``), renewed every year;
* a rabies vaccination every year: a dog whose vaccination has run out, or that has none on
  record, is flagged (``no_current_vaccination``), as is one whose registration has expired.
"""
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, NotFound, Staff, actor_name
from minzi.localtime import local_date
from minzi.store import Transaction

from ..models import Dog, Member, Vaccination
from . import settings
from .activity import record
from .members import get_member, require_active

LARGE_FROM_CM = 35   # taller than this at the shoulder is a large dog (大型犬)
# The best-known breeds of the police's list of fierce and large breeds banned in Beijing's key
# management areas; a dog of another breed is still refused when it is large (size or height).
BANNED_BREEDS = ("藏獒", "比特", "斗牛獒", "土佐", "杜高", "菲勒", "高加索", "中亚牧羊",
                 "德国牧羊", "德牧", "罗威纳", "大丹", "杜宾", "马士提夫", "卡斯罗", "加纳利",
                 "波尔多", "纽波利顿", "圣伯纳", "纽芬兰", "阿拉斯加", "秋田", "大白熊",
                 "伯恩山", "苏俄牧羊")


def dog_not_found(dog_id: int) -> NotFound:
    return NotFound("dog_not_found", f"没有编号为 {dog_id} 的犬只", f"No dog {dog_id}",
                    field="dog_id")


def get_dog(session: Session, dog_id: int, community: str, *, field: str | None = None) -> Dog:
    dog = session.get(Dog, dog_id)
    if dog is None or dog.community != community:
        if field:
            raise DomainError("unknown_dog", f"没有编号为 {dog_id} 的犬只", f"No dog {dog_id}",
                              field=field, status=422)
        raise dog_not_found(dog_id)
    return dog


def require_kept(dog: Dog) -> None:
    if dog.state != "active":
        raise Conflict("dog_gone", f"「{dog.name}」已不在养", f"{dog.name} is no longer kept",
                       field="dog_id")


def banned_breed(breed: str) -> str | None:
    """The banned breed ``breed`` is, as the list names it; None when it is none of them."""
    for name in BANNED_BREEDS:
        if name in breed:
            return name
    return None


def check_size_and_breed(data: dict[str, Any]) -> None:
    """In a key area: no large dog, no fierce breed."""
    height = data.get("shoulder_height_cm")
    if data["size_class"] == "large" or (height is not None and height > LARGE_FROM_CM):
        raise DomainError(
            "large_dog_banned",
            f"本社区属重点管理区，禁止饲养大型犬（体高超过{LARGE_FROM_CM}厘米）",
            f"Large dogs (over {LARGE_FROM_CM} cm at the shoulder) are banned in this key "
            "management area", field="size_class" if data["size_class"] == "large"
            else "shoulder_height_cm", status=422)
    breed = banned_breed(data["breed"])
    if breed is not None:
        raise DomainError("fierce_breed_banned",
                          f"本社区属重点管理区，禁止饲养烈性犬（{breed}）",
                          f"Fierce breeds ({breed}) are banned in this key management area",
                          field="breed", status=422)


def household_dogs(session: Session, community: str, household: str) -> int:
    """The dogs kept now by the members of a household."""
    return session.scalar(select(func.count(Dog.id)).join(Member, Member.id == Dog.member_id)
                          .where(Dog.community == community, Dog.state == "active",
                                 Member.household == household)) or 0


def check_household(session: Session, community: str, member: Member, limit: int) -> None:
    if household_dogs(session, community, member.household) >= limit:
        raise Conflict(
            "household_dog_limit",
            f"每户限养 {limit} 只犬（本站设置；《北京市养犬管理规定》重点管理区一户一犬），"
            f"{member.household} 已养 {limit} 只",
            f"One household may keep {limit} dog(s) (the station's setting; Beijing's rule "
            f"in a key area is one), and {member.household} already keeps {limit}",
            field="member_id")


def _registration_free(session: Session, community: str, number: str,
                       dog_id: int | None = None) -> None:
    same = session.scalars(select(Dog).where(Dog.community == community,
                                             Dog.registration_no == number)).first()
    if same is not None and same.id != dog_id:
        raise Conflict("registration_taken", f"养犬登记证号 {number} 已登记在犬只 {same.id} 名下",
                       f"Registration number {number} belongs to dog {same.id}",
                       field="registration_no")


def one_year_on(day: date) -> date:
    """The same day a year later (28 February for 29 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def add_dog(tx: Transaction, community: str, member_id: int, data: dict[str, Any], who: Staff,
            now: datetime) -> Dog:
    """A member's dog, with its registration and, if given, its latest rabies vaccination."""
    member = get_member(tx.session, member_id, community)
    require_active(member)
    rules = settings.current(tx.session, community)
    if rules["key_area"]:
        check_size_and_breed(data)
    check_household(tx.session, community, member, rules["dogs_per_household"])
    _registration_free(tx.session, community, data["registration_no"])
    dog = Dog(community=community, member_id=member.id, state="active", created_at=now,
              created_by=actor_name(who),
              **{key: data.get(key) for key in (
                  "name", "breed", "size_class", "shoulder_height_cm", "sex", "colour",
                  "registration_no", "registration_expires_on")})
    tx.session.add(dog)
    tx.session.flush()
    record(tx, community, "dog", dog.id, "added", who, now, member_id=member.id)
    if data.get("vaccinated_on") is not None:
        vaccinate(tx, community, dog.id, {"given_on": data["vaccinated_on"]}, who, now)
    return dog


def vaccinate(tx: Transaction, community: str, dog_id: int, data: dict[str, Any], who: Staff,
              now: datetime) -> Vaccination:
    """A rabies vaccination: given by today, valid a year unless its certificate says until
    when."""
    dog = get_dog(tx.session, dog_id, community)
    require_kept(dog)
    given_on = data["given_on"]
    if given_on > local_date(now):
        raise DomainError("vaccinated_in_future", "接种日期不能晚于今天",
                          "The vaccination date cannot be in the future", field="given_on",
                          status=422)
    valid_until = data.get("valid_until") or one_year_on(given_on)
    if valid_until <= given_on:
        raise DomainError("vaccination_period", "有效期应晚于接种日期",
                          "The vaccination must be valid after the day it was given",
                          field="valid_until", status=422)
    shot = Vaccination(dog_id=dog.id, given_on=given_on, valid_until=valid_until,
                       clinic=data.get("clinic"), certificate_no=data.get("certificate_no"),
                       recorded_at=now, recorded_by=actor_name(who))
    tx.session.add(shot)
    if dog.vaccinated_until is None or valid_until > dog.vaccinated_until:
        dog.vaccinated_until = valid_until
    tx.session.flush()
    record(tx, community, "dog", dog.id, "vaccinated", who, now,
           given_on=given_on.isoformat(), valid_until=valid_until.isoformat())
    return shot


def renew_registration(tx: Transaction, community: str, dog_id: int, data: dict[str, Any],
                       who: Staff, now: datetime) -> Dog:
    """The 养犬登记证 renewed (年检): a later expiry, and a new number if it changed."""
    dog = get_dog(tx.session, dog_id, community)
    require_kept(dog)
    if data["expires_on"] <= dog.registration_expires_on:
        raise DomainError("registration_not_later",
                          f"新的有效期应晚于原有效期 {dog.registration_expires_on.isoformat()}",
                          f"The new expiry must be later than "
                          f"{dog.registration_expires_on.isoformat()}", field="expires_on",
                          status=422)
    number = data.get("registration_no") or dog.registration_no
    _registration_free(tx.session, community, number, dog.id)
    before = {"registration_no": dog.registration_no,
              "expires_on": dog.registration_expires_on.isoformat()}
    dog.registration_no, dog.registration_expires_on = number, data["expires_on"]
    record(tx, community, "dog", dog.id, "registration_renewed", who, now, before=before,
           after={"registration_no": number, "expires_on": data["expires_on"].isoformat()})
    return dog


def no_longer_kept(tx: Transaction, community: str, dog_id: int, data: dict[str, Any],
                   who: Staff, now: datetime) -> Dog:
    """The dog died, was given away or moved out: no longer counted nor reminded."""
    dog = get_dog(tx.session, dog_id, community)
    require_kept(dog)
    dog.state, dog.gone_reason = "gone", data["reason"]
    record(tx, community, "dog", dog.id, "gone", who, now, reason=data["reason"])
    return dog


def vaccination_current(dog: Dog, today: date) -> bool:
    return dog.vaccinated_until is not None and dog.vaccinated_until >= today


def registration_current(dog: Dog, today: date) -> bool:
    return dog.registration_expires_on >= today


def flags(dog: Dog, today: date) -> list[str]:
    """What is wrong with a kept dog's papers today."""
    if dog.state != "active":
        return []
    found = []
    if not vaccination_current(dog, today):
        found.append("no_current_vaccination")
    if not registration_current(dog, today):
        found.append("registration_expired")
    return found


def dogs_of(session: Session, member: Member) -> list[Dog]:
    return list(session.scalars(select(Dog).where(Dog.member_id == member.id)
                                .order_by(Dog.id)))


def vaccinations_of(session: Session, dog: Dog) -> list[Vaccination]:
    return list(session.scalars(select(Vaccination).where(Vaccination.dog_id == dog.id)
                                .order_by(Vaccination.given_on, Vaccination.id)))


def list_dogs(session: Session, community: str, *, state: str | None = "active") -> list[Dog]:
    query = select(Dog).where(Dog.community == community)
    if state is not None:
        query = query.where(Dog.state == state)
    return list(session.scalars(query.order_by(Dog.id)))
