"""Applicants: local residents, graduates, the unemployed. Registered only with their consent to
keep their data; each gets a registration code for checking in at a fair."""
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, NotFound, Staff, actor_name
from minzi.idcard import id_number_problem
from minzi.store import Transaction

from ..models import Applicant
from .activity import record

FIELDS = ("name", "id_number", "phone", "kind", "education", "skills", "preferred_area",
          "expected_pay_fen", "cv")
# no 0/O, 1/I/L: read aloud or off a phone at the door without mistakes
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def get_applicant(session: Session, applicant_id: int, community: str, *,
                  field: str | None = None) -> Applicant:
    applicant = session.get(Applicant, applicant_id)
    if applicant is None or applicant.community != community:
        if field:
            raise DomainError("unknown_applicant", f"没有编号为 {applicant_id} 的求职者",
                              f"No applicant {applicant_id}", field=field, status=422)
        raise NotFound("applicant_not_found", f"没有编号为 {applicant_id} 的求职者",
                       f"No applicant {applicant_id}")
    return applicant


def by_code(session: Session, code: str, community: str) -> Applicant:
    applicant = session.scalars(select(Applicant).where(
        Applicant.registration_code == code, Applicant.community == community)).first()
    if applicant is None:
        raise DomainError("unknown_code", f"没有登记码为 {code} 的求职者",
                          f"No applicant has registration code {code}",
                          field="registration_code", status=422)
    return applicant


def register_applicant(tx: Transaction, community: str, data: dict[str, Any], who: Staff,
                       now: datetime) -> Applicant:
    if data.get("consent") is not True:
        raise DomainError("consent_required",
                          "求职者须同意本站保存其个人信息（身份证号、电话、简历）后才能登记",
                          "The applicant must consent to the station keeping their data "
                          "(ID number, phone, CV) before registering", field="consent",
                          status=422)
    if id_number_problem(data["id_number"]):
        raise DomainError("invalid_id_number", "身份证号码无效，请核对",
                          "The ID number is not valid: please check it", field="id_number",
                          status=422)
    same = tx.session.scalars(select(Applicant).where(
        Applicant.community == community, Applicant.id_number == data["id_number"])).first()
    if same is not None:
        raise Conflict("applicant_exists",
                       f"这个身份证号码已经登记过了（求职者编号 {same.id}）",
                       f"This ID number is already registered (applicant {same.id})",
                       field="id_number")
    values = {key: data.get(key) for key in FIELDS}
    values["skills"] = values["skills"] or []
    applicant = Applicant(community=community, consent_at=now, created_at=now,
                          created_by=actor_name(who),
                          registration_code="".join(secrets.choice(CODE_ALPHABET)
                                                    for _ in range(8)), **values)
    tx.session.add(applicant)
    tx.session.flush()
    record(tx, community, "applicant", applicant.id, "registered", who, now)
    return applicant
