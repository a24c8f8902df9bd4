"""A program on the kit, as small as one can be: it keeps the cases it receives, accepts them at
once (unless ``SAMPLE_AUTO_ACCEPT=false``: its handler has not got to them yet), and resolves
them when its staff say so (``POST /cases/{case_id}/resolve``)."""
import os
from datetime import datetime
from pathlib import Path

from marshmallow import Schema, fields, validate
from sqlalchemy import JSON, Integer, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from minzi import program_cases
from minzi.api import Context, NotFound, Response, Router, actor_name
from minzi.contract import ProgramAnnouncer
from minzi.db import InboxMixin, OutboxMixin
from minzi.program import Program
from minzi.store import Store, Transaction

MANIFEST = Path(__file__).resolve().parent.parent / "manifest.yaml"


class Base(DeclarativeBase):
    pass


class Outbox(OutboxMixin, Base):
    pass


class Inbox(InboxMixin, Base):
    pass


class ReceivedCase(Base):
    __tablename__ = "received_cases"
    case_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community: Mapped[str] = mapped_column(String(41))
    state: Mapped[str] = mapped_column(String(20))
    chases: Mapped[int] = mapped_column(Integer, default=0)
    data: Mapped[dict] = mapped_column(JSON)


class SampleCases:
    """The program's three case rules."""

    def __init__(self, auto_accept: bool):
        self.auto_accept = auto_accept

    def receive(self, tx: Transaction, case: dict, now: datetime) -> dict | None:
        kept = program_cases.find(tx.session, ReceivedCase, case["case_id"])
        if kept is None:
            kept = ReceivedCase(case_id=case["case_id"])
            program_cases.add(tx.session, kept)
        kept.community, kept.state, kept.chases = case["community"], "received", 0
        kept.data = {k: str(v) for k, v in case.items()}
        return {"status": "accepted", "handler": "值班员"} if self.auto_accept else None

    def chased(self, tx: Transaction, notice: dict, now: datetime) -> None:
        case = program_cases.find(tx.session, ReceivedCase, notice["case_id"])
        if case is not None:
            case.chases += 1

    def recalled(self, tx: Transaction, notice: dict, now: datetime) -> None:
        case = program_cases.find(tx.session, ReceivedCase, notice["case_id"])
        if case is not None:
            case.state = "recalled"


class ResolveSchema(Schema):
    result = fields.String(required=True, validate=validate.Length(max=4000))
    reply = fields.String(load_default=None, validate=validate.Length(max=4000))


router = Router()


@router.route("GET", "/cases", summary="收到的诉求")
def list_cases(ctx: Context) -> Response:
    with ctx.service.store.session() as session:
        return 200, [{"case_id": c.case_id, "community": c.community, "state": c.state,
                      "chases": c.chases} for c in session.scalars(select(ReceivedCase))]


@router.route("POST", "/cases/{case_id:int}/resolve", body=ResolveSchema, summary="办结")
def resolve(ctx: Context, body: dict) -> Response:
    with ctx.service.store.transaction() as tx:
        case = tx.session.get(ReceivedCase, ctx.params["case_id"])
        if case is None:
            raise NotFound("case_not_found", "没有这件诉求", "No such case", field="case_id")
        case.state = "resolved"
        tx.publish("case.reported", {"case_id": case.case_id, "program_id": "sample_program",
                                     "status": "resolved", "result": body["result"],
                                     "reply": body.get("reply"),
                                     "handler": actor_name(ctx.staff)}, community=case.community)
    return 200, {"case_id": case.case_id, "state": "resolved"}


class SampleProgram(Program):
    name = "sample_program"
    store = Store("sample_program", Outbox, Inbox, create_tables=True)
    program = ProgramAnnouncer(MANIFEST)
    router = router
    case_rules = SampleCases(
        auto_accept=os.environ.get("SAMPLE_AUTO_ACCEPT", "true").lower() == "true")
