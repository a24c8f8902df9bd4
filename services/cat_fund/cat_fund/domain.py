"""The fund's rules apart from money (see ledger.py): cats, cases from intake, the public report.

Plain Python on a SQLAlchemy session; nothing here knows nameko or the bus. Functions that
must tell intake something return the ``case.reported`` body for the caller to publish in the
same transaction.
"""
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from minzi.api import DomainError, NotFound
from minzi.db import as_utc
from minzi.envelope import isoformat, utcnow
from minzi.logs import mask

from . import ledger
from .ledger import ANONYMOUS, CATEGORIES, CHANNELS, label, yuan
from .models import Case, CaseCat, CaseEvent, Cat, CatEvent, Entry, Vaccination, VetVisit

PROGRAM_ID = "cat_fund"
PROGRAM_NAME = ("流浪猫爱心基金会", "Stray-cat charity fund")
OPERATOR_ROLES = ("program_staff", "handler")
STAFF_ROLES = ("receptionist", "handler", "station_head", "program_staff", "admin")

CAT_STATUSES = {
    "in_shelter": ("在猫舍", "In the shelter"),
    "returned": ("已放归", "Returned to its territory"),
    "adopted": ("已被领养", "Adopted"),
    "deceased": ("已死亡", "Deceased"),
}
CAT_SEXES = {"male": ("公", "Male"), "female": ("母", "Female"), "unknown": ("未知", "Unknown")}
CASE_STATUSES = {
    "accepted": ("已受理", "Accepted"),
    "in_progress": ("办理中", "In progress"),
    "resolved": ("已办结", "Resolved"),
    "returned": ("已退回", "Returned"),
    "recalled": ("已撤回", "Recalled by intake"),
}
OPEN_CASE = ("accepted", "in_progress")


def is_operator(staff):
    """Fund operators: the program's own staff and handlers, and admins."""
    if not staff:
        return False
    if staff.get("role") == "admin":
        return True
    return staff.get("role") in OPERATOR_ROLES and staff.get("program_id") == PROGRAM_ID


def actor(staff):
    """Who did it, as it goes on the record."""
    staff = staff or {}
    return {k: staff.get(k) for k in ("id", "username", "name", "role")}


def actor_name(by):
    return (by or {}).get("name") or (by or {}).get("username") or PROGRAM_NAME[0]


# -- cats -----------------------------------------------------------------------------------------

def _cat_event(session, cat, action, detail, by):
    session.add(CatEvent(cat_id=cat.id, action=action, detail=detail, by=by, at=utcnow()))
    cat.updated_by = by
    cat.updated_at = utcnow()


def _jsonable(values):
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in values.items()}


def create_cat(session, community, data, by):
    now = utcnow()
    cat = Cat(community=community, name=data.get("name"), sex=data.get("sex") or "unknown",
              colour=data.get("colour"), description=data.get("description"),
              found_at=data["found_at"], found_on=data["found_on"],
              status=data.get("status") or "in_shelter",
              sterilised_on=data.get("sterilised_on"), sterilised_by=data.get("sterilised_by"),
              created_by=by, created_at=now, updated_by=by, updated_at=now)
    if (cat.sterilised_on is None) != (cat.sterilised_by is None):
        raise DomainError("sterilisation_incomplete", "绝育需同时填写日期和兽医",
                          "A sterilisation needs both its date and the vet",
                          field="sterilised_by" if cat.sterilised_by is None else "sterilised_on")
    session.add(cat)
    session.flush()
    _cat_event(session, cat, "created", _jsonable(data), by)
    return cat


def get_cat(session, community, cat_id, *, lock=False):
    cat = session.get(Cat, cat_id, with_for_update=lock or None)
    if cat is None or cat.community != community:
        raise NotFound("cat_not_found", f"没有编号为 {cat_id} 的猫", f"No cat number {cat_id}")
    return cat


def update_cat(session, community, cat_id, data, by):
    cat = get_cat(session, community, cat_id, lock=True)
    if cat.status == "deceased" and data.get("status") not in (None, "deceased"):
        raise DomainError("cat_deceased", "这只猫已登记死亡，状态不能再改",
                          "This cat is recorded as deceased; its status cannot change",
                          field="status")
    changes = {}
    for key, value in data.items():
        if getattr(cat, key) != value:
            changes[key] = {"from": getattr(cat, key), "to": value}
            setattr(cat, key, value)
    if changes:
        _cat_event(session, cat, "status_changed" if set(changes) == {"status"} else "updated",
                   {k: _jsonable(v) for k, v in changes.items()}, by)
    return cat


def record_sterilisation(session, community, cat_id, data, by):
    cat = get_cat(session, community, cat_id, lock=True)
    if cat.sterilised_on is not None:
        raise DomainError("already_sterilised",
                          f"这只猫已于 {cat.sterilised_on.isoformat()} 绝育（{cat.sterilised_by}）",
                          f"This cat was already sterilised on {cat.sterilised_on.isoformat()} "
                          f"({cat.sterilised_by})")
    if data["date"] < cat.found_on:
        raise DomainError("before_found", "绝育日期早于发现日期", "The date is before the cat was found",
                          field="date")
    cat.sterilised_on, cat.sterilised_by = data["date"], data["vet"]
    _cat_event(session, cat, "sterilised", _jsonable(data), by)
    return cat


def record_vaccination(session, community, cat_id, data, by):
    cat = get_cat(session, community, cat_id, lock=True)
    if cat.status == "deceased":
        raise DomainError("cat_deceased", "这只猫已登记死亡", "This cat is recorded as deceased")
    vaccination = Vaccination(cat_id=cat.id, vaccine=data["vaccine"], given_on=data["given_on"],
                              next_due_on=data.get("next_due_on"), vet=data.get("vet"),
                              recorded_by=by, recorded_at=utcnow())
    session.add(vaccination)
    session.flush()
    _cat_event(session, cat, "vaccinated", _jsonable(data), by)
    return vaccination


def record_vet_visit(session, community, cat_id, data, by):
    cat = get_cat(session, community, cat_id, lock=True)
    visit = VetVisit(cat_id=cat.id, visited_on=data["visited_on"], vet=data["vet"],
                     reason=data["reason"], diagnosis=data.get("diagnosis"),
                     treatment=data.get("treatment"), recorded_by=by, recorded_at=utcnow())
    session.add(visit)
    session.flush()
    _cat_event(session, cat, "vet_visit", _jsonable(data), by)
    return visit


def list_cats(session, community, status=None):
    query = select(Cat).where(Cat.community == community).order_by(Cat.id)
    if status:
        query = query.where(Cat.status == status)
    return session.scalars(query).all()


def vaccinations_due(session, community, today, days=30):
    """The latest vaccination of each kind per living, un-adopted cat that falls due within
    ``days`` (already overdue included), soonest first."""
    latest = (select(Vaccination.cat_id, Vaccination.vaccine,
                     func.max(Vaccination.id).label("last_id"))
              .group_by(Vaccination.cat_id, Vaccination.vaccine).subquery())
    rows = session.scalars(
        select(Vaccination).join(latest, Vaccination.id == latest.c.last_id)
        .join(Cat, Cat.id == Vaccination.cat_id)
        .where(Cat.community == community, Cat.status.in_(("in_shelter", "returned")),
               Vaccination.next_due_on.is_not(None),
               Vaccination.next_due_on <= today + timedelta(days=days))
        .order_by(Vaccination.next_due_on, Vaccination.id)
        .options(selectinload(Vaccination.cat))).all()
    return rows


# -- cases from intake ----------------------------------------------------------------------------

def _case_event(session, case, action, note=None, by=None):
    session.add(CaseEvent(case_pk=case.id, action=action, note=note, by=by, at=utcnow()))
    case.updated_at = utcnow()


def report(case, status, *, by=None, note=None, result=None, reply=None):
    body = {"case_id": case.case_id, "program_id": PROGRAM_ID, "status": status,
            "handler": actor_name(by), "note": note}
    if result is not None:
        body["result"] = result
    if reply is not None:
        body["reply"] = reply
    return body


def receive_case(session, data, service_codes=None):
    """A ``case.dispatched`` body: keep the case and accept it. Returns ``(case, report)``.

    A case of a service type the fund does not offer is kept and returned at once, with a
    note intake can pass on, rather than left unanswered."""
    case = session.scalars(select(Case).where(Case.community == data["community"],
                                              Case.case_id == data["case_id"])).first()
    fields = dict(
        tracking_code=data["tracking_code"], service_code=data["service_code"],
        channel=data.get("channel"), description=data["description"],
        attributes=data.get("attributes") or {}, address=data.get("address"),
        resident=data.get("resident") or {}, due_at=data.get("due_at"),
        dispatch_note=data.get("note"))
    if case is None:
        case = Case(community=data["community"], case_id=data["case_id"], status="accepted",
                    chase_level=0, received_at=utcnow(), updated_at=utcnow(), **fields)
        session.add(case)
        session.flush()
        _case_event(session, case, "received", data.get("note"))
    else:  # dispatched here again (after a recall or a return): work it afresh
        for key, value in fields.items():
            setattr(case, key, value)
        if case.status not in OPEN_CASE:
            case.status, case.result, case.chase_level = "accepted", None, 0
        _case_event(session, case, "received_again", data.get("note"))
    if service_codes is not None and case.service_code not in service_codes:
        note = (f"流浪猫爱心基金会不办理“{case.service_code}”类事项，请受理窗口转给相应项目"
                "（流浪猫病伤、流浪猫群绝育由本会办理）")
        case.status, case.note = "returned", note
        _case_event(session, case, "returned", note)
        return case, report(case, "returned", note=note)
    return case, report(case, "accepted",
                        note="流浪猫爱心基金会已受理，志愿者将尽快前往查看")


def chase_case(session, community, data, level):
    case = _find_case(session, community, data["case_id"])
    if case is None:
        return None
    case.chase_level = max(case.chase_level, level)
    _case_event(session, case, "chased" if level < 2 else "escalated", data.get("note"))
    return case


def recall_case(session, community, data):
    case = _find_case(session, community, data["case_id"])
    if case is None:
        return None
    if case.status in OPEN_CASE:
        case.status = "recalled"
    _case_event(session, case, "recalled", data.get("note"))
    return case


def _find_case(session, community, case_id):
    return session.scalars(select(Case).where(Case.community == community,
                                              Case.case_id == case_id)).first()


def get_case(session, community, case_id):
    case = _find_case(session, community, case_id)
    if case is None:
        raise NotFound("case_not_found", f"没有案件 {case_id}", f"No case {case_id}")
    return case


def _open_case(session, community, case_id):
    case = get_case(session, community, case_id)
    if case.status == "recalled":
        raise DomainError("case_recalled", "该案件已被受理窗口撤回，不能再办理",
                          "Intake has taken this case back; it cannot be worked here")
    if case.status not in OPEN_CASE:
        raise DomainError("case_closed", "该案件已办结或已退回",
                          "This case is already resolved or returned")
    return case


def link_cat(session, community, case_id, data, by):
    case = get_case(session, community, case_id)
    if case.status == "recalled":
        raise DomainError("case_recalled", "该案件已被受理窗口撤回，不能再办理",
                          "Intake has taken this case back; it cannot be worked here")
    if data.get("cat_id") is not None:
        cat = get_cat(session, community, data["cat_id"])
    else:
        cat = create_cat(session, community, data["cat"], by)
    if session.get(CaseCat, (case.id, cat.id)) is None:
        session.add(CaseCat(case_pk=case.id, cat_id=cat.id))
        _case_event(session, case, "cat_linked", f"#{cat.id} {cat.name or ''}".strip(), by)
        _cat_event(session, cat, "case_linked",
                   {"case_id": case.case_id, "tracking_code": case.tracking_code}, by)
    session.flush()
    session.expire(case, ["cats"])
    return case, cat


def progress_case(session, community, case_id, note, by):
    case = _open_case(session, community, case_id)
    case.status = "in_progress"
    _case_event(session, case, "in_progress", note, by)
    return case, report(case, "in_progress", by=by, note=note)


def resolve_case(session, community, case_id, result, reply, by):
    case = _open_case(session, community, case_id)
    case.status, case.result = "resolved", result
    _case_event(session, case, "resolved", result, by)
    return case, report(case, "resolved", by=by, result=result, reply=reply)


def return_case(session, community, case_id, note, by):
    case = _open_case(session, community, case_id)
    case.status, case.note = "returned", note
    _case_event(session, case, "returned", note, by)
    return case, report(case, "returned", by=by, note=note)


def list_cases(session, community, status=None):
    query = select(Case).where(Case.community == community).order_by(Case.id.desc())
    if status:
        query = query.where(Case.status == status)
    return session.scalars(query).all()


# -- the public transparency report ---------------------------------------------------------------

def public_donor(entry, lang="zh"):
    if entry.may_publish_name and not entry.anonymous and entry.donor_name:
        return entry.donor_name
    return ANONYMOUS[1] if lang == "en" else ANONYMOUS[0]


def transparency_report(session, community, lang="zh"):
    """What anyone may read: balance, income and spending by month and category, every entry
    by number — donors only by name when they agreed to it, no contact details at all."""
    fund = ledger.read_fund(session, community)
    entries = session.scalars(
        select(Entry).where(Entry.community == community)
        .order_by(Entry.occurred_on, Entry.id)
        .options(selectinload(Entry.reverses), selectinload(Entry.cat))).all()
    reversal_of = {e.reverses_id: e.number for e in entries if e.reverses_id}

    months = defaultdict(lambda: {"income": 0, "spending": 0, "by_category": defaultdict(int)})
    by_category = defaultdict(int)
    income = spending = 0
    donations, payments, reversals = [], [], []
    for entry in entries:
        month = months[entry.occurred_on.strftime("%Y-%m")]
        money_in = entry.kind == "donation" or (
            entry.kind == "reversal" and entry.reverses.kind == "donation")
        if money_in:
            month["income"] += entry.delta_fen
            income += entry.delta_fen
        else:
            month["spending"] -= entry.delta_fen
            month["by_category"][entry.category] -= entry.delta_fen
            by_category[entry.category] -= entry.delta_fen
            spending -= entry.delta_fen
        line = {"number": entry.number, "date": entry.occurred_on.isoformat(),
                "amount": yuan(entry.amount_fen), "reversed_by": reversal_of.get(entry.id)}
        if entry.kind == "donation":
            donations.append({**line, "donor": public_donor(entry, lang),
                              "channel": entry.channel,
                              "channel_label": label(CHANNELS, entry.channel, lang)})
        elif entry.kind == "expense":
            payments.append({**line, "category": entry.category,
                             "category_label": label(CATEGORIES, entry.category, lang),
                             "cat": _public_cat(entry.cat),
                             "description": mask(entry.description or "") or None,
                             "payee": mask(entry.payee or "") or None,
                             "invoice_ref": entry.invoice_ref,
                             "approved_by": entry.approved_by})
        else:
            reversals.append({**line, "reverses": entry.reverses.number,
                              "kind_reversed": entry.reverses.kind,
                              "reason": mask(entry.reason or "")})

    def categories(amounts):
        return [{"category": code, "label": label(CATEGORIES, code, lang),
                 "amount": yuan(amounts.get(code, 0))} for code in CATEGORIES
                if amounts.get(code)]

    running = 0
    by_month = []
    for key in sorted(months):
        month = months[key]
        running += month["income"] - month["spending"]
        by_month.append({"month": key, "income": yuan(month["income"]),
                         "spending": yuan(month["spending"]),
                         "spending_by_category": categories(month["by_category"]),
                         "balance_at_month_end": yuan(running)})
    cats = session.execute(select(Cat.status, func.count()).where(Cat.community == community)
                           .group_by(Cat.status)).all()
    sterilised = session.scalar(select(func.count()).select_from(Cat).where(
        Cat.community == community, Cat.sterilised_on.is_not(None)))
    return {
        "community": community,
        "fund": label({"f": PROGRAM_NAME}, "f", lang),
        "currency": "CNY",
        "as_of": isoformat(as_utc(fund.updated_at) if fund.updated_at else utcnow()),
        "balance": yuan(fund.balance_fen),
        "total_income": yuan(income),
        "total_spending": yuan(spending),
        "entry_count": len(entries),
        "spending_by_category": categories(by_category),
        "by_month": by_month,
        "donations": donations,
        "spending": payments,
        "reversals": reversals,
        "cats": {"total": sum(n for _, n in cats), "sterilised": sterilised or 0,
                 "by_status": [{"status": s, "label": label(CAT_STATUSES, s, lang), "count": n}
                               for s, n in sorted(cats)]},
        "notes": ("金额单位为元；捐款人仅在本人同意时署名，其余显示为“匿名”。更正以冲正记录体现，原记录不删改。"
                  if lang != "en" else
                  "Amounts in yuan. Donors are named only with their consent, otherwise shown "
                  "as \"Anonymous\". Corrections appear as reversals; no entry is ever edited."),
    }


def _public_cat(cat):
    if cat is None:
        return None
    return {"id": cat.id, "name": cat.name}
