"""Members of the association: a dog owner joins by signing the pledge in force (which version,
on which day, is kept), signs each new version later, and may leave. A household is the home
the one-dog rule counts by, written without spaces ("5号楼2单元301")."""
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, NotFound, Staff, actor_name
from minzi.localtime import local_date
from minzi.store import Transaction

from ..models import Member, Officer, Pledge, Signature
from . import pledges
from .activity import record


def household_key(household: str) -> str:
    return "".join(household.split())


def member_not_found(member_id: int) -> NotFound:
    return NotFound("member_not_found", f"没有编号为 {member_id} 的会员", f"No member {member_id}",
                    field="member_id")


def get_member(session: Session, member_id: int, community: str, *,
               field: str | None = None) -> Member:
    """A member of ``community``. Named in a body (``field``), an unknown one is a 422 naming
    that field; in a path, a 404."""
    member = session.get(Member, member_id)
    if member is None or member.community != community:
        if field:
            raise DomainError("unknown_member", f"没有编号为 {member_id} 的会员",
                              f"No member {member_id}", field=field, status=422)
        raise member_not_found(member_id)
    return member


def require_active(member: Member) -> None:
    if member.state != "active":
        raise Conflict("member_left", f"{member.name}已退会", f"{member.name} has left the "
                       "association", field="member_id")


def _signed_on(data: dict[str, Any], pledge: Pledge, now: datetime) -> date:
    signed_on = data.get("signed_on") or local_date(now)
    if signed_on > local_date(now):
        raise DomainError("signed_in_future", "签署日期不能晚于今天",
                          "The signing date cannot be in the future", field="signed_on",
                          status=422)
    if signed_on < pledge.effective_on:
        raise DomainError("signed_before_pledge",
                          f"签署日期早于该版本公约的生效日期 {pledge.effective_on.isoformat()}",
                          f"Signed before the pledge took effect on "
                          f"{pledge.effective_on.isoformat()}", field="signed_on", status=422)
    return signed_on


def join(tx: Transaction, community: str, data: dict[str, Any], who: Staff,
         now: datetime) -> Member:
    """A dog owner joins by signing the pledge in force (``pledge_version``)."""
    pledge = pledges.by_version(tx.session, community, data["pledge_version"], now)
    signed_on = _signed_on(data, pledge, now)
    same = tx.session.scalars(select(Member).where(
        Member.community == community, Member.phone == data["phone"],
        Member.state == "active")).first()
    if same is not None:
        raise Conflict("member_exists", f"电话为该号码的会员已经入会（会员编号 {same.id}）",
                       f"A member with this phone has already joined (member {same.id})",
                       field="phone")
    member = Member(community=community, name=data["name"], phone=data["phone"],
                    household=household_key(data["household"]), state="active", warnings=0,
                    joined_on=signed_on, created_at=now, created_by=actor_name(who))
    tx.session.add(member)
    tx.session.flush()
    tx.session.add(Signature(member_id=member.id, pledge_id=pledge.id, signed_on=signed_on,
                             recorded_at=now, recorded_by=actor_name(who)))
    record(tx, community, "member", member.id, "joined", who, now, pledge=pledge.version,
           signed_on=signed_on.isoformat())
    return member


def sign(tx: Transaction, community: str, member_id: int, data: dict[str, Any], who: Staff,
         now: datetime) -> Member:
    """A member signs the version in force (a new one since they joined)."""
    member = get_member(tx.session, member_id, community)
    require_active(member)
    pledge = pledges.by_version(tx.session, community, data["pledge_version"], now)
    signed_on = _signed_on(data, pledge, now)
    already = tx.session.scalars(select(Signature).where(
        Signature.member_id == member.id, Signature.pledge_id == pledge.id)).first()
    if already is not None:
        raise Conflict("already_signed", f"{member.name}已经签署过公约「{pledge.version}」",
                       f"{member.name} has already signed pledge {pledge.version}",
                       field="pledge_version")
    tx.session.add(Signature(member_id=member.id, pledge_id=pledge.id, signed_on=signed_on,
                             recorded_at=now, recorded_by=actor_name(who)))
    record(tx, community, "member", member.id, "signed", who, now, pledge=pledge.version,
           signed_on=signed_on.isoformat())
    return member


def leave(tx: Transaction, community: str, member_id: int, data: dict[str, Any], who: Staff,
          now: datetime) -> Member:
    """A member leaves; an office they hold ends the same day (its seat is free)."""
    member = get_member(tx.session, member_id, community)
    require_active(member)
    member.state, member.left_on = "left", local_date(now)
    record(tx, community, "member", member.id, "left", who, now, note=data.get("note"))
    for officer in tx.session.scalars(select(Officer).where(Officer.member_id == member.id,
                                                            Officer.ended_on.is_(None))):
        officer.ended_on = member.left_on
        record(tx, community, "officer", officer.id, "stepped_down", who, now,
               ended_on=officer.ended_on.isoformat(), note="退会")
    return member


def signatures_of(session: Session, member: Member) -> list[tuple[Signature, Pledge]]:
    return list(session.execute(select(Signature, Pledge).join(
        Pledge, Pledge.id == Signature.pledge_id).where(Signature.member_id == member.id)
        .order_by(Signature.signed_on, Signature.id)).tuples())


def list_members(session: Session, community: str, *, state: str | None = None,
                 household: str | None = None) -> list[Member]:
    query = select(Member).where(Member.community == community)
    if state is not None:
        query = query.where(Member.state == state)
    if household is not None:
        query = query.where(Member.household == household_key(household))
    return list(session.scalars(query.order_by(Member.id)))
