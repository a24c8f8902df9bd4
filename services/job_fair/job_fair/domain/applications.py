"""Applying (once per position), withdrawing (the applicant, or the employer), checking in at
the fair by registration code, and the employer's interviews and hires, which staff record on
its behalf. No position hires more people than it asked for."""
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minzi.api import Conflict, NotFound, Staff, actor_name
from minzi.store import Transaction

from ..models import Application, CheckIn, Employer, Position
from .activity import record
from .applicants import by_code, get_applicant
from .employers import require_may_publish
from .fairs import get_fair, require_not_over
from .positions import get_position

OPEN = ("applied", "interviewed")


def get_application(session: Session, application_id: int, community: str) -> Application:
    application = session.get(Application, application_id, with_for_update=True)
    if application is None or application.community != community:
        raise NotFound("application_not_found", f"没有编号为 {application_id} 的求职申请",
                       f"No application {application_id}")
    return application


def apply(tx: Transaction, community: str, applicant_id: int, position_id: int, who: Staff,
          now: datetime) -> Application:
    applicant = get_applicant(tx.session, applicant_id, community, field="applicant_id")
    position = get_position(tx.session, position_id, community, field="position_id")
    if position.status != "open":
        raise Conflict("position_closed", "这个岗位已经撤下", "This position was taken down",
                       field="position_id")
    require_not_over(get_fair(tx.session, position.fair_id, community), now, "position_id")
    require_may_publish(tx.session.get(Employer, position.employer_id), now, "position_id")
    same = tx.session.scalars(select(Application).where(
        Application.position_id == position.id,
        Application.applicant_id == applicant.id)).first()
    if same is not None:
        raise Conflict("already_applied",
                       f"{applicant.name} 已经申请过这个岗位（申请编号 {same.id}），"
                       "每个岗位只能申请一次",
                       f"{applicant.name} has already applied to this position (application "
                       f"{same.id}): one application per position", field="position_id")
    application = Application(community=community, position_id=position.id,
                              applicant_id=applicant.id, status="applied", applied_at=now,
                              updated_by=actor_name(who))
    tx.session.add(application)
    tx.session.flush()
    record(tx, community, "application", application.id, "applied", who, now,
           position_id=position.id, applicant_id=applicant.id)
    return application


def _employer_name(session: Session, application: Application) -> str:
    position = session.get(Position, application.position_id)
    return session.get(Employer, position.employer_id).name


def withdraw(tx: Transaction, community: str, application_id: int, by: str, note: str | None,
             who: Staff, now: datetime) -> Application:
    """``by``: ``applicant`` (the applicant changed their mind) or ``employer`` (the employer
    takes it back; staff record it on its behalf)."""
    application = get_application(tx.session, application_id, community)
    if application.status not in OPEN:
        raise Conflict("application_closed", "这份申请已经有结果或已撤回，不能撤回",
                       "This application is decided or withdrawn: it cannot be withdrawn")
    application.status = "withdrawn"
    application.withdrawn_by = by
    application.note = note
    application.decided_at = now
    application.updated_by = actor_name(who)
    record(tx, community, "application", application.id, "withdrawn", who, now,
           on_behalf_of=_employer_name(tx.session, application) if by == "employer" else None,
           by=by, note=note)
    return application


def check_in(tx: Transaction, community: str, fair_id: int, code: str, who: Staff,
             now: datetime) -> CheckIn:
    """An applicant arrives at the fair and shows their registration code."""
    fair = get_fair(tx.session, fair_id, community)
    require_not_over(fair, now)
    applicant = by_code(tx.session, code, community)
    done = tx.session.scalars(select(CheckIn).where(CheckIn.fair_id == fair.id,
                                                    CheckIn.applicant_id == applicant.id)).first()
    if done is not None:
        raise Conflict("already_checked_in", f"{applicant.name} 已经签到过了",
                       f"{applicant.name} has already checked in", field="registration_code")
    arrived = tx.session.scalar(select(func.count()).select_from(CheckIn).where(
        CheckIn.fair_id == fair.id))
    if arrived >= fair.capacity:
        raise Conflict("fair_full", f"招聘会已满员（可容纳 {fair.capacity} 人）",
                       f"The fair is full (it holds {fair.capacity})",
                       field="registration_code")
    entry = CheckIn(fair_id=fair.id, applicant_id=applicant.id, at=now, by=actor_name(who))
    tx.session.add(entry)
    tx.session.flush()
    record(tx, community, "applicant", applicant.id, "checked_in", who, now, fair_id=fair.id)
    return entry


def checked_in(session: Session, fair_id: int, applicant_id: int) -> bool:
    return session.scalars(select(CheckIn).where(CheckIn.fair_id == fair_id,
                                                 CheckIn.applicant_id == applicant_id)).first() \
        is not None


def record_interview(tx: Transaction, community: str, application_id: int, note: str | None,
                     who: Staff, now: datetime) -> Application:
    """The employer interviewed the applicant at the fair (staff record it on its behalf)."""
    application = get_application(tx.session, application_id, community)
    if application.status != "applied":
        raise Conflict("not_awaiting_interview", "这份申请不在待面试状态",
                       "This application is not waiting for an interview")
    position = tx.session.get(Position, application.position_id)
    if not checked_in(tx.session, position.fair_id, application.applicant_id):
        raise Conflict("not_checked_in", "求职者还没有在招聘会签到，不能记录面试",
                       "The applicant has not checked in at the fair: no interview yet")
    application.status = "interviewed"
    application.interviewed_at = now
    application.note = note
    application.updated_by = actor_name(who)
    record(tx, community, "application", application.id, "interviewed", who, now,
           on_behalf_of=_employer_name(tx.session, application), note=note)
    return application


def decide(tx: Transaction, community: str, application_id: int, hired: bool,
           note: str | None, who: Staff, now: datetime) -> Application:
    """After the interview the employer hires, or does not; never more than the position's
    count."""
    application = get_application(tx.session, application_id, community)
    if application.status != "interviewed":
        raise Conflict("not_interviewed", "只有面试过的申请才能决定是否录用",
                       "Only an interviewed application can be decided")
    position = tx.session.get(Position, application.position_id, with_for_update=True)
    if hired:
        taken = tx.session.scalar(select(func.count()).select_from(Application).where(
            Application.position_id == position.id, Application.status == "hired"))
        if taken >= position.count:
            raise Conflict("position_filled",
                           f"岗位「{position.title}」招 {position.count} 人，已经录满",
                           f"The position {position.title} wants {position.count} and they "
                           "are all hired")
    application.status = "hired" if hired else "not_hired"
    application.decided_at = now
    application.note = note
    application.updated_by = actor_name(who)
    record(tx, community, "application", application.id, application.status, who, now,
           on_behalf_of=_employer_name(tx.session, application), note=note)
    return application

