"""What dog_owners's staff API shows: every read for a page or a list is here."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import ProgramCase


def case_view(case: ProgramCase) -> dict:
    return {"case_id": case.case_id, "tracking_code": case.tracking_code,
            "community": case.community, "service_code": case.service_code, "state": case.state,
            "description": case.description, "resident": case.resident,
            "attributes": case.attributes, "chases": case.chases, "result": case.result,
            "handled_by": case.handled_by, "history": case.history or []}


def list_cases(session: Session, community: str) -> list[dict]:
    cases = session.scalars(select(ProgramCase).where(ProgramCase.community == community)
                            .order_by(ProgramCase.case_id))
    return [case_view(case) for case in cases]
