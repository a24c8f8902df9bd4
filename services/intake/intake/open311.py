"""Open311 GeoReport v2 over intake's cases: https://wiki.open311.org/GeoReport_v2

The gateway speaks HTTP (JSON or XML, form-encoded POST); this module answers in plain dicts.

What anyone may read here is what a public map of the community's requests would show: requests
that came in through Open311 only (not a resident's visit to the desk), under a public
``service_request_id`` that is not the resident's tracking code, without the exact address or
the reply, and with phones and ID numbers in the description masked. The tracking code, which
lets the resident follow and rate their own case, goes only to the client that posted the
request (in its ``service_notice``) and to the resident by SMS.
"""
from datetime import UTC, datetime, timedelta

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi import schemas
from minzi.api import DomainError, NotFound, Query
from minzi.envelope import isoformat
from minzi.i18n import label, message, pick
from minzi.logs import mask

from .domain.access import Actor
from .domain.accounts import check_api_key
from .domain.desk import Desk
from .domain.labels import CLOSED_FOR_OPEN311, STATUS_LABELS
from .domain.registration import register
from .domain.registry import Registry
from .models import Case, Community, Program, ServiceOffer

DEFAULT_WINDOW = timedelta(days=90)   # the spec's default for a list without dates
MOST_REQUESTS = 1000


NO_LOCATION = message("须提供位置：经纬度（lat 和 long）、address_string 或 address_id",
                      "Give lat and long, address_string or address_id.")


class Open311Post(Schema):
    """A POST's form; what else it carries (api_key, jurisdiction_id, attribute[...]) is read
    elsewhere."""

    class Meta:
        unknown = EXCLUDE

    service_code = fields.String(required=True, validate=validate.Length(max=61))
    lat = fields.Float(load_default=None, validate=validate.Range(-90, 90))
    long = fields.Float(load_default=None, validate=validate.Range(-180, 180))
    address_string = fields.String(load_default=None, validate=validate.Length(max=300))
    address_id = fields.String(load_default=None, validate=validate.Length(max=300))
    email = fields.Email(load_default=None, validate=validate.Length(max=200))  # its column
    device_id = fields.String(load_default=None, validate=validate.Length(max=100))
    account_id = fields.String(load_default=None, validate=validate.Length(max=100))
    first_name = fields.String(load_default=None, validate=validate.Length(max=50))
    last_name = fields.String(load_default=None, validate=validate.Length(max=50))
    phone = fields.String(load_default=None, validate=validate.Regexp(
        r"^\+?[0-9][0-9\- ]{4,19}$", error=message("电话号码格式不对", "Not a phone number.")))
    description = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    media_url = fields.Url(load_default=None)

    @validates_schema
    def _location(self, data: dict, **_: object) -> None:
        has_point = data.get("lat") is not None and data.get("long") is not None
        if not (has_point or data.get("address_string") or data.get("address_id")):
            raise ValidationError(NO_LOCATION, "address_string")


class RequestsQuery(Query):
    # comma-separated lists
    service_request_id = fields.String(load_default=None, validate=validate.Length(max=2000))
    service_code = fields.String(load_default=None, validate=validate.Length(max=2000))
    start_date = fields.AwareDateTime(load_default=None, default_timezone=UTC)
    end_date = fields.AwareDateTime(load_default=None, default_timezone=UTC)
    status = fields.String(load_default=None, validate=validate.OneOf(("open", "closed")))


def answer(desk: Desk, operation: str, jurisdiction: Community, args: dict, form: dict,
           attributes: dict, request_key: str | None, lang: str) -> tuple[int, object]:
    """One Open311 operation (services, definition, requests, request, create) in the
    jurisdiction: ``(status, body)``."""
    session, community = desk.session, jurisdiction.id
    if operation == "services":
        return 200, services(session, community, lang)
    if operation == "definition":
        return 200, definition(session, community, args["service_code"])
    if operation == "requests":
        return 200, requests(session, community, args, lang, desk.now)
    if operation == "request":
        return 200, one_request(session, community, args["service_request_id"], lang)
    if operation == "create":
        check_api_key(session, form.get("api_key"), community)
        return 201, create(desk, community, form, attributes, request_key, lang)
    raise DomainError("operation", f"没有「{operation}」这个操作",
                      f"No operation '{operation}'")


def community_or_404(registry: Registry, jurisdiction_id: str | None,
                     default: str) -> Community:
    """The jurisdiction asked for (the default community when none is named), read with its
    live services."""
    community = registry.community(jurisdiction_id or default)
    if community is None:
        raise NotFound("jurisdiction_id", f"没有「{jurisdiction_id}」这个辖区（jurisdiction_id）",
                       f"No jurisdiction '{jurisdiction_id}'", field="jurisdiction_id")
    return community


def services(session: Session, community_id: str, lang: str = "zh") -> list[dict]:
    """Each name in the reader's language (the Chinese where a program gave no English)."""
    def named(zh: str | None, en: str | None) -> str | None:
        return pick(lang, zh, en or zh)
    return [{
        "service_code": offer.code,
        "service_name": named(offer.name_zh, offer.name_en),
        "description": pick(lang, offer.description_zh or offer.name_zh,
                            offer.description_en or offer.name_en or offer.description_zh
                            or offer.name_zh),
        "metadata": bool(offer.attributes), "type": "realtime",
        "keywords": ",".join(offer.keywords or []),
        "group": offer.group or named(program.name_zh, program.name_en),
    } for offer, program in Registry(session).live_offers(community_id)]


def definition(session: Session, community_id: str, code: str) -> dict:
    found = Registry(session).offer(community_id, code)
    if found is None:
        raise NotFound("service_code", f"没有「{code}」这项服务（service_code）",
                       f"No service '{code}'", field="service_code")
    return {"service_code": code, "attributes": [{
        "variable": a.get("variable", True), "code": a["code"], "datatype": a["datatype"],
        "required": a.get("required", False),
        "datatype_description": a.get("datatype_description"), "order": a.get("order", 0),
        "description": a["description"], "values": a.get("values") or []}
        for a in sorted(found[0].attributes, key=lambda a: a.get("order", 0))]}


def create(desk: Desk, community_id: str, form: dict, attributes: dict,
           request_key: str | None, lang: str = "zh") -> list[dict]:
    data = schemas.load(Open311Post, form)
    if desk.registry.offer(community_id, data["service_code"]) is None:
        raise NotFound("service_code", f"没有「{data['service_code']}」这项服务（service_code）",
                       f"No service '{data['service_code']}'", field="service_code")
    name = " ".join(p for p in (data.get("last_name"), data.get("first_name")) if p) or None
    case, _ = register(desk, {
        "community": community_id, "channel": "open311", "description": data["description"],
        "resident_name": name, "resident_phone": data.get("phone"),
        "resident_contact": data.get("email"), "address": data.get("address_string"),
        "lat": data.get("lat"), "long": data.get("long"),
        "service_code": data["service_code"], "attributes": attributes,
    }, Actor("居民（Open311）"), request_key)
    # exactly GeoReport v2's answer; the notice, read by the resident who posted it, carries
    # their tracking code
    return [{"service_request_id": case.public_id, "service_notice": notice(case, lang),
             "account_id": None}]


def notice(case: Case, lang: str = "zh") -> str:
    code = case.tracking_code
    if case.status == "duplicate":
        return pick(lang, f"同一事项已在办理，将一并答复；查询码 {code}",
                    f"Already being handled; you will get the same answer; tracking code {code}")
    return pick(lang, f"已受理，查询码 {code}", f"Received; tracking code {code}")


PUBLIC_NOTICE = ("社区服务站已受理", "Received by the community service station")
COORDINATE_PLACES = 3   # about 100 m: the block, not the door


# what a public request shows of a case
PUBLIC_COLUMNS = (Case.public_id, Case.status, Case.service_code, Case.program_id,
                  Case.description, Case.created_at, Case.updated_at, Case.due_at, Case.lat,
                  Case.long)


class PublicNames:
    """The names public requests show, read once for a jurisdiction in the reader's language:
    each program's, each of its services', and the service station's for a request no program
    has yet."""

    def __init__(self, programs: dict, services: dict, station: str) -> None:
        self.programs, self.services, self.station = programs, services, station

    @classmethod
    def read(cls, session: Session, community_id: str, lang: str) -> "PublicNames":
        programs = {p.program_id: pick(lang, p.name_zh, p.name_en or p.name_zh)
                    for p in session.scalars(select(Program))}
        services = {(o.program_id, o.code): pick(lang, o.name_zh, o.name_en or o.name_zh)
                    for o in session.scalars(select(ServiceOffer).where(
                        ServiceOffer.community_id == community_id))}
        community = session.get(Community, community_id)
        station = pick(lang, f"{community.name_zh}服务站",
                       f"{community.name_en or community.name_zh} service station")
        return cls(programs, services, station)


def request_view(case: Case, session: Session, lang: str = "zh") -> dict:
    """A request as the public sees it."""
    return public_view(case, PublicNames.read(session, case.community_id, lang), lang)


def public_view(case, names: PublicNames, lang: str = "zh") -> dict:
    """``case`` (a case, or a row of ``PUBLIC_COLUMNS``) as the public sees it."""
    program = names.programs.get(case.program_id)
    service = names.services.get((case.program_id, case.service_code)) \
        if program is not None else None
    return {
        "service_request_id": case.public_id,
        "status": "closed" if case.status in CLOSED_FOR_OPEN311 else "open",
        "status_notes": label(STATUS_LABELS, case.status, lang),
        "service_name": service,
        "service_code": case.service_code,
        "description": mask(case.description),
        # the program the request is with, else the community's service station
        "agency_responsible": program if program is not None else names.station,
        "service_notice": pick(lang, *PUBLIC_NOTICE),
        "requested_datetime": isoformat(case.created_at),
        "updated_datetime": isoformat(case.updated_at),
        "expected_datetime": isoformat(case.due_at),
        "address": None, "address_id": None, "zipcode": None,
        "lat": _coarse(case.lat), "long": _coarse(case.long), "media_url": None,
    }


def _coarse(coordinate: float | None) -> float | None:
    return None if coordinate is None else round(coordinate, COORDINATE_PLACES)


def requests(session: Session, community_id: str, args: dict, lang: str,
             now: datetime) -> list[dict]:
    """The requests of a jurisdiction, newest first; without dates, those of the last 90 days
    before ``now``."""
    q = schemas.load(RequestsQuery, args)
    # only the columns a public request shows, as plain rows: a list of up to 1,000 is built
    # without making an ORM object of each case (no owner: the public see no staff)
    query = select(*PUBLIC_COLUMNS).where(Case.community_id == community_id,
                                          Case.channel == "open311")
    if q.get("service_request_id"):
        ids = [i.strip().upper() for i in q["service_request_id"].split(",") if i.strip()]
        query = query.where(Case.public_id.in_(ids))
    else:
        if q.get("service_code"):
            query = query.where(Case.service_code.in_(q["service_code"].split(",")))
        if q.get("status") == "closed":
            query = query.where(Case.status.in_(CLOSED_FOR_OPEN311))
        elif q.get("status") == "open":
            query = query.where(Case.status.notin_(CLOSED_FOR_OPEN311))
        if q.get("start_date"):
            query = query.where(Case.created_at >= q["start_date"])
        if q.get("end_date"):
            query = query.where(Case.created_at <= q["end_date"])
        if not q.get("start_date") and not q.get("end_date"):
            # the spec's default window: the last 90 days, at most 1000 requests
            query = query.where(Case.created_at >= now - DEFAULT_WINDOW)
    rows = session.execute(query.order_by(Case.created_at.desc()).limit(MOST_REQUESTS)).all()
    if not rows:
        return []
    names = PublicNames.read(session, community_id, lang)
    return [public_view(row, names, lang) for row in rows]


def one_request(session: Session, community_id: str, code: str, lang: str = "zh") -> list[dict]:
    case = session.scalar(select(Case).where(Case.community_id == community_id,
                                             Case.channel == "open311",
                                             Case.public_id == (code or "").upper()))
    if case is None:
        raise NotFound("service_request_id", f"没有「{code}」这件诉求（service_request_id）",
                       f"No request '{code}'", field="service_request_id")
    return [request_view(case, session, lang)]
