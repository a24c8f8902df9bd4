"""Members: registered pending, verified (or not) with the police station, changed, withdrawn.

A member is shown to nobody but the studio's staff until their identity is verified; changing
who they are (name, gender, birth date, ID number) sends them back to the police station."""
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, NotFound, Staff, actor_name
from minzi.db import as_utc
from minzi.store import Transaction

from ..models import Introduction, Member, Verification
from .activity import actor_id, not_in_future, record
from .identity import check_identity

IDENTITY_FIELDS = ("name", "gender", "birth_date", "id_number")
PROFILE_FIELDS = ("name", "gender", "birth_date", "phone", "id_number", "education",
                  "occupation", "introduction", "looking_for")
# a police check older than this before the registration is not taken
CHECK_MAX_AGE = timedelta(days=366)


def get_member(session: Session, member_id: int, community: str, *, field: str | None = None,
               lock: bool = False) -> Member:
    """A member of ``community``. ``field``: the member was named in the input (an unknown one is
    a 422 on that field, not a 404). ``lock``: hold the member's row until the transaction ends
    (PostgreSQL), so two staff changing the same member at the same moment take turns."""
    member = session.get(Member, member_id, with_for_update=lock or None)
    if member is None or member.community != community:
        if field:
            raise DomainError("unknown_member", f"没有编号为 {member_id} 的会员",
                              f"No member {member_id}", field=field, status=422)
        raise NotFound("member_not_found", f"没有编号为 {member_id} 的会员",
                       f"No member {member_id}")
    return member


def _check_unique(session: Session, community: str, values: dict[str, Any],
                  member_id: int | None = None) -> None:
    """One member per ID number, and per phone among members who have not withdrawn."""
    others = select(Member).where(Member.community == community)
    if member_id is not None:
        others = others.where(Member.id != member_id)
    same_id = session.scalars(others.where(Member.id_number == values["id_number"])).first()
    if same_id is not None:
        raise Conflict("member_exists",
                       f"这个身份证号码已经登记过了（会员编号 {same_id.id}）",
                       f"This ID number is already registered (member {same_id.id})",
                       field="id_number")
    same_phone = session.scalars(others.where(Member.phone == values["phone"],
                                              Member.status != "withdrawn")).first()
    if same_phone is not None:
        raise Conflict("phone_in_use",
                       f"这个电话号码已经是另一位会员的（会员编号 {same_phone.id}）",
                       f"This phone number belongs to another member (member {same_phone.id})",
                       field="phone")


def _require_not_withdrawn(member: Member) -> None:
    if member.status == "withdrawn":
        raise Conflict("member_withdrawn", "这位会员已经退出", "This member has withdrawn")


def register_member(tx: Transaction, community: str, data: dict[str, Any], who: Staff,
                    now: datetime) -> Member:
    """A new member, waiting for the police station's verification."""
    values = {key: data.get(key) for key in PROFILE_FIELDS}
    check_identity(values, now)
    _check_unique(tx.session, community, values)
    name = actor_name(who)
    member = Member(community=community, status="pending", registered_at=now, created_at=now,
                    created_by=name, updated_at=now, updated_by=name, **values)
    tx.session.add(member)
    tx.session.flush()
    record(tx, community, "member", member.id, "registered", who, now)
    return member


def update_member(tx: Transaction, community: str, member_id: int, data: dict[str, Any],
                  who: Staff, now: datetime) -> Member:
    """Change a member's details. Changing who they are (name, gender, birth date, ID number)
    after a check sends them back to the police station: they are hidden until verified again."""
    member = get_member(tx.session, member_id, community, lock=True)
    _require_not_withdrawn(member)
    values = {key: getattr(member, key) for key in PROFILE_FIELDS}
    changed = {key: value for key, value in data.items()
               if key in PROFILE_FIELDS and value != values[key]}
    if not changed:
        return member
    values.update(changed)
    check_identity(values, now)
    _check_unique(tx.session, community, values, member_id=member.id)
    for key, value in changed.items():
        setattr(member, key, value)
    member.updated_at, member.updated_by = now, actor_name(who)
    record(tx, community, "member", member.id, "updated", who, now, fields=sorted(changed))
    if member.status in ("verified", "rejected") and set(changed) & set(IDENTITY_FIELDS):
        member.status = "pending"
        member.verified_at = None
        record(tx, community, "member", member.id, "verification_reset", who, now,
               fields=sorted(set(changed) & set(IDENTITY_FIELDS)))
    return member


def record_verification(tx: Transaction, community: str, member_id: int, data: dict[str, Any],
                        who: Staff, now: datetime) -> tuple[Member, Verification]:
    """The police station's answer about a member's identity, as staff recorded it."""
    member = get_member(tx.session, member_id, community, lock=True)
    if member.status == "verified":
        raise Conflict("already_verified", "这位会员的身份已经核实过了",
                       "This member's identity is already verified")
    _require_not_withdrawn(member)
    result = data["result"]
    reason = (data.get("reason") or "").strip() or None
    if result == "rejected" and not reason:
        raise DomainError("reason_required", "核实未通过时请写明原因",
                          "Say why the verification failed", field="reason", status=422)
    checked_at = not_in_future(data.get("checked_at") or now, now, "checked_at")
    if checked_at < as_utc(member.registered_at) - CHECK_MAX_AGE:
        raise DomainError("check_too_old", "核实时间早于登记一年以上，请重新核实",
                          "The check is more than a year older than the registration",
                          field="checked_at", status=422)
    name = actor_name(who)
    verification = Verification(member=member, result=result,
                                police_station=data["police_station"], officer=data["officer"],
                                reason=reason, checked_at=checked_at, recorded_at=now,
                                recorded_by=name, recorded_by_id=actor_id(who))
    tx.session.add(verification)
    member.status = result
    member.verified_at = checked_at if result == "verified" else None
    member.updated_at, member.updated_by = now, name
    tx.session.flush()
    record(tx, community, "member", member.id, result, who, now,
           verification_id=verification.id, police_station=data["police_station"],
           officer=data["officer"], reason=reason)
    return member, verification


def withdraw_member(tx: Transaction, community: str, member_id: int, reason: str, who: Staff,
                    now: datetime) -> Member:
    member = get_member(tx.session, member_id, community, lock=True)
    _require_not_withdrawn(member)
    member.status = "withdrawn"
    member.withdrawn_reason = reason
    member.updated_at, member.updated_by = now, actor_name(who)
    record(tx, community, "member", member.id, "withdrawn", who, now, reason=reason)
    return member


def married(session: Session, member_id: int) -> bool:
    """Has the member married through the studio?"""
    return session.scalar(select(func.count()).select_from(Introduction).where(
        Introduction.outcome == "married",
        or_(Introduction.first_member_id == member_id,
            Introduction.second_member_id == member_id))) > 0


def require_visible(member: Member, field: str) -> None:
    """The gate: only a verified member is shown to, or introduced to, anyone else."""
    if member.status == "verified":
        return
    if member.status == "withdrawn":
        raise Conflict("member_withdrawn", f"会员 {member.id} 已经退出",
                       f"Member {member.id} has withdrawn", field=field)
    raise Conflict("member_not_verified",
                   f"会员 {member.id} 的身份尚未经派出所核实，不能介绍或展示给其他会员",
                   f"Member {member.id}'s identity has not been verified with the police "
                   "station: they cannot be introduced or shown to other members", field=field)
