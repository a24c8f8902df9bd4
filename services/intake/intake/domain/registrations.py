"""Which programs may speak on the bus, as whom, for which communities and service codes.

A program is registered by an admin (``register``) before intake hears it: its RabbitMQ user, the
communities it serves and the service codes it offers. Intake then takes an announcement, a
withdrawal, a report or a submission about a program only from that program's user, as RabbitMQ
vouches for it (``minzi.trust``), and a manifest only within what was registered. In development
the first user to announce a program becomes its owner.
"""
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, Forbidden, NotFound, Staff, actor_name
from minzi.trust import PROGRAM_ID, RESERVED_USERS, UntrustedSender

from ..models import Community, Program, ProgramRegistration

BOOTSTRAP = "bootstrap"                              # the station's own (BOOTSTRAP_PROGRAMS)
FIRST_ANNOUNCEMENT = "first announcement (development)"   # trusted on first use


def registration_view(registration: ProgramRegistration) -> dict:
    return {"program_id": registration.program_id, "bus_user": registration.bus_user,
            "communities": registration.communities,
            "service_codes": registration.service_codes,
            "registered_by": registration.registered_by,
            "registered_for": registration.registered_for,
            "registered_at": registration.registered_at.isoformat()}


def list_registrations(session: Session, staff: Staff) -> list[dict]:
    """An admin sees the programs registered for their community."""
    rows = session.scalars(select(ProgramRegistration)
                           .where(ProgramRegistration.registered_for == staff["community"])
                           .order_by(ProgramRegistration.program_id))
    return [registration_view(r) for r in rows]


def register(session: Session, staff: Staff, data: dict, now: datetime) -> ProgramRegistration:
    """An admin registers a program of their own community: its bus user is its program_id."""
    program_id = data["program_id"]
    if program_id in RESERVED_USERS or not PROGRAM_ID.match(program_id):
        raise DomainError("reserved_program_id", f"「{program_id}」不能用作项目编号",
                          f"'{program_id}' cannot be a program id", field="program_id")
    community = staff["community"]
    if any(c != community for c in data["communities"]):
        raise Forbidden("other_community", "只能为本社区登记项目",
                        "You can register programs for your own community only",
                        field="communities")
    if session.get(Community, community) is None:
        raise NotFound("unknown_community", f"没有社区 {community}", f"No community {community}")
    if session.get(ProgramRegistration, program_id) is not None:
        raise Conflict("program_registered", f"项目 {program_id} 已登记",
                       f"Program {program_id} is registered already", field="program_id")
    taken = _codes_of_others(session, program_id) & set(data["service_codes"])
    if taken:
        raise Conflict("service_code_taken", f"服务编码已属于其他项目：{'、'.join(sorted(taken))}",
                       f"Service codes of another program: {', '.join(sorted(taken))}",
                       field="service_codes")
    registration = ProgramRegistration(
        program_id=program_id, bus_user=program_id, communities=list(data["communities"]),
        service_codes=sorted(set(data["service_codes"])), registered_by=actor_name(staff),
        registered_for=community, registered_at=now)
    session.add(registration)
    session.flush()
    return registration


def unregister(session: Session, staff: Staff, program_id: str) -> ProgramRegistration:
    registration = session.get(ProgramRegistration, program_id)
    if registration is None or registration.registered_for != staff["community"]:
        raise NotFound("unknown_program", f"本社区没有登记项目 {program_id}",
                       f"No program {program_id} registered for your community")
    session.delete(registration)
    session.flush()
    return registration


def register_at_start(session: Session, program_ids: list[str], communities: list[str],
                      now: datetime) -> None:
    """The station's own programs (``BOOTSTRAP_PROGRAMS``), each its own bus user, for every
    community the station serves and any service code no other program registered."""
    for program_id in program_ids:
        registration = session.get(ProgramRegistration, program_id)
        if registration is None:
            session.add(ProgramRegistration(
                program_id=program_id, bus_user=program_id, communities=communities,
                service_codes=None, registered_by=BOOTSTRAP, registered_for=None,
                registered_at=now))
        elif registration.registered_by == BOOTSTRAP:
            # a community the station has begun to serve since: its own programs serve it too
            registration.communities = _joined(registration.communities, communities)
    session.flush()


def _joined(communities: list[str], more: list[str]) -> list[str]:
    return communities + [c for c in more if c not in communities]


def _codes_of_others(session: Session, program_id: str) -> set[str]:
    codes: set[str] = set()
    for other in session.scalars(select(ProgramRegistration)
                                 .where(ProgramRegistration.program_id != program_id)):
        codes.update(other.service_codes or ())
    return codes


def admit_announcement(session: Session, manifest: dict, sender: str | None, *,
                       development: bool, now: datetime) -> None:
    """Refuses (and so parks) an announcement that its sender may not make."""
    program_id = manifest["program_id"]
    registration = session.get(ProgramRegistration, program_id)
    if registration is None and development and sender:
        registration = ProgramRegistration(
            program_id=program_id, bus_user=sender, communities=list(manifest["communities"]),
            service_codes=None, registered_by=FIRST_ANNOUNCEMENT,
            registered_at=now)
        session.add(registration)
        session.flush()
        return
    _require_owner(registration, "program.announced", program_id, sender, development)
    if registration is None:
        return
    if development and registration.registered_by == FIRST_ANNOUNCEMENT:
        # registered by announcing, it may announce more communities the same way
        registration.communities = _joined(registration.communities, manifest["communities"])
    outside = set(manifest["communities"]) - set(registration.communities)
    if outside:
        raise DomainError("community_not_registered",
                          f"项目 {program_id} 未登记服务这些社区：{'、'.join(sorted(outside))}",
                          f"{program_id} is not registered for {', '.join(sorted(outside))}")
    codes = {t["code"] for t in manifest["service_types"]}
    allowed = set(registration.service_codes) if registration.service_codes is not None \
        else codes - _codes_of_others(session, program_id)
    refused = codes - allowed
    if refused:
        raise DomainError("service_not_registered",
                          f"项目 {program_id} 未登记这些服务：{'、'.join(sorted(refused))}",
                          f"{program_id} is not registered for {', '.join(sorted(refused))}")


def admit(session: Session, kind: str, program_id: str, sender: str | None, *,
          development: bool) -> None:
    """A withdrawal, report or submission about ``program_id`` only from its own user."""
    _require_owner(session.get(ProgramRegistration, program_id), kind, program_id, sender,
                   development)


_REGISTRATION_AND_PROGRAM = (   # made once: a report is the message intake takes most often
    select(ProgramRegistration, Program)
    .outerjoin(Program, Program.program_id == ProgramRegistration.program_id)
    .where(ProgramRegistration.program_id == bindparam("program_id")))


def admit_report(session: Session, program_id: str, sender: str | None, *,
                 development: bool) -> Program | None:
    """``case.reported`` only from ``program_id``'s own user. Returns the program's record, read
    with its registration in one statement: the report's history names the program, and while
    the caller holds it, the session finds it again without a round trip (reports are the
    message intake takes most often after registrations)."""
    row = session.execute(_REGISTRATION_AND_PROGRAM, {"program_id": program_id}).first()
    admit(session, "case.reported", program_id, sender, development=development)
    return row[1] if row else None


def _require_owner(registration: ProgramRegistration | None, kind: str, program_id: str,
                   sender: str | None, development: bool) -> None:
    if registration is None:
        if development:
            return
        raise DomainError("program_not_registered",
                          f"项目 {program_id} 尚未登记，不接受它的 {kind}",
                          f"Program {program_id} is not registered: its {kind} is refused")
    if sender != registration.bus_user:
        raise UntrustedSender(kind, sender, registration.bus_user)


def admit_submission(session: Session, submission: dict, sender: str | None, *,
                     development: bool) -> None:
    """A request a program took in, from a registered program's user, for a community it serves,
    naming (if it names one) that program."""
    if development:   # one user may run every program here
        return
    registration = session.scalar(select(ProgramRegistration)
                                  .where(ProgramRegistration.bus_user == sender))
    if registration is None:
        raise UntrustedSender("case.submitted", sender, "已登记的项目 / a registered program")
    named = (submission.get("reference") or {}).get("program_id")
    if named not in (None, registration.program_id):
        raise UntrustedSender("case.submitted", sender, named)
    if submission["community"] not in registration.communities:
        raise DomainError("community_not_registered",
                          f"项目 {registration.program_id} 未登记服务 {submission['community']}",
                          f"{registration.program_id} is not registered for "
                          f"{submission['community']}")
