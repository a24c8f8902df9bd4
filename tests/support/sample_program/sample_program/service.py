"""A program on the contract, as small as one can be: it keeps the cases it receives, accepts
them at once, and resolves them when its staff say so (``POST /cases/{case_id}/resolve``)."""
import os

from marshmallow import Schema, fields
from nameko.messaging import consume
from nameko.rpc import rpc
from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from minzi.api import NotFound, Router
from minzi.consumer import reliable_consume
from minzi.contract import (
    CaseDispatched,
    ProgramAnnouncer,
    program_cases_queue,
    program_discover_queue,
)
from minzi.db import InboxMixin, OutboxMixin
from minzi.envelope import read_envelope
from minzi.store import Store

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


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


class ResolveSchema(Schema):
    result = fields.String(required=True)
    reply = fields.String(load_default=None)


router = Router()


@router.route("GET", "/cases", roles=(), summary="收到的诉求")
def list_cases(ctx):
    with ctx.service.store.session() as session:
        return 200, [{"case_id": c.case_id, "community": c.community, "state": c.state,
                      "chases": c.chases} for c in session.query(ReceivedCase)]


@router.route("POST", "/cases/{case_id}/resolve", body=ResolveSchema, summary="办结")
def resolve(ctx, body):
    with ctx.service.store.transaction() as tx:
        case = tx.session.get(ReceivedCase, int(ctx.params["case_id"]))
        if case is None:
            raise NotFound("case_not_found", "没有这件诉求", "No such case", field="case_id")
        case.state = "resolved"
        tx.publish("case.reported", {"case_id": case.case_id, "program_id": "sample_program",
                                     "status": "resolved", "result": body["result"],
                                     "reply": body.get("reply"),
                                     "handler": ctx.staff["name"]}, community=case.community)
    return 200, {"case_id": case.case_id, "state": "resolved"}


class SampleProgram:
    name = "sample_program"
    store = Store("sample_program", Outbox, Inbox, create_tables=True)
    program = ProgramAnnouncer(os.path.join(HERE, "manifest.yaml"))

    @reliable_consume(program_cases_queue("sample_program"))
    def handle_case(self, body):
        envelope = read_envelope(body)
        with self.store.transaction(event_id=envelope["event_id"], handler="cases") as tx:
            if tx.duplicate:
                return
            if envelope["type"] == "case.dispatched":
                data = CaseDispatched().load(envelope["data"])
                tx.session.merge(ReceivedCase(case_id=data["case_id"],
                                              community=data["community"], state="received",
                                              chases=0, data=envelope["data"]))
                if str(self.program.container.config.get("SAMPLE_AUTO_ACCEPT")).lower() == "true":
                    tx.publish("case.reported", {"case_id": data["case_id"],
                                                 "program_id": "sample_program",
                                                 "status": "accepted", "handler": "值班员"},
                               community=data["community"])
            elif envelope["type"] == "case.chased":
                case = tx.session.get(ReceivedCase, envelope["data"]["case_id"])
                if case is not None:
                    case.chases += 1

    @consume(program_discover_queue("sample_program"))
    def handle_discover(self, body):
        self.program.announce()

    @rpc
    def api(self, request):
        return router.dispatch(request, service=self)

    @rpc
    def openapi(self):
        return {"paths": {}, "components": {"schemas": {}}}
