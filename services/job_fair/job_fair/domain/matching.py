"""Matching an applicant to a fair's open positions: each position checked against the
applicant on four things (skills, schooling, preferred area, pay), ranked by how many it meets,
then by skills in common, then by the highest pay, with the reasons in both languages."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.i18n import label, pick
from minzi.localtime import local_date

from ..models import Applicant, Employer, Position
from .codes import EDUCATION, EDUCATION_RANK
from .employers import licence_expired


def yuan(fen: int) -> str:
    return str((Decimal(fen) / 100).quantize(Decimal("0.01")))


def _reasons(applicant: Applicant, position: Position, lang: str) -> tuple[list, list, int]:
    met, unmet = [], []
    wanted = [s for s in position.skills if s in (applicant.skills or [])]
    if position.skills:
        if wanted:
            met.append(pick(lang, f"技能符合：{'、'.join(wanted)}",
                            f"Skills match: {', '.join(wanted)}"))
        else:
            unmet.append(pick(lang, f"缺少所需技能：{'、'.join(position.skills)}",
                              f"Lacks the skills asked for: {', '.join(position.skills)}"))
    if position.education:
        need = label(EDUCATION, position.education, lang)
        has = applicant.education and \
            EDUCATION_RANK[applicant.education] >= EDUCATION_RANK[position.education]
        (met if has else unmet).append(
            pick(lang, f"学历要求{need}及以上：" + ("符合" if has else "不符合"),
                 f"{need} or above: " + ("met" if has else "not met")))
    if position.area and applicant.preferred_area:
        same = position.area == applicant.preferred_area
        (met if same else unmet).append(
            pick(lang, f"工作区域{position.area}" + ("与意向相同" if same else "与意向不同"),
                 f"Works in {position.area}" + (", as preferred" if same
                                                 else ", not the area preferred")))
    if applicant.expected_pay_fen is not None:
        enough = position.pay_max_fen >= applicant.expected_pay_fen
        (met if enough else unmet).append(
            pick(lang, f"月薪 {yuan(position.pay_min_fen)}–{yuan(position.pay_max_fen)} 元"
                 + ("达到" if enough else "低于") + f"期望的 {yuan(applicant.expected_pay_fen)} 元",
                 f"Pay {yuan(position.pay_min_fen)}-{yuan(position.pay_max_fen)} yuan "
                 + ("reaches" if enough else "is below")
                 + f" the {yuan(applicant.expected_pay_fen)} yuan expected"))
    return met, unmet, len(wanted)


def match(session: Session, applicant: Applicant, fair_id: int, now: datetime,
          lang: str = "zh") -> list[dict]:
    """The fair's open positions of verified employers with valid licences, best first."""
    today = local_date(now)
    rows = session.execute(select(Position, Employer).join(
        Employer, Employer.id == Position.employer_id).where(
        Position.fair_id == fair_id, Position.status == "open",
        Employer.status == "verified").order_by(Position.id)).all()
    ranked = []
    for position, employer in rows:
        if licence_expired(employer, today):
            continue
        met, unmet, skills = _reasons(applicant, position, lang)
        ranked.append({"position_id": position.id, "title": position.title,
                       "employer": employer.name, "score": len(met), "skills_matched": skills,
                       "pay_max": yuan(position.pay_max_fen), "reasons": met, "gaps": unmet,
                       "_key": (-len(met), -skills, -position.pay_max_fen, position.id)})
    ranked.sort(key=lambda item: item["_key"])
    for item in ranked:
        del item["_key"]
    return ranked
