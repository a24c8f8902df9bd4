"""What registering a request would do, shown at the window before it is saved: the service type
it would be classified to, where it would go, the open case it would be linked to as a repeat,
and the other open cases of the same phone or address. Read only: nothing is written."""
from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from minzi.api import DomainError, Forbidden, Staff
from minzi.i18n import label

from ..models import Case, Community
from .desk import Desk
from .duplicates import normalise_address, open_case_repeated
from .labels import OPEN_STATUSES, STATUS_LABELS
from .registration import check_attributes, check_raise, classify
from .search import address_key
from .views import case_view, offer_view

MOST_SHOWN = 20   # an address with more open cases than this is a building, not a repeat


def _no_publish(*_args, **_kwargs) -> None:
    raise AssertionError("a preview publishes nothing")


def same_phone_or_address(session: Session, community_id: str, phone: str | None,
                          address: str | None) -> list[Case]:
    """Open cases of the community with this phone or this address, compared as the
    duplicate rule compares them (the same phone; the address without spaces or case)."""
    either = []
    if phone:
        either.append(Case.resident_phone == phone)
    if address and normalise_address(address):
        either.append(address_key(Case.address) == normalise_address(address))
    if not either:
        return []
    return list(session.scalars(select(Case).where(
        Case.community_id == community_id, Case.status.in_(OPEN_STATUSES), or_(*either))
        .order_by(Case.id).limit(MOST_SHOWN)).unique())


def preview(session: Session, data: dict, staff: Staff, lang: str, now: datetime) -> dict:
    """``data`` as for registering (``schemas.CaseCreateSchema``); refused as registering it
    would be (an unknown community or service type, another community, bad attributes)."""
    community = session.get(Community, data.get("community") or staff["community"])
    if community is None:
        raise DomainError("unknown_community", f"没有「{data['community']}」这个社区",
                          f"No community '{data['community']}'", field="community")
    if staff["community"] != community.id:
        raise Forbidden("other_community", "只能为本社区登记诉求",
                        "Staff register cases for their own community only", field="community")
    desk = Desk(session, _no_publish, now)
    found, chosen_by = None, None
    if data.get("service_code"):
        found, chosen_by = desk.offer_or_error(community.id, data["service_code"]), "staff"
        check_attributes(found[0], data.get("attributes"))
    else:
        found = classify(data["description"], desk.registry.live_offers(community.id))
        chosen_by = "keywords" if found else None
    check_raise(found[0] if found else None, data.get("urgency"))
    # the look registration makes, on the request as it would be saved
    probe = SimpleNamespace(community_id=community.id, resident_phone=data.get("resident_phone"),
                            address=data.get("address"))
    repeated = open_case_repeated(session, probe, found[0].code if found else None)
    status = "duplicate" if repeated else "dispatched" if found else "awaiting_assignment"
    others = same_phone_or_address(session, community.id, data.get("resident_phone"),
                                   data.get("address"))
    return {
        "service": offer_view(found, lang) if found else None, "chosen_by": chosen_by,
        "status": status, "status_label": label(STATUS_LABELS, status, lang),
        "linked_to": case_view(repeated, staff, lang, now) if repeated else None,
        "possible_duplicates": [
            {**case_view(c, staff, lang, now),
             "same_service": bool(found) and c.service_code == found[0].code}
            for c in others],
    }
