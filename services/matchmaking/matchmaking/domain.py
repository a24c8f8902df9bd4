"""The matchmaking studio's rules, as plain Python: no nameko here.

Every function that changes something takes ``uow`` (the store's transaction: ``.session`` and
``.publish``), the community, the acting staff member ``actor`` ({"id", "name"}) and ``now``, and
writes an ``Activity`` row saying who did what, when. A rule that says no raises a ``DomainError``
before anything is written, and the transaction is rolled back by the caller.

The rule everything else leans on: a member is seen by nobody but the studio's staff until the
police station has verified their identity. Only verified members are listed as candidates, and
only verified members can be introduced.
"""
from collections import defaultdict
from datetime import UTC, datetime, time, timedelta, timezone

from sqlalchemy import func, or_, select

from minzi.api import Conflict, DomainError, Forbidden, NotFound
from minzi.db import as_utc

from .models import (
    Activity,
    Consultation,
    Introduction,
    Member,
    OutcomeStep,
    ProgramCase,
    Verification,
)

PROGRAM_ID = "matchmaking"
OPERATOR_ROLES = ("program_staff", "handler")
BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
BUS_ACTOR = {"id": None, "name": "intake"}

GENDERS = {"male": ("男", "Male"), "female": ("女", "Female")}
# the legal age of marriage in China (婚姻法 / 民法典 第1047条)
MARRIAGE_AGE = {"male": 22, "female": 20}
EDUCATION = {
    "primary": ("小学", "Primary school"),
    "junior_high": ("初中", "Junior high school"),
    "senior_high": ("高中 / 中专", "Senior high / vocational school"),
    "college": ("大专", "College"),
    "bachelor": ("本科", "Bachelor's degree"),
    "master": ("硕士", "Master's degree"),
    "doctorate": ("博士", "Doctorate"),
}
MEMBER_STATUSES = {
    "pending": ("待核实", "Awaiting verification"),
    "verified": ("已核实", "Verified"),
    "rejected": ("核实未通过", "Verification failed"),
    "withdrawn": ("已退出", "Withdrawn"),
}
TOPICS = {
    "registration": ("登记咨询", "Registering"),
    "matching": ("择偶与介绍", "Finding a match"),
    "relationship": ("交往与情感", "Dating and relationships"),
    "family": ("家庭与父母", "Family and parents"),
    "follow_up": ("回访跟进", "Follow-up"),
    "other": ("其他", "Other"),
}
OUTCOMES = {
    "pending": ("待见面", "Not met yet"),
    "met": ("已见面", "Met"),
    "dating": ("交往中", "Dating"),
    "married": ("已结婚", "Married"),
    "ended": ("已结束", "Ended"),
}
# how far along an introduction is; "ended" may follow any open stage
_STAGE = {"pending": 0, "met": 1, "dating": 2, "married": 3}
FINAL_OUTCOMES = ("married", "ended")
VERIFICATION_RESULTS = {"verified": ("核实通过", "Verified"),
                        "rejected": ("核实未通过", "Rejected")}
IDENTITY_FIELDS = ("name", "gender", "birth_date", "id_number")
PROFILE_FIELDS = ("name", "gender", "birth_date", "phone", "id_number", "education",
                  "occupation", "introduction", "looking_for")


def label(table, code, lang="zh"):
    names = table.get(code)
    if names is None:
        return code
    return names[0] if lang == "zh" else names[1]


# -- who may see members' data ---------------------------------------------------------------------

def is_operator(staff):
    """The studio's own staff (program_staff / handler of matchmaking) or an admin."""
    if not staff:
        return False
    role = staff.get("role")
    return role == "admin" or (role in OPERATOR_ROLES and staff.get("program_id") == PROGRAM_ID)


def require_operator(staff):
    if staff is None:
        raise Forbidden("unauthenticated", "请先登录", "Log in first", status=401)
    if not is_operator(staff):
        raise Forbidden("not_program_staff", "只有红娘工作室的工作人员可以查看和办理",
                        "Only the matchmaking studio's staff may see or do this")
    if not staff.get("community"):
        raise Forbidden("no_community", "您的账号没有所属社区", "Your account has no community")


# -- identity numbers ------------------------------------------------------------------------------

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def id_check_char(first17):
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS)) % 11]


def id_number_problem(value):
    """None when ``value`` is a well-formed 18-character resident ID number (GB 11643), else
    what is wrong with it (in English; the schemas translate)."""
    if len(value) != 18 or not value[:17].isdigit() or value[17] not in "0123456789X":
        return "An ID number has 17 digits and a final digit or X."
    if id_check_char(value[:17]) != value[17]:
        return "The ID number's check digit does not match: please check it."
    try:
        datetime.strptime(value[6:14], "%Y%m%d")
    except ValueError:
        return "The ID number does not contain a valid birth date."
    return None


def id_birth_date(id_number):
    return datetime.strptime(id_number[6:14], "%Y%m%d").date()


def id_gender(id_number):
    return "male" if int(id_number[16]) % 2 else "female"


def mask_id_number(id_number):
    if not id_number:
        return id_number
    return id_number[:6] + "********" + id_number[-4:] if len(id_number) >= 10 else "****"


def age_on(birth_date, day):
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def local_date(moment):
    return as_utc(moment).astimezone(BEIJING).date()


def local_range(day_from=None, day_to=None):
    """UTC bounds [start, end) of the Beijing dates ``day_from`` .. ``day_to`` (inclusive)."""
    start = (datetime.combine(day_from, time(), BEIJING).astimezone(UTC)
             if day_from else None)
    end = (datetime.combine(day_to + timedelta(days=1), time(), BEIJING).astimezone(UTC)
           if day_to else None)
    return start, end


# -- the record of who did what --------------------------------------------------------------------

def actor_name(actor):
    return str(actor.get("name") or actor.get("id") or "?")[:100]


def _record(uow, community, entity, entity_id, action, actor, now, **detail):
    uow.session.add(Activity(community=community, entity=entity, entity_id=entity_id,
                             action=action, actor=actor_name(actor),
                             actor_id=None if actor.get("id") is None else str(actor["id"]),
                             at=now, detail=detail))


def history(session, community, entity, entity_id):
    return session.scalars(select(Activity).where(
        Activity.community == community, Activity.entity == entity,
        Activity.entity_id == entity_id).order_by(Activity.at, Activity.id)).all()


def _not_in_future(moment, now, field):
    if as_utc(moment) > now + timedelta(minutes=5):
        raise DomainError("in_future", "时间不能在将来", "This time cannot be in the future",
                          field=field, status=422)
    return as_utc(moment)


# -- members ---------------------------------------------------------------------------------------

def get_member(session, member_id, community, *, field=None, lock=False):
    """``lock``: hold the member's row until the transaction ends (PostgreSQL), so two staff
    changing the same member at the same moment take turns."""
    member = session.get(Member, member_id, with_for_update=lock or None)
    if member is None or member.community != community:
        if field:
            raise DomainError("unknown_member", f"没有编号为 {member_id} 的会员",
                              f"No member {member_id}", field=field, status=422)
        raise NotFound("member_not_found", f"没有编号为 {member_id} 的会员",
                       f"No member {member_id}")
    return member


def _check_identity(values, now):
    """The birth date and gender must be the ones the ID number carries, and the member must be
    of the legal age of marriage."""
    id_number = values["id_number"]
    if values["birth_date"] != id_birth_date(id_number):
        raise DomainError("birth_date_mismatch", "出生日期与身份证号码不一致",
                          "The birth date does not match the ID number", field="birth_date",
                          status=422)
    if values["gender"] != id_gender(id_number):
        raise DomainError("gender_mismatch", "性别与身份证号码不一致",
                          "The gender does not match the ID number", field="gender", status=422)
    age = age_on(values["birth_date"], local_date(now))
    if age < MARRIAGE_AGE[values["gender"]]:
        minimum = MARRIAGE_AGE[values["gender"]]
        raise DomainError("under_marriage_age", f"未到法定婚龄（{label(GENDERS, values['gender'])}"
                          f"满 {minimum} 周岁），不能登记",
                          f"Below the legal age of marriage ({minimum}): cannot register",
                          field="birth_date", status=422)


def _check_unique(session, community, values, member_id=None):
    others = select(Member).where(Member.community == community)
    if member_id is not None:
        others = others.where(Member.id != member_id)
    same_id = session.scalars(others.where(Member.id_number == values["id_number"])).first()
    if same_id is not None:
        raise Conflict("member_exists",
                       f"这个身份证号码已经登记过了（会员编号 {same_id.id}）",
                       f"This ID number is already registered (member {same_id.id})",
                       field="id_number")
    same_phone = session.scalars(others.where(Member.phone == values["phone"],
                                              Member.status != "withdrawn")).first()
    if same_phone is not None:
        raise Conflict("phone_in_use",
                       f"这个电话号码已经是另一位会员的（会员编号 {same_phone.id}）",
                       f"This phone number belongs to another member (member {same_phone.id})",
                       field="phone")


def register_member(uow, community, data, actor, now):
    """A new member, waiting for the police station's verification."""
    values = {key: data.get(key) for key in PROFILE_FIELDS}
    _check_identity(values, now)
    _check_unique(uow.session, community, values)
    name = actor_name(actor)
    member = Member(community=community, status="pending", registered_at=now, created_at=now,
                    created_by=name, updated_at=now, updated_by=name, **values)
    uow.session.add(member)
    uow.session.flush()
    _record(uow, community, "member", member.id, "registered", actor, now)
    return member


def update_member(uow, community, member_id, data, actor, now):
    """Change a member's details. Changing who they are (name, gender, birth date, ID number)
    after a check sends them back to the police station: they are hidden until verified again."""
    member = get_member(uow.session, member_id, community, lock=True)
    if member.status == "withdrawn":
        raise Conflict("member_withdrawn", "这位会员已经退出", "This member has withdrawn")
    values = {key: getattr(member, key) for key in PROFILE_FIELDS}
    changed = {key: value for key, value in data.items()
               if key in PROFILE_FIELDS and value != values[key]}
    if not changed:
        return member
    values.update(changed)
    _check_identity(values, now)
    _check_unique(uow.session, community, values, member_id=member.id)
    for key, value in changed.items():
        setattr(member, key, value)
    member.updated_at, member.updated_by = now, actor_name(actor)
    _record(uow, community, "member", member.id, "updated", actor, now,
            fields=sorted(changed))
    if member.status in ("verified", "rejected") and set(changed) & set(IDENTITY_FIELDS):
        member.status = "pending"
        member.verified_at = None
        _record(uow, community, "member", member.id, "verification_reset", actor, now,
                fields=sorted(set(changed) & set(IDENTITY_FIELDS)))
    return member


def record_verification(uow, community, member_id, data, actor, now):
    """The police station's answer about a member's identity, as staff recorded it."""
    member = get_member(uow.session, member_id, community, lock=True)
    if member.status == "verified":
        raise Conflict("already_verified", "这位会员的身份已经核实过了",
                       "This member's identity is already verified")
    if member.status == "withdrawn":
        raise Conflict("member_withdrawn", "这位会员已经退出", "This member has withdrawn")
    result = data["result"]
    reason = (data.get("reason") or "").strip() or None
    if result == "rejected" and not reason:
        raise DomainError("reason_required", "核实未通过时请写明原因",
                          "Say why the verification failed", field="reason", status=422)
    checked_at = _not_in_future(data.get("checked_at") or now, now, "checked_at")
    if checked_at < as_utc(member.registered_at) - timedelta(days=366):
        raise DomainError("check_too_old", "核实时间早于登记一年以上，请重新核实",
                          "The check is more than a year older than the registration",
                          field="checked_at", status=422)
    name = actor_name(actor)
    verification = Verification(member=member, result=result,
                                police_station=data["police_station"], officer=data["officer"],
                                reason=reason, checked_at=checked_at, recorded_at=now,
                                recorded_by=name,
                                recorded_by_id=None if actor.get("id") is None
                                else str(actor["id"]))
    uow.session.add(verification)
    member.status = result
    member.verified_at = checked_at if result == "verified" else None
    member.updated_at, member.updated_by = now, name
    uow.session.flush()
    _record(uow, community, "member", member.id, result, actor, now,
            verification_id=verification.id, police_station=data["police_station"],
            officer=data["officer"], reason=reason)
    return member, verification


def withdraw_member(uow, community, member_id, reason, actor, now):
    member = get_member(uow.session, member_id, community, lock=True)
    if member.status == "withdrawn":
        raise Conflict("member_withdrawn", "这位会员已经退出", "This member has withdrawn")
    member.status = "withdrawn"
    member.withdrawn_reason = reason
    member.updated_at, member.updated_by = now, actor_name(actor)
    _record(uow, community, "member", member.id, "withdrawn", actor, now, reason=reason)
    return member


def list_members(session, community, *, status=None, gender=None, search=None):
    query = select(Member).where(Member.community == community)
    if status:
        query = query.where(Member.status == status)
    if gender:
        query = query.where(Member.gender == gender)
    if search:
        like = f"%{search}%"
        query = query.where(or_(Member.name.like(like), Member.phone.like(like)))
    return session.scalars(query.order_by(Member.id)).all()


def _married(session, member_id):
    return session.scalar(select(func.count()).select_from(Introduction).where(
        Introduction.outcome == "married",
        or_(Introduction.first_member_id == member_id,
            Introduction.second_member_id == member_id))) > 0


def _require_visible(member, field):
    """The gate: only a verified member is shown to, or introduced to, anyone else."""
    if member.status == "verified":
        return
    if member.status == "withdrawn":
        raise Conflict("member_withdrawn", f"会员 {member.id} 已经退出",
                       f"Member {member.id} has withdrawn", field=field)
    raise Conflict("member_not_verified",
                   f"会员 {member.id} 的身份尚未经派出所核实，不能介绍或展示给其他会员",
                   f"Member {member.id}'s identity has not been verified with the police "
                   "station: they cannot be introduced or shown to other members", field=field)


def candidates(session, community, member_id, now, *, age_from=None, age_to=None):
    """Whom the studio could introduce a member to: verified members of the other gender, not
    already in an open introduction with them, not married through the studio."""
    member = get_member(session, member_id, community)
    _require_visible(member, "member_id")
    rows = session.scalars(select(Member).where(
        Member.community == community, Member.status == "verified",
        Member.gender != member.gender, Member.id != member.id).order_by(Member.id)).all()
    open_with = set()
    for intro in session.scalars(select(Introduction).where(
            Introduction.open_pair.is_not(None),
            or_(Introduction.first_member_id == member.id,
                Introduction.second_member_id == member.id))):
        open_with.add(intro.first_member_id)
        open_with.add(intro.second_member_id)
    today = local_date(now)
    found = []
    for row in rows:
        age = age_on(row.birth_date, today)
        if (age_from and age < age_from) or (age_to and age > age_to):
            continue
        if row.id in open_with or _married(session, row.id):
            continue
        found.append(row)
    return found


# -- phone consultations ---------------------------------------------------------------------------

def log_consultation(uow, community, data, actor, now):
    member = None
    if data.get("member_id") is not None:
        member = get_member(uow.session, data["member_id"], community, field="member_id")
    called_at = _not_in_future(data.get("called_at") or now, now, "called_at")
    name = actor_name(actor)
    consultation = Consultation(
        community=community, caller_name=data.get("caller_name") or (member and member.name),
        phone=data["phone"], member_id=member.id if member else None, topic=data["topic"],
        notes=data.get("notes"), staff_name=data.get("staff_name") or name, called_at=called_at,
        created_at=now, created_by=name)
    uow.session.add(consultation)
    uow.session.flush()
    _record(uow, community, "consultation", consultation.id, "logged", actor, now)
    return consultation


def list_consultations(session, community, *, day_from=None, day_to=None, member_id=None):
    start, end = local_range(day_from, day_to)
    query = select(Consultation).where(Consultation.community == community)
    if start:
        query = query.where(Consultation.called_at >= start)
    if end:
        query = query.where(Consultation.called_at < end)
    if member_id is not None:
        query = query.where(Consultation.member_id == member_id)
    return session.scalars(query.order_by(Consultation.called_at, Consultation.id)).all()


# -- introductions ---------------------------------------------------------------------------------

def _pair(a, b):
    low, high = sorted((a, b))
    return f"{low}:{high}"


def introduce(uow, community, data, actor, now):
    """Introduce two verified members to each other."""
    session = uow.session
    first_id, second_id = data["first_member_id"], data["second_member_id"]
    if first_id == second_id:
        raise DomainError("same_member", "不能把会员介绍给自己",
                          "A member cannot be introduced to themselves",
                          field="second_member_id", status=422)
    # locked in id order, so two introductions of the same people wait for each other
    locked = {member_id: get_member(session, member_id, community, lock=True,
                                    field="first_member_id" if member_id == first_id
                                    else "second_member_id")
              for member_id in sorted((first_id, second_id))}
    first, second = locked[first_id], locked[second_id]
    _require_visible(first, "first_member_id")
    _require_visible(second, "second_member_id")
    for member, field in ((first, "first_member_id"), (second, "second_member_id")):
        if _married(session, member.id):
            raise Conflict("member_married", f"会员 {member.id} 已经通过工作室结婚",
                           f"Member {member.id} has married through the studio", field=field)
    pair = _pair(first.id, second.id)
    existing = session.scalars(select(Introduction).where(Introduction.open_pair == pair)).first()
    if existing is not None:
        raise Conflict("introduction_open",
                       f"这两位会员已经有一次进行中的介绍（编号 {existing.id}）",
                       f"These two members already have an open introduction ({existing.id})",
                       field="second_member_id")
    introduced_at = _not_in_future(data.get("introduced_at") or now, now, "introduced_at")
    name = actor_name(actor)
    intro = Introduction(community=community, first_member_id=first.id,
                         second_member_id=second.id, open_pair=pair,
                         introduced_at=introduced_at, introduced_by=name, note=data.get("note"),
                         outcome="pending", outcome_at=introduced_at, updated_at=now,
                         updated_by=name)
    session.add(intro)
    session.flush()
    session.add(OutcomeStep(introduction_id=intro.id, outcome="pending", note=data.get("note"),
                            at=introduced_at, recorded_at=now, recorded_by=name))
    _record(uow, community, "introduction", intro.id, "introduced", actor, now,
            first_member_id=first.id, second_member_id=second.id)
    session.flush()
    session.refresh(intro)
    return intro


def get_introduction(session, intro_id, community, *, lock=False):
    intro = session.get(Introduction, intro_id, with_for_update=lock or None)
    if intro is None or intro.community != community:
        raise NotFound("introduction_not_found", f"没有编号为 {intro_id} 的介绍",
                       f"No introduction {intro_id}")
    return intro


def set_outcome(uow, community, intro_id, data, actor, now):
    """How an introduction went: forward only (pending → met → dating → married), or ended from
    any open stage. Married and ended are final."""
    intro = get_introduction(uow.session, intro_id, community, lock=True)
    if data["outcome"] == "married":
        for member_id in sorted((intro.first_member_id, intro.second_member_id)):
            get_member(uow.session, member_id, community, lock=True)
    outcome = data["outcome"]
    current = intro.outcome
    if current in FINAL_OUTCOMES:
        raise Conflict("introduction_closed",
                       f"这次介绍已经是“{label(OUTCOMES, current)}”，不能再改",
                       f"This introduction is already {label(OUTCOMES, current, 'en').lower()}",
                       field="outcome")
    if outcome != "ended" and _STAGE[outcome] <= _STAGE[current]:
        raise Conflict("outcome_backwards",
                       f"不能从“{label(OUTCOMES, current)}”改为“{label(OUTCOMES, outcome)}”",
                       f"Cannot go from {label(OUTCOMES, current, 'en').lower()} to "
                       f"{label(OUTCOMES, outcome, 'en').lower()}", field="outcome")
    at = _not_in_future(data.get("at") or now, now, "at")
    if at < as_utc(intro.outcome_at):
        raise DomainError("before_last_outcome", "时间不能早于上一次进展",
                          "This cannot be earlier than the last change", field="at",
                          status=422)
    if outcome == "married":
        for member_id in (intro.first_member_id, intro.second_member_id):
            if _married(uow.session, member_id):
                raise Conflict("member_married", f"会员 {member_id} 已经通过工作室结婚",
                               f"Member {member_id} has married through the studio",
                               field="outcome")
    name = actor_name(actor)
    uow.session.add(OutcomeStep(introduction_id=intro.id, outcome=outcome,
                                note=data.get("note"), at=at, recorded_at=now,
                                recorded_by=name))
    intro.outcome, intro.outcome_at = outcome, at
    if outcome in FINAL_OUTCOMES:
        intro.open_pair = None
    intro.updated_at, intro.updated_by = now, name
    _record(uow, community, "introduction", intro.id, f"outcome_{outcome}", actor, now,
            previous=current, note=data.get("note"))
    uow.session.flush()
    uow.session.refresh(intro)
    return intro


def list_introductions(session, community, *, outcome=None, member_id=None):
    query = select(Introduction).where(Introduction.community == community)
    if outcome:
        query = query.where(Introduction.outcome == outcome)
    if member_id is not None:
        query = query.where(or_(Introduction.first_member_id == member_id,
                                Introduction.second_member_id == member_id))
    return session.scalars(query.order_by(Introduction.id)).all()


# -- figures ---------------------------------------------------------------------------------------

def _month(moment):
    return f"{as_utc(moment).astimezone(BEIJING):%Y-%m}"


FIGURES = ("registered", "verified", "rejected", "consultations", "introductions", "met",
           "dating", "married", "ended")


def figures(session, community, day_from=None, day_to=None, lang="zh"):
    """The studio's figures for a period (Beijing dates, both ends included), by month.

    registered: members who registered; verified / rejected: police checks recorded with that
    result; consultations: phone consultations; introductions: introductions made; met /
    dating / married: introductions that reached that stage (or a later one) in the period;
    ended: introductions that ended."""
    start, end = local_range(day_from, day_to)

    def inside(moment):
        moment = as_utc(moment)
        return (start is None or moment >= start) and (end is None or moment < end)

    months = defaultdict(lambda: dict.fromkeys(FIGURES, 0))

    def count(key, moment):
        months[_month(moment)][key] += 1

    for (moment,) in session.execute(select(Member.registered_at).where(
            Member.community == community)):
        if inside(moment):
            count("registered", moment)
    for result, moment in session.execute(
            select(Verification.result, Verification.recorded_at).join(Member)
            .where(Member.community == community)):
        if inside(moment):
            count(result, moment)
    for (moment,) in session.execute(select(Consultation.called_at).where(
            Consultation.community == community)):
        if inside(moment):
            count("consultations", moment)
    steps = defaultdict(list)
    for intro_id, introduced_at, outcome, at in session.execute(
            select(Introduction.id, Introduction.introduced_at, OutcomeStep.outcome,
                   OutcomeStep.at).join(OutcomeStep)
            .where(Introduction.community == community)
            .order_by(OutcomeStep.at, OutcomeStep.id)):
        steps[intro_id].append((outcome, at))
        if outcome == "pending" and inside(introduced_at):
            count("introductions", introduced_at)
    for intro_steps in steps.values():
        # the first time an introduction reached each stage: one that jumped from pending to
        # dating has also met
        for stage in ("met", "dating", "married"):
            reached = next((at for outcome, at in intro_steps
                            if outcome in _STAGE and _STAGE[outcome] >= _STAGE[stage]), None)
            if reached is not None and inside(reached):
                count(stage, reached)
        for outcome, at in intro_steps:
            if outcome == "ended" and inside(at):
                count("ended", at)

    totals = dict.fromkeys(FIGURES, 0)
    for row in months.values():
        for key in FIGURES:
            totals[key] += row[key]
    status_counts = dict(session.execute(select(Member.status, func.count()).where(
        Member.community == community).group_by(Member.status)).all())
    return {
        "community": community,
        "from": day_from.isoformat() if day_from else None,
        "to": day_to.isoformat() if day_to else None,
        "totals": totals,
        "couples": {"met": totals["met"], "dating": totals["dating"],
                    "married": totals["married"]},
        "by_month": [{"month": month, **months[month]} for month in sorted(months)],
        "members_now": [{"status": code, "name": label(MEMBER_STATUSES, code, lang),
                         "count": status_counts.get(code, 0)} for code in MEMBER_STATUSES],
        "labels": {key: label(FIGURE_LABELS, key, lang) for key in FIGURES},
    }


FIGURE_LABELS = {
    "registered": ("新登记", "Registered"),
    "verified": ("核实通过", "Verified"),
    "rejected": ("核实未通过", "Verification failed"),
    "consultations": ("电话咨询", "Phone consultations"),
    "introductions": ("牵线介绍", "Introductions"),
    "met": ("见面", "Met"),
    "dating": ("交往", "Dating"),
    "married": ("结婚", "Married"),
    "ended": ("结束", "Ended"),
}


# -- cases from intake -----------------------------------------------------------------------------

def receive(uow, data, now):
    """A case from intake (``case.dispatched``); returns the report to send back."""
    session = uow.session
    case = session.get(ProgramCase, data["case_id"])
    if case is None:
        case = ProgramCase(case_id=data["case_id"], chases=0, received_at=now)
        session.add(case)
    case.tracking_code = data["tracking_code"]
    case.community = data["community"]
    case.service_code = data["service_code"]
    case.description = data["description"]
    case.resident = data.get("resident") or {}
    case.attributes = data.get("attributes") or {}
    case.state = "received"
    case.updated_at = now
    _record(uow, case.community, "case", case.case_id, "received", BUS_ACTOR, now,
            service_code=case.service_code)
    return {"case_id": case.case_id, "program_id": PROGRAM_ID, "status": "accepted",
            "note": "红娘工作室已收到，将尽快与您联系"}


def chased(uow, data, now):
    case = uow.session.get(ProgramCase, data["case_id"])
    if case is not None:
        case.chases += 1
        case.updated_at = now
        _record(uow, case.community, "case", case.case_id, "chased", BUS_ACTOR, now,
                level=data.get("level"), note=data.get("note"))


def recalled(uow, data, now):
    case = uow.session.get(ProgramCase, data["case_id"])
    if case is not None and case.state == "received":
        case.state = "recalled"
        case.updated_at = now
        _record(uow, case.community, "case", case.case_id, "recalled", BUS_ACTOR, now,
                note=data.get("note"))


def list_cases(session, community, *, state=None):
    query = select(ProgramCase).where(ProgramCase.community == community)
    if state:
        query = query.where(ProgramCase.state == state)
    return session.scalars(query.order_by(ProgramCase.case_id)).all()


def get_case(session, case_id, community):
    case = session.get(ProgramCase, case_id)
    if case is None or case.community != community:
        raise NotFound("case_not_found", f"没有编号为 {case_id} 的诉求", f"No case {case_id}",
                       field="case_id")
    return case


def finish(uow, community, case_id, actor, now, *, resolved, text, reply=None):
    """Resolve (with a result) or return (with why) a case; the report goes to intake in the same
    transaction."""
    case = get_case(uow.session, case_id, community)
    if case.state != "received":
        raise Conflict("case_closed", "这件诉求已经办完或已被收回", "The case is no longer open",
                       field="case_id")
    case.state = "resolved" if resolved else "returned"
    case.result = text
    case.handled_by = actor_name(actor)
    case.updated_at = now
    _record(uow, community, "case", case.case_id, case.state, actor, now, text=text)
    report = {"case_id": case.case_id, "program_id": PROGRAM_ID, "handler": actor_name(actor)}
    if resolved:
        report = {**report, "status": "resolved", "result": text, "reply": reply}
    else:
        report = {**report, "status": "returned", "note": text}
    uow.publish("case.reported", report, community=case.community)
    return case

