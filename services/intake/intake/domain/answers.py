"""Every case an answer: the result is recorded (办结), the owner replies to the resident (答复),
the resident is asked how it went (回访) and may have it reopened (重新办理); a request the station
cannot handle is closed with an explanation and a referral, never a bare "not our business"."""
from sqlalchemy import select

from minzi.api import Conflict, Forbidden

from ..models import Case
from .access import RESIDENT, Actor, require_may, require_staff
from .desk import Desk, join_notes, require_open

STATION = "【彩虹城社区服务站】"


def resolve(desk: Desk, case: Case, actor: Actor, result: str,
            handler: str | None = None) -> None:
    """办结: the answer is known (from the handler, or the owner answering at once)."""
    if case.status not in ("awaiting_assignment", "dispatched", "accepted"):
        require_open(case)
        raise Conflict("already_resolved", "诉求已办结", "Already resolved", field="status")
    if actor.staff:   # (a program's report resolves it as the program, not as staff)
        require_may(actor, "resolve", case)
        desk.ensure_owner(case, actor)
        if case.program_id and case.status in ("dispatched", "accepted"):
            # answered at the window: the program holding it stops working on it
            desk.recall(case, f"已由服务站办结：{result}")
    case.result = result
    case.handler = handler or case.handler
    case.resolved_at = desk.now
    case.first_response_at = case.first_response_at or desk.now
    desk.move(case, "resolved", actor, "resolved", result)


def reply(desk: Desk, case: Case, actor: Actor, text: str) -> None:
    """答复: the owner tells the resident, on the resident's channel."""
    require_staff(actor)
    if case.status != "resolved":
        raise Conflict("not_resolved", "诉求办结后才能答复居民", "Reply once the case is resolved",
                       field="status")
    # a resolved case always has an owner: whoever resolved it at the window, or the one who
    # took it in (a program's answer to a case nobody owns is sent at once, see reports)
    if case.owner_id != actor.staff_id and not actor.is_manager:
        raise Forbidden("not_owner", "应由首问责任人答复居民", "The owner replies to the resident")
    send_reply(desk, case, actor, text)


def send_reply(desk: Desk, case: Case, actor: Actor, text: str) -> None:
    """The reply goes to the resident, and to everyone whose repeat was linked to this case."""
    case.reply = text
    case.replied_at = desk.now
    desk.move(case, "replied", actor, "replied", text)
    desk.notify(case, "reply", f"{STATION}您的诉求（{case.tracking_code}）答复：{text}")
    _tell_twins(desk, case, actor, "replied", "答复：")


ANSWERED_FOR_ANOTHER = "您反映的同一事项已经办理并答复。如需了解详情，请联系社区服务站。"


def _tell_twins(desk: Desk, case: Case, actor: Actor, action: str, lead: str) -> None:
    """Those whose repeat was linked to ``case`` hear that it was answered. The same resident
    asking again hears the answer itself; another resident who reported the same place hears
    that it was answered, not what was written to the first (it may name them)."""
    for twin in desk.session.scalars(select(Case).where(Case.duplicate_of_id == case.id)):
        same_resident = bool(twin.resident_phone) and twin.resident_phone == case.resident_phone
        answer = case.reply if same_resident else ANSWERED_FOR_ANOTHER
        twin.reply, twin.replied_at = answer, desk.now
        desk.record(twin, actor, action, answer)
        desk.notify(twin, "reply", f"{STATION}您的诉求（{twin.tracking_code}）{lead}{answer}")


def follow_up(desk: Desk, case: Case, actor: Actor, resolved: bool, satisfied: bool,
              note: str | None = None) -> None:
    """回访: did it get solved, is the resident satisfied."""
    if actor.staff:   # (the resident's own rating comes through resident_feedback)
        require_may(actor, "follow_up", case)
    if case.status not in ("replied", "closed"):
        raise Conflict("not_replied", "答复居民后才能回访", "Follow up after the reply",
                       field="status")
    case.followup_resolved = resolved
    case.followup_satisfied = satisfied
    case.closed_at = desk.now
    verdict = f"{'已解决' if resolved else '未解决'}，{'满意' if satisfied else '不满意'}"
    desk.move(case, "closed", actor, "followed_up", join_notes(verdict, note))


def resident_feedback(desk: Desk, case: Case, resolved: bool, satisfied: bool,
                      comment: str | None = None, reopen_wanted: bool = False) -> None:
    """The resident rates the answer: once, while the case awaits it (answered, not yet rated).
    Unsatisfied, they may ask for it to be worked again."""
    if case.status != "replied":
        raise Conflict("feedback_not_expected", "这件诉求现在不需要评价（尚未答复，或已经评价过）",
                       "This case is not awaiting feedback (not answered yet, or rated already)",
                       field="status")
    follow_up(desk, case, RESIDENT, resolved, satisfied, comment)
    if reopen_wanted and not satisfied:
        reopen(desk, case, RESIDENT, comment or "居民不满意，要求重新办理")


def reopen(desk: Desk, case: Case, actor: Actor, note: str) -> None:
    """重新办理: the resident is not satisfied, or the answer did not hold."""
    if actor.staff:
        require_may(actor, "reopen", case)
    if case.status not in ("replied", "closed"):
        raise Conflict("not_reopenable", "只有已答复或已结案的诉求可以重新办理",
                       "Only a replied or closed case can be reopened", field="status")
    case.reopened_count += 1
    case.closed_at = None
    case.resolved_at = None
    case.replied_at = None
    found = desk.registry.offer(case.community_id, case.service_code)   # None: no service yet
    desk.record(case, actor, "reopened", note)
    if found:
        desk.dispatch(case, *found, actor, f"重新办理：{note}")
    else:
        desk.to_station_head(case, actor, f"重新办理：{note}")


def close_out_of_scope(desk: Desk, case: Case, actor: Actor, explanation: str,
                       referral: str) -> None:
    """Not the station's to handle: an explanation and who can help, sent to the resident."""
    require_may(actor, "out_of_scope", case)
    require_open(case)
    if case.program_id:
        desk.recall(case, explanation)
    desk.ensure_owner(case, actor)
    case.explanation, case.referral = explanation, referral
    case.replied_at = case.closed_at = desk.now
    case.first_response_at = case.first_response_at or desk.now
    case.reply = f"{explanation} 建议您联系：{referral}"
    desk.move(case, "out_of_scope", actor, "out_of_scope", case.reply)
    desk.notify(case, "reply", f"{STATION}您的诉求（{case.tracking_code}）：{case.reply}")
    _tell_twins(desk, case, actor, "out_of_scope", "：")
