"""Intake's own database."""
import secrets
from datetime import datetime

from sqlalchemy import (
    DDL,
    JSON,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    func,
    literal,
    text,
)
from sqlalchemy import case as when
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from minzi.contract import URGENCIES
from minzi.db import InboxMixin, OutboxMixin, UTCDateTime
from minzi.envelope import utcnow


def new_public_id() -> str:
    return "R" + secrets.token_hex(6).upper()


class Base(DeclarativeBase):
    pass


class Outbox(OutboxMixin, Base):
    pass


class Inbox(InboxMixin, Base):
    pass


class Community(Base):
    __tablename__ = "communities"
    id: Mapped[str] = mapped_column(String(41), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))


class Staff(Base):
    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    community_id: Mapped[str] = mapped_column(ForeignKey("communities.id"))
    program_id: Mapped[str | None] = mapped_column(String(41))
    phone: Mapped[str | None] = mapped_column(String(30))
    password_hash: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # an account an admin opened: its first password was the admin's, so the owner sets their own
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)


class StaffToken(Base):
    __tablename__ = "staff_tokens"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ApiKey(Base):
    """An Open311 client's key, good for one community (its jurisdiction_id)."""
    __tablename__ = "api_keys"
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    community_id: Mapped[str] = mapped_column(ForeignKey("communities.id"))
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AccountEvent(Base):
    """What was done to an account or a key, by whom and when: the accounts' record."""
    __tablename__ = "account_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[str] = mapped_column(ForeignKey("communities.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(200))


class ProgramRegistration(Base):
    """A program allowed on the bus: the RabbitMQ user it connects as, and the communities and
    service codes it may offer (``None``: any code no other registered program offers)."""
    __tablename__ = "program_registrations"
    program_id: Mapped[str] = mapped_column(String(41), primary_key=True)
    bus_user: Mapped[str] = mapped_column(String(100))   # (in development, guest owns them all)
    communities: Mapped[list] = mapped_column(JSON)
    service_codes: Mapped[list | None] = mapped_column(JSON)
    registered_by: Mapped[str] = mapped_column(String(100))
    registered_for: Mapped[str | None] = mapped_column(ForeignKey("communities.id"))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Program(Base):
    __tablename__ = "programs"
    program_id: Mapped[str] = mapped_column(String(41), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    rpc_service: Mapped[str | None] = mapped_column(String(100))
    manifest: Mapped[dict] = mapped_column(JSON)
    manifest_hash: Mapped[str] = mapped_column(String(64))
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    live: Mapped[bool] = mapped_column(Boolean, default=True)


class ProgramInstance(Base):
    __tablename__ = "program_instances"
    program_id: Mapped[str] = mapped_column(ForeignKey("programs.program_id"), primary_key=True)
    instance_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ServiceOffer(Base):
    """A service type a program offers in a community, as its manifest last said."""
    __tablename__ = "service_offers"
    program_id: Mapped[str] = mapped_column(ForeignKey("programs.program_id"), primary_key=True)
    community_id: Mapped[str] = mapped_column(String(41), primary_key=True)
    code: Mapped[str] = mapped_column(String(61), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    description_zh: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    group: Mapped[str | None] = mapped_column(String(100))
    keywords: Mapped[list] = mapped_column(JSON, default=list)
    time_limit_hours: Mapped[float] = mapped_column(Float)
    urgency: Mapped[str | None] = mapped_column(String(20))   # 12345's class, if the manifest says
    attributes: Mapped[list] = mapped_column(JSON, default=list)


class CatalogVersion(Base):
    """One row: a token that changes in every transaction that changes what the communities can
    ask for (communities, programs, their offers). A copy of intake keeps the catalog it read
    under its token (``registry``) and reads the token alone while it stays the same."""
    __tablename__ = "catalog_versions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(32))


def new_catalog_token() -> str:
    return secrets.token_hex(16)    # never the same in two databases: copies share no token


@event.listens_for(CatalogVersion.__table__, "after_create")
def _first_catalog_token(table, connection, **_) -> None:
    connection.execute(table.insert().values(id=1, token=new_catalog_token()))


class Case(Base):
    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(16), unique=True)   # the resident's secret
    # what Open311's public lists call it (service_request_id): says nothing of the tracking code
    public_id: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_id)
    request_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    community_id: Mapped[str] = mapped_column(ForeignKey("communities.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(30), index=True)
    resident_name: Mapped[str | None] = mapped_column(String(100))
    resident_phone: Mapped[str | None] = mapped_column(String(30))
    resident_contact: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(String(300))
    lat: Mapped[float | None] = mapped_column(Float)
    long: Mapped[float | None] = mapped_column(Float)
    attributes: Mapped[dict] = mapped_column(JSON, default=dict)
    reference: Mapped[dict | None] = mapped_column(JSON)   # what a program took it in from
    service_code: Mapped[str | None] = mapped_column(String(61), index=True)
    program_id: Mapped[str | None] = mapped_column(String(41), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    handler: Mapped[str | None] = mapped_column(String(100))
    time_limit_hours: Mapped[float | None] = mapped_column(Float)
    # 12345's class: the offer's, or higher where staff raised it; the time limit follows it
    urgency: Mapped[str | None] = mapped_column(String(20), index=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    chase_level: Mapped[int] = mapped_column(Integer, default=0)
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    result: Mapped[str | None] = mapped_column(Text)
    reply: Mapped[str | None] = mapped_column(Text)
    explanation: Mapped[str | None] = mapped_column(Text)
    referral: Mapped[str | None] = mapped_column(Text)
    followup_resolved: Mapped[bool | None] = mapped_column(Boolean)
    followup_satisfied: Mapped[bool | None] = mapped_column(Boolean)
    reopened_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    owner = relationship("Staff", lazy="joined")
    events = relationship("CaseEvent", order_by="CaseEvent.id", back_populates="case")


def urgency_rank(urgency):
    """A queue's first sort key: the most urgent class first, a case without one as general."""
    return when({u: i for i, u in enumerate(URGENCIES)}, value=urgency,
                else_=URGENCIES.index("general"))


def phone_digits(column):
    """A stored phone's digits (it may be written with spaces, dashes or a +)."""
    for mark in (" ", "-", "+"):
        column = func.replace(column, _literal(mark), _literal(""))
    return column


def address_key(column):
    """An address as the duplicate rule compares them: no spaces, half- or full-width, any
    case."""
    return func.lower(func.replace(func.replace(column, _literal(" "), _literal("")),
                                   _literal("\u3000"), _literal("")))


def _literal(value: str):
    """A constant written into the statement, not sent beside it: SQLite uses an index of an
    expression only for the very expression, constants and all (PostgreSQL's driver writes them
    in anyway)."""
    return literal(value, literal_execute=True)


def text_grams(column):
    """The two-character pieces of a text, repeats and all (PostgreSQL, ``minzi_grams``): what the
    searches for a part of a name, an address or a request look up in a GIN index; Chinese
    words are mostly two characters, which trigrams cannot serve."""
    return func.minzi_grams(column)


def case_text_grams(of):
    """The pieces of a case's request, resident's name and address in one array (PostgreSQL,
    ``ix_cases_text_grams``): a search for words finds the cases with every piece of them in
    one scan of one index, whichever of the three texts each word is in. With an index for
    each text, the database made a bitmap of every word's cases and intersected them, and two
    common words were tens of thousands of cases each."""
    return text_grams(func.lower(of.description)).op("||")(
        text_grams(func.lower(of.resident_name))).op("||")(text_grams(address_key(of.address)))


# made with the table where the schema is made without the migrations (create_all: tests);
# PL/pgSQL, not SQL (migration 0015): the server plans a SQL function's body again in every
# statement that writes a case, five times for its three indexes of pieces, and cuts a text
# into characters once rather than counting to each piece from the start
event.listen(Case.__table__, "before_create", DDL("""
    CREATE OR REPLACE FUNCTION minzi_grams(t text) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
    DECLARE
        characters text[] := regexp_split_to_array(t, '');
        pieces text[] := '{}';
    BEGIN
        FOR i IN 1 .. cardinality(characters) - 1 LOOP
            pieces := pieces || (characters[i] || characters[i + 1]);
        END LOOP;
        RETURN pieces;
    END
    $$""").execute_if(dialect="postgresql"))

# what the queues, the searches, the figures and Open311's list read by (migration 0009); those
# on minzi_grams are PostgreSQL's only (SQLite has no such function, and scans)
# (urgency_rank, line by line as PostgreSQL gives it back, so migrations and models compare equal)
QUEUE_ORDER = text("(\nCASE urgency\n" + "".join(
    f"    WHEN '{u}' THEN {i}\n" for i, u in enumerate(URGENCIES))
    + f"    ELSE {URGENCIES.index('general')}\nEND)")
Case.__table__.append_constraint(Index(
    "ix_cases_queue_order", Case.community_id, QUEUE_ORDER, Case.due_at.is_(None), Case.due_at,
    Case.id))
Case.__table__.append_constraint(Index(
    "ix_cases_open_due", Case.community_id, Case.status, Case.due_at))
Case.__table__.append_constraint(Index("ix_cases_owner_status", Case.owner_id, Case.status))
Case.__table__.append_constraint(Index(
    "ix_cases_channel_created", Case.community_id, Case.channel, Case.created_at))
Case.__table__.append_constraint(Index(
    "ix_cases_phone_digits", phone_digits(Case.resident_phone)))
# a registration's look for the open case it repeats (``duplicates``): by the resident's phone
# or the address as the rule compares them, each an exact match, with the community and the
# service type beside it, so that SQLite, with no statistics to go by, takes these over an index
# of fewer of the look's columns (without them the look read every open case of the service in
# the community)
Case.__table__.append_constraint(Index("ix_cases_repeat_phone", Case.resident_phone,
                                       Case.community_id, Case.service_code))
Case.__table__.append_constraint(Index("ix_cases_repeat_address", address_key(Case.address),
                                       Case.community_id, Case.service_code))
Case.__table__.append_constraint(Index(
    "ix_cases_figures", Case.community_id, Case.created_at,
    postgresql_include=["status", "program_id", "first_response_at", "resolved_at",
                        "replied_at", "due_at", "followup_resolved", "followup_satisfied"]))
for _name, _grams in (("ix_cases_name_grams", text_grams(func.lower(Case.resident_name))),
                      ("ix_cases_address_grams", text_grams(address_key(Case.address))),
                      ("ix_cases_text_grams", case_text_grams(Case))):
    Case.__table__.append_constraint(Index(
        _name, _grams, postgresql_using="gin").ddl_if(dialect="postgresql"))


class CaseEvent(Base):
    """The case's history: who did what, when, with what note."""
    __tablename__ = "case_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(30))
    to_status: Mapped[str | None] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)
    public: Mapped[bool] = mapped_column(Boolean, default=True)

    case = relationship("Case", back_populates="events")


class Notification(Base):
    """A message to a resident (or, ``staff_chased`` / ``staff_escalated``, a text to a staff
    member about a case), kept until it is sent (or recorded, when no sender is set)."""
    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("case_id", "purpose", "sequence"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(30))
    sequence: Mapped[int] = mapped_column(Integer, default=1)
    channel: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # after a failed send, not before this (the wait grows with each try)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# -- the figures' counts, day by day ------------------------------------------------------------
# A case counts in the figures of the Beijing day it was registered (Beijing has been UTC+8 all
# year round since 1992), for the program holding it ('' for none). The database keeps each
# day's counts, so that a year's figures add a few thousand rows rather than count a year's
# cases: a trigger on ``cases`` writes what each change adds and takes away
# (``case_figures_changes``, rows only ever added, so that no two transactions wait on one
# row), and intake's timer folds them into ``case_figures_daily``
# (``domain.figures.fold_changes``). A read adds both, in one statement: exact at any moment.
ANSWERED = ("replied", "closed", "out_of_scope")
FIGURE_COUNTS = ("received", "responded", "resolved", "resolved_on_time", "followed_up",
                 "followup_resolved", "satisfied")
# the columns of a case that its counts depend on: a change to any other leaves them as they are
FIGURE_COLUMNS = ("community_id", "created_at", "program_id", "status", "first_response_at",
                  "resolved_at", "replied_at", "due_at", "followup_resolved",
                  "followup_satisfied")


def _figure_columns() -> list[Column]:
    return [Column("community_id", String(41), nullable=False),
            Column("day", Date, nullable=False),
            Column("program_id", String(41), nullable=False),
            *(Column(name, Integer, nullable=False) for name in FIGURE_COUNTS)]


case_figures_daily = Table(
    "case_figures_daily", Base.metadata, *_figure_columns(),
    PrimaryKeyConstraint("community_id", "day", "program_id"))
case_figures_changes = Table(
    "case_figures_changes", Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True), *_figure_columns())


def figure_counts_sql(row: str, sign: int, dialect: str) -> str:
    """What the case ``row`` (``NEW`` or ``OLD``, or a table's name) adds to its day's counts
    (``sign`` -1: takes away), as SQL values in ``case_figures_changes``' order. The same rules
    as ``domain.figures.figures``."""
    answered = (f"({row}.resolved_at IS NOT NULL OR {row}.status IN "
                f"({', '.join(repr(s) for s in ANSWERED)}))")
    counted = (
        "1 = 1",
        f"{row}.first_response_at IS NOT NULL",
        answered,
        f"{answered} AND ({row}.due_at IS NULL OR "
        f"{row}.due_at >= coalesce({row}.resolved_at, {row}.replied_at))",
        f"{row}.followup_resolved IS NOT NULL",
        f"{row}.followup_resolved IS TRUE",
        f"{row}.followup_resolved IS NOT NULL AND {row}.followup_satisfied IS TRUE")
    day = (f"(timezone('UTC', {row}.created_at) + interval '8 hours')::date"
           if dialect == "postgresql" else f"date({row}.created_at, '+8 hours')")
    return ", ".join([f"{row}.community_id", day, f"coalesce({row}.program_id, '')",
                      *(f"CASE WHEN {c} THEN {sign} ELSE 0 END" for c in counted)])


def figure_triggers(dialect: str) -> list[str]:
    """The trigger (PostgreSQL: its function too) that writes a case's changes to its counts."""
    into = ("INSERT INTO case_figures_changes (community_id, day, program_id, "
            f"{', '.join(FIGURE_COUNTS)})")
    old, new = figure_counts_sql("OLD", -1, dialect), figure_counts_sql("NEW", 1, dialect)
    if dialect == "postgresql":
        changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in FIGURE_COLUMNS)
        return [
            f"""CREATE FUNCTION minzi_case_figures() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP <> 'INSERT' AND OLD.status <> 'duplicate' THEN
                    {into} VALUES ({old});
                END IF;
                IF TG_OP <> 'DELETE' AND NEW.status <> 'duplicate' THEN
                    {into} VALUES ({new});
                END IF;
                RETURN NULL;
            END $$""",
            "CREATE TRIGGER case_figures AFTER INSERT OR DELETE ON cases "
            "FOR EACH ROW EXECUTE FUNCTION minzi_case_figures()",
            f"CREATE TRIGGER case_figures_update AFTER UPDATE ON cases FOR EACH ROW "
            f"WHEN ({changed}) EXECUTE FUNCTION minzi_case_figures()"]
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in FIGURE_COLUMNS)
    return [
        f"CREATE TRIGGER case_figures_insert AFTER INSERT ON cases "
        f"WHEN NEW.status <> 'duplicate' BEGIN {into} VALUES ({new}); END",
        f"CREATE TRIGGER case_figures_delete AFTER DELETE ON cases "
        f"WHEN OLD.status <> 'duplicate' BEGIN {into} VALUES ({old}); END",
        f"CREATE TRIGGER case_figures_update AFTER UPDATE ON cases WHEN {changed} BEGIN "
        f"{into} SELECT {old} WHERE OLD.status <> 'duplicate'; "
        f"{into} SELECT {new} WHERE NEW.status <> 'duplicate'; END"]


# made with the tables where the schema is made without the migrations (create_all: tests)
for _dialect in ("postgresql", "sqlite"):
    for _statement in figure_triggers(_dialect):
        event.listen(Base.metadata, "after_create",
                     DDL(_statement).execute_if(dialect=_dialect))
