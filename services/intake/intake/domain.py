"""The rules of the one window, as plain Python over intake's database.

Receive (受理), act on the resident's behalf (代办), transfer (转办), chase (催办), reply (回复):
every matter has a destination, every case an answer.
"""
import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, or_, select

from minzi.api import Conflict, DomainError, Forbidden, NotFound
from minzi.db import as_utc
from minzi.envelope import isoformat, utcnow
from minzi.logs import mask_phone

from .models import Case, CaseEvent, Community, Notification, Program, ProgramInstance, ServiceOffer

ROLES = ("receptionist", "handler", "station_head", "program_staff", "admin")
ROLE_LABELS = {"receptionist": ("接待员", "Receptionist"), "handler": ("承办人", "Handler"),
               "station_head": ("站长", "Station head"),
               "program_staff": ("项目工作人员", "Program staff"), "admin": ("管理员", "Admin")}
CHANNELS = ("visit", "phone", "letter", "web", "sms", "wechat", "qq", "mailbox", "open311")
CHANNEL_LABELS = {"visit": "来访", "phone": "电话", "letter": "信件", "web": "网上", "sms": "短信",
                  "wechat": "微信", "qq": "QQ", "mailbox": "书记信箱", "open311": "Open311"}
STATUS_LABELS = {
    "awaiting_assignment": ("待站长分派", "Awaiting assignment"),
    "dispatched": ("已转交承办", "Dispatched"),
    "accepted": ("承办中", "In progress"),
    "resolved": ("已办结，待答复", "Resolved, reply pending"),
    "replied": ("已答复", "Replied"),
    "closed": ("已回访结案", "Closed after follow-up"),
    "out_of_scope": ("不属本站职责，已说明并转介", "Out of scope, referred"),
    "duplicate": ("重复诉求，已并案", "Duplicate, linked"),
}
ACTION_LABELS = {
    "registered": ("受理登记", "Registered"), "dispatched": ("转交承办", "Dispatched"),
    "assigned": ("站长分派", "Assigned by the station head"),
    "accepted": ("承办人接收", "Accepted"),
    "accepted_on_behalf": ("首问责任人代为接收", "Accepted on the handler's behalf"),
    "progress": ("办理进展", "Progress"), "transferred": ("转办", "Transferred"),
    "chased": ("催办", "Chased"), "escalated": ("超时升级至站长", "Escalated to the station head"),
    "resolved": ("办结", "Resolved"), "replied": ("答复居民", "Replied to the resident"),
    "followed_up": ("回访", "Follow-up"), "reopened": ("重新办理", "Reopened"),
    "duplicate_linked": ("并入重复诉求", "Linked as a duplicate"),
    "duplicate_received": ("收到重复诉求", "A duplicate was linked"),
    "out_of_scope": ("说明并转介", "Closed as out of scope, referred"),
    "returned": ("承办方退回", "Returned by the program"),
    "program_gone": ("承办项目停止服务", "The program stopped serving"),
    "awaiting_assignment": ("交站长分派", "Sent to the station head"),
    "owner_taken": ("担任首问责任人", "Became the owner"),
}
OPEN_STATUSES = ("awaiting_assignment", "dispatched", "accepted", "resolved")
CHASEABLE = ("awaiting_assignment", "dispatched", "accepted")
CLOSED_FOR_OPEN311 = ("replied", "closed", "out_of_scope", "duplicate")
SMS_CHANNELS = ("sms", "phone", "wechat", "qq", "visit", "letter", "mailbox", "web", "open311")
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PROGRAM_GRACE_FACTOR = 3  # a program is gone after 3 missed heartbeats


@dataclass
class Actor:
    """Who does something: a staff member, a resident (by tracking code), a program, the system."""
    kind: str
    label: str
    staff: dict | None = None

    @classmethod
    def of_staff(cls, staff):
        return cls("staff", f"{staff['name']}（{ROLE_LABELS[staff['role']][0]}）", staff)

    @property
    def staff_id(self):
        return self.staff["id"] if self.staff else None

    @property
    def role(self):
        return self.staff["role"] if self.staff else None


SYSTEM = Actor("system", "系统")
RESIDENT = Actor("resident", "居民")


def hash_secret(value):
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def hash_password(password):
    salt = secrets.token_hex(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt.encode(), n=2 ** 14, r=8, p=1)
    return f"scrypt${salt}${digest.hex()}"


def check_password(password, stored):
    try:
        _, salt, digest = stored.split("$")
    except ValueError:
        return False
    candidate = hashlib.scrypt(password.encode("utf-8"), salt=salt.encode(), n=2 ** 14, r=8, p=1)
    return secrets.compare_digest(candidate.hex(), digest)


def new_tracking_code():
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))


# -- programs and what they offer -------------------------------------------------------------------

class Registry:
    """Which programs are alive and which service types they offer, per community."""

    def __init__(self, session, now=None):
        self.session = session
        self.now = now or utcnow()

    def announce(self, manifest):
        """A program announced itself (or its heartbeat). Returns True if it was not live before."""
        program = self.session.get(Program, manifest["program_id"])
        came_back = program is None or not program.live
        if program is None:
            program = Program(program_id=manifest["program_id"], first_seen=self.now,
                              name_zh=manifest["name"]["zh"], manifest={}, manifest_hash="")
            self.session.add(program)
        program.live = True
        program.last_seen = self.now
        ttl = timedelta(seconds=manifest["heartbeat_seconds"] * PROGRAM_GRACE_FACTOR)
        instance_id = manifest.get("instance_id") or manifest["program_id"]
        instance = self.session.get(ProgramInstance, (program.program_id, instance_id))
        if instance is None:
            self.session.add(ProgramInstance(instance_id=instance_id,
                                             program_id=program.program_id,
                                             expires_at=self.now + ttl))
        else:
            instance.expires_at = self.now + ttl
        comparable = {k: v for k, v in manifest.items() if k != "instance_id"}
        comparable_hash = hashlib.sha256(json.dumps(comparable, sort_keys=True, default=str,
                                                    ensure_ascii=False).encode()).hexdigest()
        if program.manifest_hash != comparable_hash:
            program.manifest_hash = comparable_hash
            program.manifest = comparable
            program.name_zh = manifest["name"]["zh"]
            program.name_en = manifest["name"].get("en")
            program.rpc_service = manifest.get("rpc_service")
            self._replace_offers(program.program_id, manifest)
        return came_back

    def _replace_offers(self, program_id, manifest):
        for offer in self.session.scalars(
                select(ServiceOffer).where(ServiceOffer.program_id == program_id)):
            self.session.delete(offer)
        self.session.flush()
        for community in manifest["communities"]:
            for service in manifest["service_types"]:
                description = service.get("description") or {}
                self.session.add(ServiceOffer(
                    program_id=program_id, community_id=community, code=service["code"],
                    name_zh=service["name"]["zh"], name_en=service["name"].get("en"),
                    description_zh=description.get("zh"), description_en=description.get("en"),
                    group=service.get("group"), keywords=service.get("keywords") or [],
                    time_limit_hours=service["time_limit_hours"],
                    attributes=service.get("attributes") or []))

    def withdraw(self, program_id, instance_id):
        """An instance said goodbye. Returns True if that was the program's last instance."""
        instance = self.session.get(ProgramInstance, (program_id, instance_id or program_id))
        if instance is not None:
            self.session.delete(instance)
            self.session.flush()
        return self._mark_gone_if_no_instance(program_id)

    def expire(self):
        """Programs whose every instance missed its heartbeats; returns their ids."""
        gone = []
        for instance in self.session.scalars(
                select(ProgramInstance).where(ProgramInstance.expires_at < self.now)):
            self.session.delete(instance)
        self.session.flush()
        for program in self.session.scalars(select(Program).where(Program.live.is_(True))):
            if self._mark_gone_if_no_instance(program.program_id):
                gone.append(program.program_id)
        return gone

    def _mark_gone_if_no_instance(self, program_id):
        # locked: two copies of intake noticing at once mark it gone (and tell residents) once
        program = self.session.get(Program, program_id, with_for_update=True,
                                   populate_existing=True)
        if program is None or not program.live:
            return False
        remaining = self.session.scalar(select(ProgramInstance.instance_id).where(
            ProgramInstance.program_id == program_id).limit(1))
        if remaining is None:
            program.live = False
            return True
        return False

    def live_offers(self, community_id):
        rows = self.session.execute(
            select(ServiceOffer, Program)
            .join(Program, Program.program_id == ServiceOffer.program_id)
            .where(ServiceOffer.community_id == community_id, Program.live.is_(True))
            .order_by(Program.first_seen, ServiceOffer.code)).all()
        offers = {}
        for offer, program in rows:
            offers.setdefault(offer.code, (offer, program))  # the first to announce a code wins
        return list(offers.values())

    def offer(self, community_id, code):
        for offer, program in self.live_offers(community_id):
            if offer.code == code:
                return offer, program
        return None

    def programs(self):
        return self.session.scalars(select(Program).order_by(Program.program_id)).all()


def classify(description, offers):
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


def check_attributes(offer, values):
    """Open311 attribute values against the service type's definitions; returns clean values."""
    errors, clean = {}, {}
    values = values or {}
    known = {a["code"]: a for a in offer.attributes}
    for code, value in values.items():
        if code not in known and value not in (None, "", []):
            errors[code] = ["这个服务没有此项 / not an attribute of this service"]
    for code, spec in known.items():
        value = values.get(code)
        if value in (None, "", []):
            if spec.get("required"):
                errors[code] = [f"必填：{spec['description']} / required"]
            continue
        datatype = spec["datatype"]
        allowed = {v["key"] for v in spec.get("values") or []}
        if datatype == "number":
            try:
                float(value)
            except (TypeError, ValueError):
                errors[code] = ["应为数字 / must be a number"]
                continue
        elif datatype == "singlevaluelist":
            if isinstance(value, list):
                value = value[0] if len(value) == 1 else value
            if value not in allowed:
                errors[code] = [f"取值应为其中之一：{', '.join(sorted(allowed))} / must be one of them"]
                continue
        elif datatype == "multivaluelist":
            value = value if isinstance(value, list) else [value]
            bad = [v for v in value if v not in allowed]
            if bad:
                errors[code] = [f"不认识的取值：{', '.join(map(str, bad))} / unknown values"]
                continue
        clean[code] = value
    if errors:
        from marshmallow import ValidationError
        raise ValidationError({"attributes": errors})
    return clean


# -- cases ------------------------------------------------------------------------------------------

class CaseDesk:
    """Every action on a case. ``publish(routing_key, data, community=...)`` writes to the outbox."""

    def __init__(self, session, publish, *, now=None, unassigned_time_limit_hours=24.0):
        self.session = session
        self.publish = publish
        self.now = now or utcnow()
        self.registry = Registry(session, self.now)
        self.unassigned_time_limit_hours = unassigned_time_limit_hours

    # reading
    def _load(self, case_id, lock):
        """``lock``: hold the case's row until the commit, so two changes to one case (two
        reports, two clerks) happen one after the other, each seeing the other's result."""
        if not lock:
            return self.session.get(Case, case_id)
        query = select(Case).where(Case.id == case_id).with_for_update(of=Case)
        return self.session.scalars(query).unique().one_or_none()

    def get(self, case_id, actor=None, lock=False):
        case = self._load(case_id, lock)
        if case is None or (actor and actor.staff and case.community_id != actor.staff["community"]):
            raise NotFound("case_not_found", f"没有编号为 {case_id} 的诉求",
                           f"No case {case_id}", field="case_id")
        return case

    def by_tracking_code(self, code):
        case = self.session.scalar(select(Case).where(Case.tracking_code == (code or "").upper()))
        if case is None:
            raise NotFound("case_not_found", "查询码不存在，请核对", "No case has this tracking code",
                           field="tracking_code")
        return case

    # writing helpers
    def _event(self, case, actor, action, note=None, *, from_status=None, public=True):
        self.session.add(CaseEvent(case=case, at=self.now, actor=actor.label, action=action,
                                   from_status=from_status, to_status=case.status, note=note,
                                   public=public))
        case.updated_at = self.now

    def _move(self, case, status, actor, action, note=None, public=True):
        before = case.status
        case.status = status
        self._event(case, actor, action, note, from_status=before, public=public)

    def _notify(self, case, purpose, body):
        sequence = 1 + sum(1 for n in self.session.scalars(
            select(Notification).where(Notification.case_id == case.id,
                                       Notification.purpose == purpose)))
        channel = "sms" if case.resident_phone and case.channel in SMS_CHANNELS else "tracking"
        self.session.add(Notification(case_id=case.id, purpose=purpose, sequence=sequence,
                                      channel=channel, recipient=case.resident_phone,
                                      body=body, created_at=self.now))

    def _ensure_owner(self, case, actor):
        """首问负责: the first staff member to take a case up is its owner of record."""
        if case.owner_id is None and actor.staff:
            case.owner_id = actor.staff_id
            self._event(case, actor, "owner_taken", public=False)

    def _require(self, actor, *roles):
        if actor.staff is None or (roles and actor.role not in roles):
            raise Forbidden("forbidden", "您的角色无权进行此操作", "Your role may not do this")

    def _require_open(self, case):
        if case.status not in OPEN_STATUSES:
            raise Conflict("case_closed",
                           f"诉求当前状态为「{STATUS_LABELS[case.status][0]}」，不能这样办理",
                           f"The case is {STATUS_LABELS[case.status][1].lower()}", field="status")

    def _dispatch(self, case, offer, program, actor, note, action="dispatched"):
        case.service_code = offer.code
        case.program_id = program.program_id
        case.time_limit_hours = offer.time_limit_hours
        case.dispatched_at = self.now
        case.due_at = self.now + timedelta(hours=offer.time_limit_hours)
        case.chase_level = 0
        case.escalated = False
        case.handler = None
        self._move(case, "dispatched", actor, action,
                   note or f"转交「{program.name_zh}」办理：{offer.name_zh}")
        self.session.flush()
        self.publish(f"case.dispatched.{program.program_id}", {
            "case_id": case.id, "tracking_code": case.tracking_code,
            "program_id": program.program_id, "service_code": offer.code,
            "community": case.community_id, "channel": case.channel,
            "description": case.description, "attributes": case.attributes or {},
            "address": case.address, "lat": case.lat, "long": case.long,
            "resident": {"name": case.resident_name, "phone": case.resident_phone,
                         "contact": case.resident_contact},
            "due_at": isoformat(case.due_at), "note": note,
        }, community=case.community_id)

    def _to_station_head(self, case, actor, note, action="awaiting_assignment"):
        case.program_id = None
        case.time_limit_hours = self.unassigned_time_limit_hours
        case.due_at = self.now + timedelta(hours=self.unassigned_time_limit_hours)
        case.chase_level = 0
        case.escalated = False
        self._move(case, "awaiting_assignment", actor, action, note)

    def _offer_or_error(self, community_id, code, field="service_code"):
        found = self.registry.offer(community_id, code)
        if found is None:
            raise DomainError("unknown_service", f"本社区目前没有「{code}」这项服务",
                              f"No live program offers '{code}' in this community", field=field)
        return found

    # the actions
    def register(self, data, actor, request_key=None):
        """受理: returns (case, created)."""
        if request_key:
            existing = self.session.scalar(select(Case).where(Case.request_key == request_key))
            if existing is not None:
                return existing, False
        community = self.session.get(Community, data["community"])
        if community is None:
            raise DomainError("unknown_community", f"没有「{data['community']}」这个社区",
                              f"No community '{data['community']}'", field="community")
        if actor.staff and actor.staff["community"] != community.id:
            raise Forbidden("other_community", "只能为本社区登记诉求",
                            "Staff register cases for their own community only", field="community")
        found = None
        if data.get("service_code"):
            found = self._offer_or_error(community.id, data["service_code"])
        attributes = check_attributes(found[0], data.get("attributes")) if found else \
            (data.get("attributes") or {})
        if found is None:
            found = classify(data["description"], self.registry.live_offers(community.id))
        case = Case(
            tracking_code=new_tracking_code(), request_key=request_key,
            community_id=community.id, channel=data["channel"], status="awaiting_assignment",
            resident_name=data.get("resident_name"), resident_phone=data.get("resident_phone"),
            resident_contact=data.get("resident_contact"), description=data["description"],
            address=data.get("address"), lat=data.get("lat"), long=data.get("long"),
            attributes=attributes, reference=data.get("reference"), owner_id=actor.staff_id,
            created_at=self.now,
            updated_at=self.now, chase_level=0, reopened_count=0, escalated=False)
        self.session.add(case)
        self._event(case, actor, "registered",
                    f"渠道：{CHANNEL_LABELS.get(case.channel, case.channel)}")
        self.session.flush()

        primary = self._open_duplicate_of(case, found[0].code if found else None)
        if primary is not None:
            case.duplicate_of_id = primary.id
            case.service_code, case.program_id = primary.service_code, primary.program_id
            self._move(case, "duplicate", actor, "duplicate_linked",
                       f"与诉求 {primary.tracking_code} 相同，已并案办理")
            self._event(primary, actor, "duplicate_received",
                        f"重复诉求 {case.tracking_code} 已并入本件")
            self._notify(case, "receipt", (
                f"您的诉求已受理（查询码 {case.tracking_code}）。同一事项已在办理中"
                f"（{primary.tracking_code}），我们将一并答复您。"))
            return case, True

        if found is not None:
            offer, program = found
            self._dispatch(case, offer, program, actor, None)
        else:
            self._to_station_head(case, actor, "未能确定承办项目，交站长分派")
        self._notify(case, "receipt", (
            f"您的诉求已受理，查询码 {case.tracking_code}。"
            + (f"预计 {_local(case.due_at)} 前办结。" if case.program_id else
               "我们将尽快安排承办人。")))
        return case, True

    def _open_duplicate_of(self, case, service_code):
        """The open case this one repeats: same service type and community, and the same phone
        or the same address (ignoring spaces and case)."""
        if not service_code or not (case.resident_phone or case.address):
            return None
        same_person_or_place = []
        if case.resident_phone:
            same_person_or_place.append(Case.resident_phone == case.resident_phone)
        if case.address:
            same_person_or_place.append(
                func.lower(func.replace(func.replace(Case.address, " ", ""), "\u3000", ""))
                == _normalise(case.address))
        query = select(Case.id).where(
            Case.community_id == case.community_id, Case.service_code == service_code,
            Case.status.in_(OPEN_STATUSES), Case.id != case.id, or_(*same_person_or_place))
        first = self.session.scalar(query.order_by(Case.id).limit(1))
        return self.session.get(Case, first) if first is not None else None

    def assign(self, case, actor, service_code, note=None):
        """The station head picks the program (站长分派)."""
        self._require(actor, "station_head", "admin")
        self._require_open(case)
        if case.status == "accepted":
            raise Conflict("already_accepted", "诉求已有人承办，请用转办", "Already accepted: transfer it",
                           field="status")
        offer, program = self._offer_or_error(case.community_id, service_code)
        self._ensure_owner(case, actor)
        if case.program_id and case.program_id != program.program_id:
            self._recall(case, note or "站长改派")
        self._dispatch(case, offer, program, actor, note, action="assigned")

    def accept(self, case, actor, handler=None, on_behalf_of=None, note=None):
        """The handler takes the case; or the owner accepts for an absent handler (代为接收)."""
        self._require(actor)
        if case.status != "dispatched":
            raise Conflict("not_dispatched", "只有已转交、未接收的诉求可以接收",
                           "Only a dispatched case can be accepted", field="status")
        program_staff = actor.role in ("handler", "program_staff") and \
            actor.staff.get("program_id") == case.program_id
        if on_behalf_of:
            if case.owner_id not in (None, actor.staff_id) and \
                    actor.role not in ("station_head", "admin"):
                raise Forbidden("not_owner", "只有首问责任人或站长可以代为接收",
                                "Only the owner or the station head accepts on a handler's behalf")
            self._ensure_owner(case, actor)
            case.handler = on_behalf_of
            action, text = "accepted_on_behalf", f"承办人 {on_behalf_of} 不在，代为接收并转交"
        else:
            if not program_staff and actor.role not in ("station_head", "admin"):
                raise Forbidden("not_handler", "只有承办项目的工作人员可以接收",
                                "Only the program's staff accept its cases")
            case.handler = handler or actor.staff["name"]
            action, text = "accepted", f"承办人：{case.handler}"
        case.first_response_at = case.first_response_at or self.now
        self._move(case, "accepted", actor, action, _join(text, note))

    def transfer(self, case, actor, service_code, note):
        """转办: to the program that owns another service type."""
        self._require(actor)
        self._require_open(case)
        if case.status == "resolved":
            raise Conflict("already_resolved", "诉求已办结，不能转办", "Already resolved", field="status")
        offer, program = self._offer_or_error(case.community_id, service_code)
        if case.service_code == service_code:
            raise DomainError("same_service", "已经是这个服务项目", "The case is already there",
                              field="service_code")
        self._ensure_owner(case, actor)
        if case.program_id:
            self._recall(case, note)
        self._dispatch(case, offer, program, actor, f"转办：{note}", action="transferred")

    def _recall(self, case, note):
        self.publish(f"case.recalled.{case.program_id}", {
            "case_id": case.id, "tracking_code": case.tracking_code,
            "program_id": case.program_id, "note": note}, community=case.community_id)

    def chase(self, case, actor, note=None, level=1):
        """催办: a reminder to the handler; level 2 escalates to the station head."""
        if case.status not in CHASEABLE:
            raise Conflict("not_chaseable", "只有办理中的诉求可以催办", "Only open cases can be chased",
                           field="status")
        case.chase_level = max(case.chase_level, level)
        if level >= 2:
            case.escalated = True
            self._event(case, actor, "escalated", note, public=False)
        else:
            self._event(case, actor, "chased", note, public=False)
        if case.program_id:
            self.publish(f"case.chased.{case.program_id}", {
                "case_id": case.id, "tracking_code": case.tracking_code,
                "program_id": case.program_id, "level": level, "note": note},
                community=case.community_id)

    def chase_overdue(self):
        """Automatic chasing: a reminder when the time limit passes, escalation after half again."""
        chased = []
        query = select(Case).where(Case.status.in_(CHASEABLE), Case.due_at < self.now,
                                   Case.chase_level < 2).order_by(Case.id)
        if self.session.bind.dialect.name == "postgresql":
            # copies of intake chase side by side: each case is chased by one of them
            query = query.with_for_update(skip_locked=True, of=Case)
        for case in self.session.scalars(query).unique():
            limit = timedelta(hours=case.time_limit_hours or self.unassigned_time_limit_hours)
            overdue_by = self.now - as_utc(case.due_at)
            if case.status == "awaiting_assignment" or overdue_by >= limit / 2:
                self.chase(case, SYSTEM, f"超过办理时限 {_hours(overdue_by)}，升级至站长督办", level=2)
                chased.append((case.id, 2))
            elif case.chase_level < 1:
                self.chase(case, SYSTEM, f"已超过办理时限（应于 {_local(case.due_at)} 前办结），请尽快办理",
                           level=1)
                chased.append((case.id, 1))
        return chased

    def resolve(self, case, actor, result, handler=None):
        """办结: the answer is known (from the handler, or the owner answering at once)."""
        if case.status not in ("awaiting_assignment", "dispatched", "accepted"):
            self._require_open(case)
            raise Conflict("already_resolved", "诉求已办结", "Already resolved", field="status")
        if actor.staff:
            self._ensure_owner(case, actor)
        case.result = result
        case.handler = handler or case.handler
        case.resolved_at = self.now
        case.first_response_at = case.first_response_at or self.now
        self._move(case, "resolved", actor, "resolved", result)

    def reply(self, case, actor, text):
        """答复: the owner tells the resident, on the resident's channel."""
        self._require(actor)
        if case.status != "resolved":
            raise Conflict("not_resolved", "诉求办结后才能答复居民", "Reply once the case is resolved",
                           field="status")
        if case.owner_id not in (None, actor.staff_id) and actor.role not in ("station_head", "admin"):
            raise Forbidden("not_owner", "应由首问责任人答复居民", "The owner replies to the resident")
        self._ensure_owner(case, actor)
        self._send_reply(case, actor, text)

    def _send_reply(self, case, actor, text):
        case.reply = text
        case.replied_at = self.now
        self._move(case, "replied", actor, "replied", text)
        self._notify(case, "reply", f"【彩虹城社区服务站】您的诉求（{case.tracking_code}）答复：{text}")
        for twin in self.session.scalars(select(Case).where(Case.duplicate_of_id == case.id)):
            twin.reply, twin.replied_at = text, self.now
            self._event(twin, actor, "replied", text)
            self._notify(twin, "reply", f"【彩虹城社区服务站】您的诉求（{twin.tracking_code}）答复：{text}")

    def follow_up(self, case, actor, resolved, satisfied, note=None):
        """回访: did it get solved, is the resident satisfied."""
        if case.status not in ("replied", "closed"):
            raise Conflict("not_replied", "答复居民后才能回访", "Follow up after the reply",
                           field="status")
        case.followup_resolved = resolved
        case.followup_satisfied = satisfied
        case.closed_at = self.now
        verdict = f"{'已解决' if resolved else '未解决'}，{'满意' if satisfied else '不满意'}"
        self._move(case, "closed", actor, "followed_up", _join(verdict, note))

    def reopen(self, case, actor, note):
        """重新办理: the resident is not satisfied, or the answer did not hold."""
        if case.status not in ("replied", "closed"):
            raise Conflict("not_reopenable", "只有已答复或已结案的诉求可以重新办理",
                           "Only a replied or closed case can be reopened", field="status")
        case.reopened_count += 1
        case.closed_at = None
        case.resolved_at = None
        case.replied_at = None
        found = self.registry.offer(case.community_id, case.service_code) \
            if case.service_code else None
        self._event(case, actor, "reopened", note)
        if found:
            self._dispatch(case, *found, actor, f"重新办理：{note}")
        else:
            self._to_station_head(case, actor, f"重新办理：{note}")

    def mark_duplicate(self, case, actor, primary):
        self._require(actor)
        self._require_open(case)
        if primary.id == case.id or primary.status not in OPEN_STATUSES or \
                primary.community_id != case.community_id:
            raise DomainError("bad_duplicate", "只能并入本社区另一件办理中的诉求",
                              "Link to another open case of the same community",
                              field="duplicate_of")
        if case.program_id:
            self._recall(case, f"并入 {primary.tracking_code}")
        case.duplicate_of_id = primary.id
        self._move(case, "duplicate", actor, "duplicate_linked",
                   f"与诉求 {primary.tracking_code} 相同，已并案办理")
        self._event(primary, actor, "duplicate_received", f"重复诉求 {case.tracking_code} 已并入本件")
        self._notify(case, "duplicate",
                     f"您的诉求（{case.tracking_code}）与正在办理的 {primary.tracking_code} 相同，将一并答复您。")

    def close_out_of_scope(self, case, actor, explanation, referral):
        """Never a bare "not our business": an explanation and who can help."""
        self._require(actor)
        self._require_open(case)
        if case.program_id:
            self._recall(case, explanation)
        self._ensure_owner(case, actor)
        case.explanation, case.referral = explanation, referral
        case.replied_at = case.closed_at = self.now
        case.first_response_at = case.first_response_at or self.now
        case.reply = f"{explanation} 建议您联系：{referral}"
        self._move(case, "out_of_scope", actor, "out_of_scope", case.reply)
        self._notify(case, "reply",
                     f"【彩虹城社区服务站】您的诉求（{case.tracking_code}）：{case.reply}")

    # what programs say
    def apply_report(self, report):
        """A program's ``case.reported``. Returns False when it is ignored (stale or foreign)."""
        case = self._load(report["case_id"], lock=True)
        if case is None or case.program_id != report["program_id"] or \
                case.status not in ("dispatched", "accepted"):
            return False
        program = self.session.get(Program, report["program_id"])
        actor = Actor("program", f"{program.name_zh if program else report['program_id']}"
                                 + (f"·{report['handler']}" if report.get("handler") else ""))
        status = report["status"]
        if status == "accepted":
            if case.status == "accepted":
                return False
            case.handler = report.get("handler") or case.handler
            case.first_response_at = case.first_response_at or self.now
            self._move(case, "accepted", actor, "accepted", report.get("note"))
        elif status == "in_progress":
            self._event(case, actor, "progress", report.get("note"))
        elif status == "resolved":
            self.resolve(case, actor, report["result"], handler=report.get("handler"))
            if case.owner_id is None:  # nobody at the window took it up: answer straight away
                self._send_reply(case, actor, report.get("reply") or report["result"])
            elif report.get("reply"):
                case.reply = report["reply"]  # a draft for the owner
        elif status == "returned":
            self._event(case, actor, "returned", report["note"])
            self._to_station_head(case, actor, f"承办方退回：{report['note']}")
        return True

    def submitted(self, submission):
        """``case.submitted``: a program took a request in for a resident (an SMS reply, a call).
        Registered like any other; the request key makes a resubmission find the same case."""
        program_id = (submission.get("reference") or {}).get("program_id")
        program = self.session.get(Program, program_id) if program_id else None
        actor = Actor("program", program.name_zh if program else (program_id or "项目"))
        resident = submission.get("resident") or {}
        code = submission.get("service_code")
        if code and self.registry.offer(submission["community"], code) is None:
            code = None  # not offered now: classified from the words, or the station head assigns
        return self.register({
            "community": submission["community"], "channel": submission["channel"],
            "description": submission["description"], "resident_name": resident.get("name"),
            "resident_phone": resident.get("phone"), "resident_contact": resident.get("contact"),
            "address": submission.get("address"), "service_code": code,
            "attributes": submission.get("attributes"), "reference": submission.get("reference"),
        }, actor, request_key=f"submitted-{submission['request_key']}")

    def program_gone(self, program_id):
        """The program stopped serving: its unaccepted cases go back to the station head and the
        resident is told, rather than left waiting."""
        program = self.session.get(Program, program_id)
        name = program.name_zh if program else program_id
        moved = []
        for case in self.session.scalars(select(Case).where(
                Case.program_id == program_id, Case.status == "dispatched")):
            self._to_station_head(case, SYSTEM, f"「{name}」暂停服务，改由站长另行安排",
                                  action="program_gone")
            self._notify(case, "program_gone", (
                f"【彩虹城社区服务站】原定承办您诉求（{case.tracking_code}）的「{name}」暂停服务，"
                "站长正在另行安排，我们会尽快答复您。"))
            moved.append(case.id)
        return moved


def _join(*parts):
    return "；".join(p for p in parts if p)


def _normalise(text):
    """An address compared without its spaces, half- or full-width, and without case."""
    return (text or "").replace(" ", "").replace("\u3000", "").lower()


def _local(moment):
    """Beijing time for residents' messages."""
    return (as_utc(moment) + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")


def _hours(delta):
    hours = delta.total_seconds() / 3600
    return f"{hours:.1f} 小时" if hours >= 1 else f"{max(1, int(delta.total_seconds() // 60))} 分钟"


# -- views ------------------------------------------------------------------------------------------

def can_see_personal_data(case, staff):
    if staff is None:
        return False
    return staff["role"] in ("receptionist", "station_head", "admin") or \
        case.owner_id == staff["id"] or staff.get("program_id") == case.program_id


def case_view(case, staff=None, lang="zh", with_history=False):
    show = can_see_personal_data(case, staff)
    label = STATUS_LABELS[case.status][0 if lang == "zh" else 1]
    view = {
        "id": case.id, "tracking_code": case.tracking_code, "community": case.community_id,
        "channel": case.channel, "status": case.status, "status_label": label,
        "description": case.description, "service_code": case.service_code,
        "program_id": case.program_id, "owner_id": case.owner_id,
        "owner": case.owner.name if case.owner else None, "handler": case.handler,
        "resident_name": case.resident_name,
        "resident_phone": case.resident_phone if show else mask_phone(case.resident_phone),
        "resident_contact": case.resident_contact if show else None,
        "address": case.address, "lat": case.lat, "long": case.long,
        "attributes": case.attributes or {}, "reference": case.reference,
        "due_at": isoformat(case.due_at), "overdue": bool(
            case.due_at and case.status in CHASEABLE and as_utc(case.due_at) < utcnow()),
        "chase_level": case.chase_level, "escalated": case.escalated,
        "duplicate_of": case.duplicate_of_id, "result": case.result, "reply": case.reply,
        "explanation": case.explanation, "referral": case.referral,
        "followup_resolved": case.followup_resolved, "followup_satisfied": case.followup_satisfied,
        "reopened_count": case.reopened_count,
        "created_at": isoformat(case.created_at), "resolved_at": isoformat(case.resolved_at),
        "replied_at": isoformat(case.replied_at), "closed_at": isoformat(case.closed_at),
    }
    if with_history:
        view["history"] = [event_view(e, lang) for e in case.events]
    return view


def event_view(event, lang="zh"):
    labels = ACTION_LABELS.get(event.action, (event.action, event.action))
    return {"at": isoformat(event.at), "actor": event.actor, "action": event.action,
            "action_label": labels[0 if lang == "zh" else 1], "from_status": event.from_status,
            "to_status": event.to_status, "note": event.note}


def tracking_view(case, session, lang="zh"):
    """What a resident sees with the tracking code: no staff names, no other person's data."""
    primary = session.get(Case, case.duplicate_of_id) if case.duplicate_of_id else None
    program = session.get(Program, case.program_id) if case.program_id else None
    return {
        "tracking_code": case.tracking_code, "status": case.status,
        "status_label": STATUS_LABELS[case.status][0 if lang == "zh" else 1],
        "description": case.description,
        "program": (program.name_zh if lang == "zh" else program.name_en or program.name_zh)
        if program else None,
        "created_at": isoformat(case.created_at), "expected_at": isoformat(case.due_at)
        if case.status in OPEN_STATUSES else None,
        "reply": case.reply, "duplicate_of": primary.tracking_code if primary else None,
        "can_give_feedback": case.status == "replied",
        "history": [{"at": isoformat(e.at),
                     "action": ACTION_LABELS.get(e.action, (e.action, e.action))[
                         0 if lang == "zh" else 1]}
                    for e in case.events if e.public],
    }


# -- figures ----------------------------------------------------------------------------------------

def figures(cases, group_by=("program", "month", "community")):
    """三率 and the on-time rate, as 12345 hotlines are judged, grouped as asked.

    response rate     cases that got a first response (accepted or answered) / cases received
    resolution rate   follow-ups that said "resolved" / follow-ups
    satisfaction rate follow-ups that said "satisfied" / follow-ups
    on-time rate      cases resolved by their deadline / cases resolved
    Duplicates are counted with the case they repeat, not again.
    """
    groups = {}
    for case in cases:
        if case.status == "duplicate":
            continue
        key_parts = {"program": case.program_id or "(未分派)",
                     "month": (as_utc(case.created_at) + timedelta(hours=8)).strftime("%Y-%m"),
                     "community": case.community_id}
        key = tuple(key_parts[g] for g in group_by)
        row = groups.setdefault(key, {**{g: key_parts[g] for g in group_by}, "received": 0,
                                      "responded": 0, "resolved": 0, "resolved_on_time": 0,
                                      "followed_up": 0, "followup_resolved": 0, "satisfied": 0})
        row["received"] += 1
        if case.first_response_at:
            row["responded"] += 1
        if case.resolved_at or case.status in ("replied", "closed", "out_of_scope"):
            row["resolved"] += 1
            done = as_utc(case.resolved_at or case.replied_at)
            if case.due_at is None or (done and done <= as_utc(case.due_at)):
                row["resolved_on_time"] += 1
        if case.followup_resolved is not None:
            row["followed_up"] += 1
            row["followup_resolved"] += int(bool(case.followup_resolved))
            row["satisfied"] += int(bool(case.followup_satisfied))
    out = []
    for key in sorted(groups):
        row = groups[key]
        row["response_rate"] = _rate(row["responded"], row["received"])
        row["resolution_rate"] = _rate(row["followup_resolved"], row["followed_up"])
        row["satisfaction_rate"] = _rate(row["satisfied"], row["followed_up"])
        row["on_time_rate"] = _rate(row["resolved_on_time"], row["resolved"])
        out.append(row)
    return out


def case_counts(session, now=None):
    now = now or utcnow()
    open_rows = session.execute(
        select(Case.community_id, Case.program_id, Case.status, func.count())
        .where(Case.status.in_(OPEN_STATUSES))
        .group_by(Case.community_id, Case.program_id, Case.status)).all()
    overdue_rows = session.execute(
        select(Case.community_id, Case.program_id, func.count())
        .where(Case.status.in_(CHASEABLE), Case.due_at < now)
        .group_by(Case.community_id, Case.program_id)).all()
    return {"open": [{"community": c, "program": p or "", "status": s, "count": n}
                     for c, p, s, n in open_rows],
            "overdue": [{"community": c, "program": p or "", "count": n}
                        for c, p, n in overdue_rows]}


def _rate(part, whole):
    return None if not whole else round(part / whole, 4)
