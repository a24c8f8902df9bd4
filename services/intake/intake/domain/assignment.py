"""Who handles a case: the station head assigns (分派), the program's handler accepts (接收) or the
first-inquiry owner accepts for them (代为接收), and a case goes to another program (转办)."""
from minzi.api import Conflict, DomainError, Forbidden

from ..models import Case
from .access import MANAGERS, Actor, may, require_may, require_staff
from .desk import Desk, join_notes, require_open


def assign(desk: Desk, case: Case, actor: Actor, service_code: str,
           note: str | None = None) -> None:
    """The station head picks the program (站长分派)."""
    require_staff(actor, *MANAGERS)
    require_open(case)
    if case.status == "accepted":
        raise Conflict("already_accepted", "诉求已有人承办，请用转办",
                       "Already accepted: transfer it", field="status")
    offer, program = desk.offer_or_error(case.community_id, service_code)
    desk.ensure_owner(case, actor)
    if case.program_id and case.program_id != program.program_id:
        desk.recall(case, note or "站长改派")
    desk.dispatch(case, offer, program, actor, note, action="assigned")


def accept(desk: Desk, case: Case, actor: Actor, handler: str | None = None,
           on_behalf_of: str | None = None, note: str | None = None) -> None:
    """The handler takes the case; or the owner accepts for an absent handler (代为接收)."""
    require_staff(actor)
    if case.status != "dispatched":
        raise Conflict("not_dispatched", "只有已转交、未接收的诉求可以接收",
                       "Only a dispatched case can be accepted", field="status")
    program_staff = actor.role in ("handler", "program_staff") and \
        actor.staff.get("program_id") == case.program_id
    if on_behalf_of:
        if not may(actor, "accept_on_behalf", case):
            raise Forbidden("not_owner", "只有首问责任人或站长可以代为接收",
                            "Only the owner or the station head accepts on a handler's behalf")
        desk.ensure_owner(case, actor)
        case.handler = on_behalf_of
        action, text = "accepted_on_behalf", f"承办人 {on_behalf_of} 不在，代为接收并转交"
    else:
        if not program_staff and not actor.is_manager:
            raise Forbidden("not_handler", "只有承办项目的工作人员可以接收",
                            "Only the program's staff accept its cases")
        case.handler = handler or actor.staff["name"]
        action, text = "accepted", f"承办人：{case.handler}"
    case.first_response_at = case.first_response_at or desk.now
    desk.move(case, "accepted", actor, action, join_notes(text, note))


def transfer(desk: Desk, case: Case, actor: Actor, service_code: str, note: str) -> None:
    """转办: to the program that owns another service type."""
    require_may(actor, "transfer", case)
    require_open(case)
    if case.status == "resolved":
        raise Conflict("already_resolved", "诉求已办结，不能转办", "Already resolved",
                       field="status")
    offer, program = desk.offer_or_error(case.community_id, service_code)
    if case.service_code == service_code:
        raise DomainError("same_service", "已经是这个服务项目", "The case is already there",
                          field="service_code")
    desk.ensure_owner(case, actor)
    if case.program_id:
        desk.recall(case, note)
    desk.dispatch(case, offer, program, actor, f"转办：{note}", action="transferred")
