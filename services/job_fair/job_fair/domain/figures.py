"""A fair's figures, counted from its records: employers invited, positions and the people they
want, applicants (everyone who applied to one of its positions or checked in), applications not
withdrawn, check-ins, interviews (interviewed, hired or not), hires."""
from sqlalchemy import func, select, union
from sqlalchemy.orm import Session

from minzi.i18n import label

from ..models import Application, CheckIn, Fair, Invitation, Position
from .codes import FIGURE_LABELS


def figures(session: Session, fair: Fair, lang: str = "zh") -> dict:
    positions = select(Position.id).where(Position.fair_id == fair.id,
                                          Position.status == "open")
    applications = select(Application).where(Application.position_id.in_(positions))

    def count(query) -> int:
        return session.scalar(select(func.count()).select_from(query.subquery()))

    people = union(select(Application.applicant_id).where(
        Application.position_id.in_(positions), Application.status != "withdrawn"),
        select(CheckIn.applicant_id).where(CheckIn.fair_id == fair.id)).subquery()
    totals = {
        "employers": count(select(Invitation.id).where(Invitation.fair_id == fair.id)),
        "positions": count(positions),
        "openings": session.scalar(select(func.coalesce(func.sum(Position.count), 0)).where(
            Position.fair_id == fair.id, Position.status == "open")),
        "applicants": session.scalar(select(func.count()).select_from(people)),
        "applications": count(applications.where(Application.status != "withdrawn")),
        "check_ins": count(select(CheckIn.id).where(CheckIn.fair_id == fair.id)),
        "interviews": count(applications.where(
            Application.status.in_(("interviewed", "hired", "not_hired")))),
        "hires": count(applications.where(Application.status == "hired")),
    }
    return {"fair_id": fair.id, "title": fair.title, "day": fair.day.isoformat(),
            "place": fair.place, "totals": totals,
            "labels": {key: label(FIGURE_LABELS, key, lang) for key in totals}}
