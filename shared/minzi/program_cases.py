"""The plainest way for a program to keep the cases intake hands it: one row per case, received,
chased, recalled, then resolved or returned by the program's staff. A program with richer cases
(the legal-aid home, the cat fund) keeps its own model; one that only needs this uses

    class ProgramCase(ProgramCaseMixin, Base):
        pass

and its ``domain/cases.py`` calls ``keep``, ``count_chase`` and ``recall`` below, adding what is
its own (a record of who did what, its reply to the resident).

The case messages waiting together are handled in one transaction (``minzi.program``), which
names their cases first (``expect``): the first of them asked for (``find``) reads them all, in
one statement, and a case none of them has yet is known to be new without asking again. So a
batch of cases costs the database one read, and its new rows are written together at the commit.
"""
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import JSON, Integer, String, Text, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .db import UTCDateTime
from .envelope import utcnow

RECEIVED = "received"


class ProgramCaseMixin:
    """A case intake handed to the program, with what the program did about it."""
    __tablename__ = "program_cases"
    case_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(16))
    community: Mapped[str] = mapped_column(String(41), index=True)
    service_code: Mapped[str] = mapped_column(String(61))
    # received / resolved / returned / recalled
    state: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    resident: Mapped[dict] = mapped_column(JSON)
    attributes: Mapped[dict] = mapped_column(JSON)
    chases: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[str | None] = mapped_column(Text)
    handled_by: Mapped[str | None] = mapped_column(String(100))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# in a session's ``info``: the case ids its transaction's messages are about (``expect``), and
# the cases of each model looked up so far, by id (None: not there)
_EXPECTED = "minzi.program_cases.expected"
_LOOKED_UP = "minzi.program_cases.looked_up"


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction) -> None:
    """What a transaction looked up is its own: the next reads afresh."""
    if transaction.parent is None:
        session.info.pop(_LOOKED_UP, None)
        session.info.pop(_EXPECTED, None)


def expect(session: Session, case_ids: Iterable[int]) -> None:
    """The cases this transaction's messages are about, read together when the first is asked
    for (``find``)."""
    session.info[_EXPECTED] = set(case_ids)


def find(session: Session, model: type, case_id: int):
    """A case the program keeps, by id, or None. The first call for a model in a transaction
    reads every case ``expect`` named, in one statement."""
    looked_up = session.info.setdefault(_LOOKED_UP, {}).setdefault(model, {})
    if case_id not in looked_up:
        ids = ({case_id} | session.info.get(_EXPECTED, set())) - looked_up.keys()
        looked_up.update(dict.fromkeys(ids))
        looked_up.update((case.case_id, case) for case in session.scalars(
            select(model).where(model.case_id.in_(sorted(ids)))))
    return looked_up[case_id]


def add(session: Session, case) -> None:
    """A new case, written with the transaction; ``find`` finds it from now on."""
    session.add(case)
    session.info.setdefault(_LOOKED_UP, {}).setdefault(type(case), {})[case.case_id] = case


def keep(session: Session, model: type, data: dict, now: datetime):
    """A ``case.dispatched`` case, kept as intake sent it and open again (a case dispatched
    again after a recall or a reopening is the program's to work once more)."""
    case = find(session, model, data["case_id"])
    if case is None:
        case = model(case_id=data["case_id"], chases=0, received_at=now)
        add(session, case)
    case.tracking_code = data["tracking_code"]
    case.community = data["community"]
    case.service_code = data["service_code"]
    case.description = data["description"]
    case.resident = data.get("resident") or {}
    case.attributes = data.get("attributes") or {}
    case.state = RECEIVED
    case.updated_at = now
    return case


def count_chase(session: Session, model: type, notice: dict, now: datetime):
    """Intake's reminder or escalation counted on the case; None for a case never received."""
    case = find(session, model, notice["case_id"])
    if case is not None:
        case.chases += 1
        case.updated_at = now
    return case


def recall(session: Session, model: type, notice: dict, now: datetime):
    """Intake took the case back: an open case is no longer worked. Returns the case when it
    was open (and is now recalled), else None."""
    case = find(session, model, notice["case_id"])
    if case is None or case.state != RECEIVED:
        return None
    case.state = "recalled"
    case.updated_at = now
    return case
