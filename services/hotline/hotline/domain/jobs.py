"""A case routed as a job to a merchant of its category, and what the merchant answers.

Routing: staff name a merchant (it must be offered to residents and serve the case's
category), or leave it to the rule, which picks, among the offered merchants of the category
that have not declined this case, the one with the fewest open jobs (routed, accepted or came),
the earliest registered on a tie. A case has at most one open job at a time.

The merchant's answers, as staff record them: ``routed`` → ``accepted`` → ``came`` →
``done``; ``declined`` before coming. A first answer within ``RESPONSE_HOURS`` (2) of routing
counts as responded in time. After a decline the case is routed again (the rule passes over
the merchant that declined) or returned with where else to turn. The resident rates a job done,
1 to 5, once."""
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, NotFound, Staff, actor_name
from minzi.db import as_utc

from ..models import Job, Merchant, ProgramCase
from .cases import OPEN_JOB_STATES, get_case, record, require_open
from .codes import CATEGORIES, JOB_STATES
from .merchants import get_merchant, is_offered

OPEN = OPEN_JOB_STATES
NEXT = {"routed": ("accepted", "declined"), "accepted": ("came", "declined"),
        "came": ("done",)}
RESPONSE_HOURS = 2


def jobs_of(session: Session, case_id: int) -> list[Job]:
    return list(session.scalars(select(Job).where(Job.case_id == case_id).order_by(Job.id)))


def latest_state(session: Session, case_id: int) -> str | None:
    jobs = jobs_of(session, case_id)
    return jobs[-1].state if jobs else None


def open_jobs(session: Session, merchant_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Job).where(
        Job.merchant_id == merchant_id, Job.state.in_(OPEN)))


def category_of(case: ProgramCase) -> str:
    if case.service_code not in CATEGORIES:
        raise Conflict("no_category", f"这件来电的服务类型 {case.service_code} 不属于便民服务类别",
                       f"The case's service type {case.service_code} is no hotline category",
                       field="case_id")
    return case.service_code


def pick(session: Session, community: str, category: str, passed_over: set[int]) -> Merchant:
    """The rule: the offered merchant of ``category`` with the fewest open jobs (the earliest
    registered on a tie), passing over ``passed_over``."""
    candidates = [m for m in session.scalars(select(Merchant).where(
        Merchant.community == community).order_by(Merchant.id))
        if category in m.categories and is_offered(m) and m.id not in passed_over]
    if not candidates:
        raise Conflict("no_merchant_available",
                       f"没有可派单的“{CATEGORIES[category][0]}”签约商户：请退回并告诉居民可以找谁",
                       f"No signed merchant of {CATEGORIES[category][1]} is available: return "
                       "the case saying where else to turn", field="merchant_id")
    return min(candidates, key=lambda m: (open_jobs(session, m.id), m.id))


def route(session: Session, case_id: int, data: dict[str, Any], who: Staff,
          now: datetime) -> Job:
    case = get_case(session, case_id, who)
    require_open(case)
    category = category_of(case)
    earlier = jobs_of(session, case.case_id)
    if earlier and earlier[-1].state in OPEN:
        raise Conflict("job_open", "这件来电已经派给商户，还在办理中",
                       "The case is already with a merchant", field="case_id")
    if data.get("merchant_id") is None:
        merchant, picked_by = pick(session, case.community, category,
                                   {job.merchant_id for job in earlier
                                    if job.state == "declined"}), "rule"
    else:
        merchant, picked_by = get_merchant(session, data["merchant_id"], case.community,
                                           field="merchant_id"), "staff"
        if category not in merchant.categories:
            raise DomainError("wrong_category", f"商户「{merchant.name}」不提供"
                              f"“{CATEGORIES[category][0]}”服务",
                              f"{merchant.name} does not offer {CATEGORIES[category][1]}",
                              field="merchant_id", status=422)
        if not is_offered(merchant):
            raise DomainError("merchant_not_offered",
                              f"商户「{merchant.name}」未通过考核签约或已暂停派单",
                              f"{merchant.name} is not vetted and signed, or is suspended",
                              field="merchant_id", status=422)
    job = Job(community=case.community, case_id=case.case_id, merchant_id=merchant.id,
              category=category, state="routed", picked_by=picked_by, routed_at=now,
              routed_by=actor_name(who))
    session.add(job)
    session.flush()
    record(case, actor_name(who), "routed", now, data.get("note"), job_id=job.id,
           merchant=merchant.name, picked_by=picked_by)
    return job


def get_job(session: Session, job_id: int, staff: Staff) -> Job:
    job = session.get(Job, job_id)
    if job is None or job.community != staff["community"]:
        raise NotFound("job_not_found", f"没有编号为 {job_id} 的派单", f"No job {job_id}",
                       field="job_id")
    return job


def respond(session: Session, job_id: int, data: dict[str, Any], who: Staff,
            now: datetime) -> Job:
    """The merchant's answer, in its order; recorded on the job and on the case."""
    job = get_job(session, job_id, who)
    answer = data["response"]
    if answer not in NEXT.get(job.state, ()):
        raise Conflict("response_out_of_order",
                       f"派单现在是“{JOB_STATES[job.state][0]}”，不能记为“{JOB_STATES[answer][0]}”",
                       f"The job is {JOB_STATES[job.state][1].lower()}: it cannot be "
                       f"{JOB_STATES[answer][1].lower()} now", field="response")
    if job.responded_at is None:
        job.responded_at = now
    if answer == "came":
        job.came_at = now
    if answer == "done":
        job.done_at = now
    job.state = answer
    job.note = data.get("note")
    merchant = session.get(Merchant, job.merchant_id)
    record(session.get(ProgramCase, job.case_id), actor_name(who), answer, now,
           data.get("note"), job_id=job.id, merchant=merchant.name)
    return job


def rate(session: Session, job_id: int, data: dict[str, Any], who: Staff,
         now: datetime) -> Job:
    """The resident's rating (1–5) and comment, on a job done, once."""
    job = get_job(session, job_id, who)
    if job.state != "done":
        raise Conflict("job_not_done", "服务完成后才能评价", "Only a job done can be rated",
                       field="job_id")
    if job.rating is not None:
        raise Conflict("already_rated", "这次服务已经评价过了", "This job is already rated",
                       field="job_id")
    job.rating = data["rating"]
    job.rating_comment = data.get("comment")
    job.rated_at = now
    record(session.get(ProgramCase, job.case_id), actor_name(who), "rated", now,
           data.get("comment"), job_id=job.id, rating=job.rating)
    return job


def in_time(job: Job) -> bool:
    """The merchant's first answer came within ``RESPONSE_HOURS`` of routing."""
    return job.responded_at is not None and \
        as_utc(job.responded_at) - as_utc(job.routed_at) <= timedelta(hours=RESPONSE_HOURS)


def of_merchant(session: Session, merchant_id: int) -> list[Job]:
    return list(session.scalars(select(Job).where(Job.merchant_id == merchant_id)
                                .order_by(Job.id)))
