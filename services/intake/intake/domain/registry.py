"""Which programs are on the bus and which service types they offer, per community.

What a community can ask for (the catalog) is read on every request, and changes only when a
program comes, goes or changes its manifest, or a community is added. Each copy of intake keeps
the catalog it read, under ``catalog_versions``' token, and while the token stays the same reads
only the token: the work of a request then stays the same however many programs a district has.
Every flush that changes a community, an offer or a program (a heartbeat's ``last_seen`` aside)
writes a new token in its own transaction (``_new_token_on_change``), so that nothing kept is
used after a change another transaction can see.
"""
import hashlib
import json
from datetime import datetime, timedelta

from sqlalchemy import and_, event, inspect, select, update
from sqlalchemy.orm import Session

from ..models import (
    CatalogVersion,
    Community,
    Program,
    ProgramInstance,
    ServiceOffer,
    new_catalog_token,
)

PROGRAM_GRACE_FACTOR = 3  # a program is gone after 3 missed heartbeats
KEPT_CATALOGS = 4         # tokens whose catalogs a copy keeps (the newest)
CATALOG_TOKEN = select(CatalogVersion.token).where(CatalogVersion.id == 1)   # read per request

Offer = tuple[ServiceOffer, Program]
# token -> community id -> (the community or None, its live offers); the objects are detached
# and only read, by every request that finds the same token
_catalogs: dict[str, dict[str, tuple[Community | None, list[Offer]]]] = {}


class Registry:
    """Programs, their instances (copies) and their offers, as their announcements said."""

    def __init__(self, session: Session) -> None:
        self.session = session
        # read once per transaction (``community``); what changes them forgets them
        self._communities: dict[str, Community | None] = {}
        self._live: dict[str, list[Offer]] = {}

    def _forget(self) -> None:
        self._communities.clear()
        self._live.clear()

    def announce(self, manifest: dict, now: datetime) -> bool:
        """A program announced itself (or its heartbeat). Returns True if it was not live before."""
        self._forget()
        program = self.session.get(Program, manifest["program_id"])
        came_back = program is None or not program.live
        if program is None:
            program = Program(program_id=manifest["program_id"], first_seen=now,
                              name_zh=manifest["name"]["zh"], manifest={}, manifest_hash="")
            self.session.add(program)
        program.live = True
        program.last_seen = now
        ttl = timedelta(seconds=manifest["heartbeat_seconds"] * PROGRAM_GRACE_FACTOR)
        instance_id = manifest.get("instance_id") or manifest["program_id"]
        instance = self.session.get(ProgramInstance, (program.program_id, instance_id))
        if instance is None:
            self.session.add(ProgramInstance(instance_id=instance_id,
                                             program_id=program.program_id,
                                             expires_at=now + ttl))
        else:
            instance.expires_at = now + ttl
        comparable = {k: v for k, v in manifest.items() if k != "instance_id"}
        comparable_hash = hashlib.sha256(json.dumps(comparable, sort_keys=True, default=str,
                                                    ensure_ascii=False).encode()).hexdigest()
        if program.manifest_hash != comparable_hash:
            program.manifest_hash = comparable_hash
            program.manifest = comparable
            program.name_zh = manifest["name"]["zh"]
            program.name_en = manifest["name"].get("en")
            program.rpc_service = manifest.get("rpc_service")
            self._replace_offers(program.program_id, manifest)
        return came_back

    def _replace_offers(self, program_id: str, manifest: dict) -> None:
        for offer in self.session.scalars(
                select(ServiceOffer).where(ServiceOffer.program_id == program_id)):
            self.session.delete(offer)
        self.session.flush()
        for community in manifest["communities"]:
            for service in manifest["service_types"]:
                description = service.get("description") or {}
                self.session.add(ServiceOffer(
                    program_id=program_id, community_id=community, code=service["code"],
                    name_zh=service["name"]["zh"], name_en=service["name"].get("en"),
                    description_zh=description.get("zh"), description_en=description.get("en"),
                    group=service.get("group"), keywords=service.get("keywords") or [],
                    time_limit_hours=service["time_limit_hours"],
                    urgency=service.get("urgency"),
                    attributes=service.get("attributes") or []))

    def withdraw(self, program_id: str, instance_id: str | None) -> bool:
        """An instance said goodbye. Returns True if that was the program's last instance."""
        self._forget()
        instance = self.session.get(ProgramInstance, (program_id, instance_id or program_id))
        if instance is not None:
            self.session.delete(instance)
            self.session.flush()
        return self._mark_gone_if_no_instance(program_id)

    def expire(self, now: datetime) -> list[str]:
        """Programs whose every instance missed its heartbeats by ``now``; returns their ids."""
        self._forget()
        gone = []
        for instance in self.session.scalars(
                select(ProgramInstance).where(ProgramInstance.expires_at < now)):
            self.session.delete(instance)
        self.session.flush()
        for program in self.session.scalars(select(Program).where(Program.live.is_(True))):
            if self._mark_gone_if_no_instance(program.program_id):
                gone.append(program.program_id)
        return gone

    def _mark_gone_if_no_instance(self, program_id: str) -> bool:
        # locked: two copies of intake noticing at once mark it gone (and tell residents) once
        program = self.session.get(Program, program_id, with_for_update=True,
                                   populate_existing=True)
        if program is None or not program.live:
            return False
        remaining = self.session.scalar(select(ProgramInstance.instance_id).where(
            ProgramInstance.program_id == program_id).limit(1))
        if remaining is None:
            program.live = False
            return True
        return False

    def live_offers(self, community_id: str) -> list[Offer]:
        """What a community can ask for now; when two programs offer a code, the first to
        announce it serves it. Read once per registry (one transaction), with the community;
        what changes them (``announce``, ``withdraw``, ``expire``) forgets it."""
        self.community(community_id)
        return self._live[community_id]

    def community(self, community_id: str) -> Community | None:
        """The community, with what it can ask for now (a request is registered with both);
        None when there is no such community. Read once per registry, from what this copy
        keeps while the catalog's token is unchanged. The objects are detached: read them,
        never change them."""
        if community_id in self._communities:
            return self._communities[community_id]
        token = self.session.scalar(CATALOG_TOKEN)
        kept = _catalogs.get(token, {}).get(community_id)
        if kept is None:
            kept = self._read_catalog(community_id)
            if token:
                _keep(token, community_id, kept)
        self._communities[community_id], self._live[community_id] = kept
        return kept[0]

    def _read_catalog(self, community_id: str) -> tuple[Community | None, list[Offer]]:
        """The community and its live offers in one statement, through a session of their own
        on this transaction's connection: what it reads is this transaction's view, and stays
        out of the caller's session (closed, it leaves the objects detached and loaded)."""
        with Session(bind=self.session.connection()) as reading:
            rows = reading.execute(
                select(Community, ServiceOffer, Program)
                .outerjoin(ServiceOffer, ServiceOffer.community_id == Community.id)
                .outerjoin(Program, and_(Program.program_id == ServiceOffer.program_id,
                                         Program.live.is_(True)))
                .where(Community.id == community_id)
                .order_by(Program.first_seen, ServiceOffer.code)).all()
        if not rows:
            return None, []
        return rows[0][0], _first_offer_of_each_code(
            (offer, program) for _, offer, program in rows if program is not None)

    def offer(self, community_id: str, code: str | None) -> Offer | None:
        for offer, program in self.live_offers(community_id):
            if offer.code == code:
                return offer, program
        return None

    def programs(self) -> list[Program]:
        return list(self.session.scalars(select(Program).order_by(Program.program_id)).all())

    def name(self, program_id: str | None, default: str | None = None) -> str | None:
        """A program's Chinese name, for a record or a message to a resident."""
        program = self.session.get(Program, program_id) if program_id else None
        return program.name_zh if program else default


def _first_offer_of_each_code(rows) -> list[Offer]:
    """When two programs offer a code, the first to announce it (rows come in that order)."""
    offers: dict[str, Offer] = {}
    for offer, program in rows:
        offers.setdefault(offer.code, (offer, program))
    return list(offers.values())


def _keep(token: str, community_id: str, catalog: tuple[Community | None, list[Offer]]) -> None:
    if token not in _catalogs:
        while len(_catalogs) >= KEPT_CATALOGS:
            _catalogs.pop(next(iter(_catalogs)))      # the oldest token kept
        _catalogs[token] = {}
    _catalogs[token][community_id] = catalog


def _changed_in_catalog(session: Session, thing: object) -> bool:
    """A changed row the catalog is read from (a heartbeat only moves a program's last_seen)."""
    if isinstance(thing, Community | ServiceOffer):
        return session.is_modified(thing)
    if isinstance(thing, Program):
        return any(attribute.history.has_changes() for attribute in inspect(thing).attrs
                   if attribute.key != "last_seen")
    return False


@event.listens_for(Session, "after_flush")
def _new_token_on_change(session: Session, _context) -> None:
    """A new catalog token in the transaction of any change to the catalog (the session's
    lists and histories still hold what this flush wrote)."""
    catalog = (Community, ServiceOffer, Program)
    if any(isinstance(thing, catalog) for thing in (*session.new, *session.deleted)) or \
            any(_changed_in_catalog(session, thing) for thing in session.dirty):
        session.connection().execute(update(CatalogVersion).where(CatalogVersion.id == 1)
                                     .values(token=new_catalog_token()))
