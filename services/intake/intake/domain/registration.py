"""受理: a request is registered, classified to the service type that fits it, checked against
that type's definition, and sent on (or to the station head); a repeat is linked instead."""
import hashlib
import secrets

from marshmallow import ValidationError

from minzi.api import DomainError, Forbidden
from minzi.contract import URGENCIES, URGENCY_HOURS
from minzi.i18n import label, message

from ..models import Case, ServiceOffer
from .access import Actor
from .desk import Desk, local_minute
from .duplicates import link_repeat, sent_before, sent_before_or_repeated
from .labels import CHANNEL_LABELS, URGENCY_LABELS
from .registry import Offer

_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_tracking_code() -> str:
    """Ten characters a resident can read out on the phone (no 0/O, 1/I/L)."""
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))


def classify(description: str | None, offers: list[Offer]) -> Offer | None:
    """The live service type whose keywords and name best match a free-text request, or None."""
    text = (description or "").lower()
    best, best_score = None, 0
    for offer, program in offers:
        score = sum(1 for word in offer.keywords if word and word.lower() in text)
        if offer.name_zh and offer.name_zh in text:
            score += 2
        if score > best_score:
            best, best_score = (offer, program), score
    return best


NOT_AN_ATTRIBUTE = message("这个服务没有此项", "Not an attribute of this service.")
REQUIRED = "Missing data for required field."
REQUIRED_CHOICE = message("必填，取值为其中之一：{choices}", "Required: one of {choices}.")
NOT_A_NUMBER = "Not a valid number."
ONE_OF = "Must be one of: {choices}."
UNKNOWN_VALUES = message("不认识的取值：{values}；应为其中之一：{choices}",
                         "Unknown values: {values}; must be among {choices}.")


def check_attributes(offer: ServiceOffer, values: dict | None) -> dict:
    """Open311 attribute values against the service type's definitions; returns clean values."""
    errors: dict[str, list[str]] = {}
    clean: dict = {}
    values = values or {}
    known = {a["code"]: a for a in offer.attributes}
    for code, value in values.items():
        if code not in known and value not in (None, "", []):
            errors[code] = [NOT_AN_ATTRIBUTE]
    for code, spec in known.items():
        value = values.get(code)
        datatype = spec["datatype"]
        allowed = {v["key"] for v in spec.get("values") or []}
        choices = ", ".join(sorted(allowed))
        if value in (None, "", []):
            if spec.get("required"):
                errors[code] = [REQUIRED_CHOICE.format(choices=choices) if allowed else REQUIRED]
            continue
        if datatype == "number":
            try:
                float(value)
            except (TypeError, ValueError):
                errors[code] = [NOT_A_NUMBER]
                continue
        elif datatype == "singlevaluelist":
            if isinstance(value, list):
                value = value[0] if len(value) == 1 else value
            if isinstance(value, list) or value not in allowed:   # two or more: not one
                errors[code] = [ONE_OF.format(choices=choices)]
                continue
        elif datatype == "multivaluelist":
            value = value if isinstance(value, list) else [value]
            bad = [v for v in value if v not in allowed]
            if bad:
                errors[code] = [UNKNOWN_VALUES.format(values=", ".join(map(str, bad)),
                                                      choices=choices)]
                continue
        clean[code] = value
    if errors:
        raise ValidationError({"attributes": errors})
    return clean


def check_raise(offer: ServiceOffer | None, urgency: str | None) -> None:
    """Staff may raise a request's urgency at the window, never lower it: a class less urgent
    than the service's own, or (for a service without a class) one whose hours are longer than
    the service's time limit, is refused."""
    if not urgency or offer is None:
        return
    if offer.urgency:
        lower = URGENCIES.index(urgency) > URGENCIES.index(offer.urgency)
    else:
        lower = URGENCY_HOURS[urgency] > offer.time_limit_hours
    if lower:
        raise DomainError(
            "urgency_not_a_raise",
            f"紧急程度只能提高：「{label(URGENCY_LABELS, urgency)}」比「{offer.name_zh}」"
            f"的办理时限 {offer.time_limit_hours:g} 小时更长",
            f"Urgency can only be raised: '{label(URGENCY_LABELS, urgency, 'en')}' is longer "
            f"than the {offer.time_limit_hours:g} hours of '{offer.name_en or offer.name_zh}'",
            field="urgency")


KEY_LENGTH = 100   # Case.request_key's column


def stored_request_key(community: str, key: str) -> str:
    """The key as kept: ``<community>/<key>``, or its SHA-256 when that is too long for the
    column, so that two long keys alike at the start are still two requests."""
    whole = f"{community}/{key}"
    if len(whole) <= KEY_LENGTH:
        return whole
    return "sha256:" + hashlib.sha256(whole.encode()).hexdigest()


def register(desk: Desk, data: dict, actor: Actor,
             request_key: str | None = None) -> tuple[Case, bool]:
    """受理: returns (case, created). The same ``request_key`` again, in the same community,
    finds the same case; another community's key is another request. ``urgency`` (staff only)
    raises the case's urgency class, and so shortens its time limit (``check_raise``)."""
    session = desk.session
    request_key = stored_request_key(data["community"], request_key) if request_key else None
    community = desk.registry.community(data["community"])
    if community is None:
        raise DomainError("unknown_community", f"没有「{data['community']}」这个社区",
                          f"No community '{data['community']}'", field="community")
    if actor.staff and actor.staff["community"] != community.id:
        raise Forbidden("other_community", "只能为本社区登记诉求",
                        "Staff register cases for their own community only", field="community")
    try:
        found, attributes = _service_and_attributes(desk, community.id, data)
    except (DomainError, ValidationError):
        # the same request sent again after its service went or changed finds its case still
        existing = sent_before(session, request_key)
        if existing is not None:
            return existing, False
        raise
    urgency = data.get("urgency")
    case = Case(
        tracking_code=new_tracking_code(), request_key=request_key,
        community_id=community.id, channel=data["channel"], status="awaiting_assignment",
        resident_name=data.get("resident_name"), resident_phone=data.get("resident_phone"),
        resident_contact=data.get("resident_contact"), description=data["description"],
        address=data.get("address"), lat=data.get("lat"), long=data.get("long"),
        attributes=attributes, reference=data.get("reference"), owner_id=actor.staff_id,
        urgency=urgency, created_at=desk.now, updated_at=desk.now)
    # the case this request made before (its key sent again), or the open case it repeats, in
    # one look before the case is written (the request is never its own repeat: it has no
    # service yet), so that the case is written once, where it goes
    primary = sent_before_or_repeated(session, case, found[0].code if found else None,
                                      request_key)
    if primary is not None and request_key and primary.request_key == request_key:
        return primary, False
    # written at its first ``desk.write``, once its program (or the station head) is known
    channel = CHANNEL_LABELS[case.channel]        # every way in is one of them
    desk.record(case, actor, "registered", f"渠道：{channel}")
    if urgency:
        desk.record(case, actor, "urgency_raised", label(URGENCY_LABELS, urgency), public=False)

    if primary is not None:
        desk.write(case)
        link_repeat(desk, case, primary, actor)
        return case, True

    if found is not None:
        desk.dispatch(case, *found, actor, None)    # writes the case and its history at once
    else:
        desk.to_station_head(case, actor, "未能确定承办项目，交站长分派")
        desk.write(case)
    desk.notify(case, "receipt", (
        f"您的诉求已受理，查询码 {case.tracking_code}。"
        + (f"预计 {local_minute(case.due_at)} 前办结。" if case.program_id else
           "我们将尽快安排承办人。")), first=True)
    return case, True


def _service_and_attributes(desk: Desk, community_id: str,
                            data: dict) -> tuple[Offer | None, dict]:
    """The service the request names (refused when the community has no such service, or the
    attributes do not fit it), else the one its words fit; and its clean attribute values. An
    urgency is only ever a raise of the service's own (``check_raise``)."""
    found = desk.offer_or_error(community_id, data["service_code"]) \
        if data.get("service_code") else None
    attributes = check_attributes(found[0], data.get("attributes")) if found else \
        (data.get("attributes") or {})
    if found is None:
        found = classify(data["description"], desk.registry.live_offers(community_id))
    check_raise(found[0] if found else None, data.get("urgency"))
    return found, attributes


def submitted(desk: Desk, submission: dict) -> tuple[Case, bool]:
    """``case.submitted``: a program took a request in for a resident (an SMS reply, a call).
    Registered like any other; the request key makes a resubmission find the same case."""
    program_id = (submission.get("reference") or {}).get("program_id")
    actor = Actor(desk.registry.name(program_id, program_id or "项目"))
    resident = submission.get("resident") or {}
    code = submission.get("service_code")
    if code and desk.registry.offer(submission["community"], code) is None:
        code = None  # not offered now: classified from the words, or the station head assigns
    return register(desk, {
        "community": submission["community"], "channel": submission["channel"],
        "description": submission["description"], "resident_name": resident.get("name"),
        "resident_phone": resident.get("phone"), "resident_contact": resident.get("contact"),
        "address": submission.get("address"), "service_code": code,
        "attributes": submission.get("attributes"), "reference": submission.get("reference"),
    }, actor, request_key=f"submitted-{submission['request_key']}")
