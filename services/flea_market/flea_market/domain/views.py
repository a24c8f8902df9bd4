"""What the flea market's staff API shows. A resident's phone (on a sign-up or a case) is
shown in full only to the flea market's own staff; an admin sees it masked."""
from minzi.envelope import isoformat
from minzi.i18n import label
from minzi.logs import mask_phone

from ..models import Market, ProgramCase, Signup
from .codes import CASE_ACTIONS, MARKET_ACTIONS, MARKET_STATES, SIGNUP_STATES

FULL, MASKED = "full", "masked"     # how much of a resident a reader sees


def _name(name: str | None, level: str) -> str | None:
    if level == FULL or not name:
        return name
    return name[0] + "**"


def _phone(phone: str | None, level: str) -> str | None:
    return phone if level == FULL else mask_phone(phone)


def market_view(market: Market, lang: str, *, stalls_taken: int = 0) -> dict:
    return {"id": market.id, "community": market.community, "day": market.day.isoformat(),
            "place": market.place, "theme": market.theme, "charity": market.charity,
            "beneficiary": market.beneficiary, "stall_count": market.stall_count,
            "stalls_taken": stalls_taken,
            "stalls_free": max(market.stall_count - stalls_taken, 0),
            "state": market.state, "state_name": label(MARKET_STATES, market.state, lang),
            "participants": market.participants, "counted_by": market.counted_by,
            "counted_at": isoformat(market.counted_at), "cancel_reason": market.cancel_reason,
            "created_by": market.created_by, "created_at": isoformat(market.created_at),
            "history": [{**h, "action_name": label(MARKET_ACTIONS, h["action"], lang)}
                        for h in market.history or []]}


def signup_view(signup: Signup, lang: str, level: str) -> dict:
    return {"id": signup.id, "market_id": signup.market_id, "stall_no": signup.stall_no,
            "name": _name(signup.name, level), "phone": _phone(signup.phone, level),
            "goods": signup.goods, "state": signup.state,
            "state_name": label(SIGNUP_STATES, signup.state, lang), "case_id": signup.case_id,
            "created_by": signup.created_by, "created_at": isoformat(signup.created_at),
            "cancelled_by": signup.cancelled_by, "cancelled_at": isoformat(signup.cancelled_at),
            "cancel_reason": signup.cancel_reason}


def case_view(case: ProgramCase, lang: str, level: str) -> dict:
    resident = case.resident or {}
    return {"case_id": case.case_id, "tracking_code": case.tracking_code,
            "community": case.community, "service_code": case.service_code, "state": case.state,
            "description": case.description,
            "resident": {"name": _name(resident.get("name"), level),
                         "phone": _phone(resident.get("phone"), level)},
            "attributes": case.attributes, "chases": case.chases, "result": case.result,
            "handled_by": case.handled_by, "signup_id": case.signup_id,
            "received_at": isoformat(case.received_at),
            "history": [{**h, "action_name": label(CASE_ACTIONS, h["action"], lang)}
                        for h in case.history or []]}
