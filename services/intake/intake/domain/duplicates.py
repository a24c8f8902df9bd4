"""Repeated requests (重复诉求): the same person or place asking again about a matter still being
handled is linked to the case in hand, and hears the same answer; a matter already answered is
a new case."""
from functools import cache

from sqlalchemy import Select, and_, bindparam, or_, select
from sqlalchemy import case as when
from sqlalchemy.orm import Session

from minzi.api import DomainError

from ..models import Case, address_key
from .access import Actor, require_may
from .desk import Desk, require_open
from .labels import OPEN_STATUSES


def normalise_address(text: str) -> str:
    """An address compared without its spaces, half- or full-width, and without case."""
    return text.replace(" ", "").replace("\u3000", "").lower()


@cache
def _looking_for(by_key: bool, by_phone: bool, by_address: bool) -> Select:
    """The statement that finds, first, the case a request's key made (``by_key``), then the
    open case of the same service type and community from the same phone (``by_phone``) or at
    the same address, ignoring spaces and case (``by_address``). Made once for each of these
    shapes, its values given at each call: registrations are what intake does most, and
    SQLAlchemy works out a new statement's cache key every time it is built."""
    same_request = Case.request_key == bindparam("request_key")
    same_matter = (Case.community_id == bindparam("community"),
                   Case.service_code == bindparam("service_code"), Case.status.in_(OPEN_STATUSES))
    # each way to match a condition of its own, so that each is looked up by its own index
    # (the request's key, the phone, the address's key) and only their few cases are read
    looked_for = [same_request] if by_key else []
    if by_phone:
        looked_for.append(and_(*same_matter, Case.resident_phone == bindparam("phone")))
    if by_address:
        looked_for.append(and_(*same_matter, address_key(Case.address) == bindparam("address")))
    order = (when((same_request, 0), else_=1), Case.id) if by_key else (Case.id,)
    return select(Case).where(or_(*looked_for)).order_by(*order).limit(1)


def sent_before_or_repeated(session: Session, case: Case, service_code: str | None,
                            request_key: str | None) -> Case | None:
    """In one statement, as a request is registered: the case this same request made before
    (its ``request_key`` sent again), else the open case it repeats, else None. A repeat is
    an open case of the same service type and community, from the same phone or at the same
    address (ignoring spaces and case). Answered and closed cases are never matched; nor is
    the request itself, which is given its service only after this look."""
    by_phone = bool(service_code and case.resident_phone)
    by_address = bool(service_code and case.address)
    if not (request_key or by_phone or by_address):
        return None
    return session.scalar(_looking_for(bool(request_key), by_phone, by_address), {
        "request_key": request_key, "phone": case.resident_phone,
        "address": normalise_address(case.address) if case.address else None,
        "community": case.community_id, "service_code": service_code})


def open_case_repeated(session: Session, case: Case, service_code: str | None) -> Case | None:
    """The open case this one repeats (see ``sent_before_or_repeated``)."""
    return sent_before_or_repeated(session, case, service_code, None)


def sent_before(session: Session, request_key: str | None) -> Case | None:
    """The case a request with this key made, if one did."""
    if not request_key:
        return None
    return session.scalar(_looking_for(True, False, False), {"request_key": request_key})


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
