"""Repeated requests (重复诉求): the same person or place asking again about a matter still being
handled is linked to the case in hand, and hears the same answer; a matter already answered is
a new case."""
from sqlalchemy import and_, func, or_, select
from sqlalchemy import case as when
from sqlalchemy.orm import Session

from minzi.api import DomainError

from ..models import Case
from .access import Actor, require_may
from .desk import Desk, require_open
from .labels import OPEN_STATUSES


def normalise_address(text: str) -> str:
    """An address compared without its spaces, half- or full-width, and without case."""
    return text.replace(" ", "").replace("\u3000", "").lower()


def _repeat_of(case: Case, service_code: str | None):
    """What an open case this one repeats has: the same service type and community, and the
    same phone or the same address (ignoring spaces and case); None when nothing can match."""
    if not service_code or not (case.resident_phone or case.address):
        return None
    same_person_or_place = []
    if case.resident_phone:
        same_person_or_place.append(Case.resident_phone == case.resident_phone)
    if case.address:
        same_person_or_place.append(
            func.lower(func.replace(func.replace(Case.address, " ", ""), "\u3000", ""))
            == normalise_address(case.address))
    return and_(Case.community_id == case.community_id, Case.service_code == service_code,
                Case.status.in_(OPEN_STATUSES), or_(*same_person_or_place))


def open_case_repeated(session: Session, case: Case, service_code: str | None) -> Case | None:
    """The open case this one repeats (``_repeat_of``). Answered and closed cases are never
    matched; nor is the request itself, which is given its service only after this look."""
    repeat = _repeat_of(case, service_code)
    if repeat is None:
        return None
    return session.scalar(select(Case).where(repeat).order_by(Case.id).limit(1))


def sent_before_or_repeated(session: Session, case: Case, service_code: str | None,
                            request_key: str | None) -> Case | None:
    """In one statement, as a request is registered: the case this same request made before
    (its ``request_key`` sent again), else the open case it repeats, else None."""
    if not request_key:
        return open_case_repeated(session, case, service_code)
    same_request = Case.request_key == request_key
    looked_for = [c for c in (same_request, _repeat_of(case, service_code)) if c is not None]
    return session.scalar(select(Case).where(or_(*looked_for))
                          .order_by(when((same_request, 0), else_=1), Case.id).limit(1))


def sent_before(session: Session, request_key: str | None) -> Case | None:
    """The case a request with this key made, if one did."""
    if not request_key:
        return None
    return session.scalar(select(Case).where(Case.request_key == request_key))


def _link(desk: Desk, case: Case, primary: Case, actor: Actor) -> None:
    case.duplicate_of_id = primary.id
    desk.move(case, "duplicate", actor, "duplicate_linked",
              f"与诉求 {primary.tracking_code} 相同，已并案办理")
    desk.record(primary, actor, "duplicate_received", f"重复诉求 {case.tracking_code} 已并入本件")


def link_repeat(desk: Desk, case: Case, primary: Case, actor: Actor) -> None:
    """A request found to repeat ``primary`` as it is registered."""
    case.service_code, case.program_id = primary.service_code, primary.program_id
    _link(desk, case, primary, actor)
    # (never the other case's tracking code: it is another resident's key to their case)
    desk.notify(case, "receipt", (
        f"您的诉求已受理（查询码 {case.tracking_code}）。同一事项已在办理中，我们将一并答复您。"))


def mark_duplicate(desk: Desk, case: Case, actor: Actor, primary: Case) -> None:
    """Staff link an open case to another open case of their community (并案); the repeats
    already linked to it follow it to the primary."""
    require_may(actor, "duplicate", case)
    require_open(case)
    if primary.id == case.id or primary.status not in OPEN_STATUSES or \
            primary.community_id != case.community_id:
        raise DomainError("bad_duplicate", "只能并入本社区另一件办理中的诉求",
                          "Link to another open case of the same community",
                          field="duplicate_of")
    if case.program_id:
        desk.recall(case, f"并入 {primary.tracking_code}")
    _link(desk, case, primary, actor)
    for twin in list(desk.session.scalars(select(Case).where(
            Case.duplicate_of_id == case.id))):
        # repeats of this case now wait on the primary's answer, or they would never hear one
        twin.service_code, twin.program_id = primary.service_code, primary.program_id
        _link(desk, twin, primary, actor)
    desk.notify(case, "duplicate", f"您的诉求（{case.tracking_code}）与正在办理的同一事项"
                                   f"合并办理，将一并答复您。")
