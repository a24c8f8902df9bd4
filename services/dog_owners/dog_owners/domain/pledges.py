"""The versions of the 《彩虹城社区养犬人文明公约》: staff publish each text once with the day it
takes effect; the one in force is the latest that has taken effect, and that is the one a new
member signs. A published text is never edited: a change is a new version."""
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, NotFound, Staff, actor_name
from minzi.localtime import local_date
from minzi.store import Transaction

from ..models import Pledge
from .activity import record


def publish(tx: Transaction, community: str, data: dict[str, Any], who: Staff,
            now: datetime) -> Pledge:
    same = tx.session.scalars(select(Pledge).where(Pledge.community == community,
                                                   Pledge.version == data["version"])).first()
    if same is not None:
        raise Conflict("pledge_version_exists", f"公约版本「{data['version']}」已经发布过了，"
                       "修改请发布新版本", f"Pledge version {data['version']} is already "
                       "published; publish a new version to change it", field="version")
    pledge = Pledge(community=community, version=data["version"], title=data["title"],
                    text=data["text"], effective_on=data.get("effective_on") or local_date(now),
                    created_at=now, created_by=actor_name(who))
    tx.session.add(pledge)
    tx.session.flush()
    record(tx, community, "pledge", pledge.id, "published", who, now, version=pledge.version)
    return pledge


def in_force(session: Session, community: str, now: datetime) -> Pledge | None:
    """The version in force today: the latest to have taken effect (the later published of two
    on the same day)."""
    return session.scalars(select(Pledge).where(
        Pledge.community == community, Pledge.effective_on <= local_date(now)).order_by(
        Pledge.effective_on.desc(), Pledge.id.desc())).first()


def no_pledge() -> NotFound:
    return NotFound("no_pledge", "本社区还没有发布养犬人文明公约",
                    "No dog owners' pledge has been published in this community")


def by_version(session: Session, community: str, version: str, now: datetime) -> Pledge:
    """The version a member signs: it must be the one in force."""
    pledge = session.scalars(select(Pledge).where(Pledge.community == community,
                                                  Pledge.version == version)).first()
    if pledge is None:
        raise DomainError("unknown_pledge_version", f"没有「{version}」这个版本的公约",
                          f"No pledge version {version}", field="pledge_version", status=422)
    current = in_force(session, community, now)
    if current is None or current.id != pledge.id:
        raise Conflict("pledge_not_current",
                       f"公约「{version}」不是现行版本，请签署现行版本"
                       + (f"「{current.version}」" if current else ""),
                       f"Pledge {version} is not the version in force"
                       + (f"; sign {current.version}" if current else ""),
                       field="pledge_version")
    return pledge


def list_pledges(session: Session, community: str) -> list[Pledge]:
    return list(session.scalars(select(Pledge).where(Pledge.community == community)
                                .order_by(Pledge.effective_on, Pledge.id)))
