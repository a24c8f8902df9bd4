"""A fund's money ledger: exact, insert-only, never below zero. Any program with a fund keeps
its books with it (the stray-cat fund, a co-building fund), each in its own database.

The tables: a program declares them on its own ``Base`` from the mixins here, adding columns of
its own to an entry if it has any, and creates them in its own alembic migration::

    class Fund(FundMixin, Base): pass                 # "funds": one row per community
    class NumberSeries(NumberSeriesMixin, Base): pass # "number_series": entry numbers per year
    class Entry(EntryMixin, Base): pass               # "entries": every movement of money

    books = Ledger(Fund, Entry, NumberSeries, prefix="CB")

The rules (plain Python on a SQLAlchemy session; nothing here knows nameko, nor any program):

* money is integer fen (``minzi.money``); amounts reach here already as fen;
* every movement first locks its community's ``funds`` row (``SELECT … FOR UPDATE`` on
  PostgreSQL; on SQLite the first statement is a write, which takes the database's write lock),
  so concurrent spending is serialised and the balance check cannot race;
* the balance never goes negative (checked here, and by a CHECK constraint underneath);
* entries are never edited or deleted; a reversal is a new entry pointing at the old one, an
  entry is reversed at most once, and a reversal is never itself reversed;
* a request repeated with the same idempotency key returns the original entry; the same key on
  a different request is refused;
* every entry says who recorded it and when; money is booked on the Beijing date of the moment
  it is recorded (``now``), unless the request names an earlier date; a date in the future is
  refused.
"""
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column, relationship, selectinload

from .api import Conflict, DomainError, NotFound, Staff
from .db import UTCDateTime
from .envelope import utcnow
from .i18n import Names
from .localtime import local_date
from .money import yuan

CHANNELS: Names = {
    "cash": ("现金", "Cash"),
    "wechat": ("微信", "WeChat Pay"),
    "alipay": ("支付宝", "Alipay"),
    "bank_transfer": ("银行转账", "Bank transfer"),
    "other": ("其他", "Other"),
}
KINDS: Names = {
    "donation": ("捐款", "Donation"),
    "expense": ("支出", "Expense"),
    "reversal": ("冲正", "Reversal"),
}
ANONYMOUS = ("匿名", "Anonymous")


# -- the tables -----------------------------------------------------------------------------------

class FundMixin:
    """One fund per community: the row every money movement locks, and its running balance."""
    __tablename__ = "funds"
    __table_args__ = (CheckConstraint("balance_fen >= 0", name="ck_funds_balance_not_negative"),)

    community: Mapped[str] = mapped_column(String(50), primary_key=True)
    balance_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    entry_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class NumberSeriesMixin:
    """The numbering of entries (``CF-2026-000123``): one series per year, no gaps."""
    __tablename__ = "number_series"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class EntryMixin:
    """A money movement. ``delta_fen`` is signed: donations +, expenses -, reversals the opposite
    of what they reverse. ``amount_fen`` is always positive. A program adds its own columns
    (the cat a payment was for, say) on its subclass."""
    __tablename__ = "entries"
    __table_args__ = (
        UniqueConstraint("community", "idempotency_key", name="uq_entries_idempotency"),
        CheckConstraint("amount_fen > 0", name="ck_entries_amount_positive"),
        CheckConstraint("kind IN ('donation', 'expense', 'reversal')", name="ck_entries_kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    community: Mapped[str] = mapped_column(String(50), ForeignKey("funds.community"),
                                           nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    amount_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    delta_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    occurred_on: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    # donations
    donor_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    donor_contact: Mapped[str | None] = mapped_column(String(200), nullable=True)
    anonymous: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    may_publish_name: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    channel: Mapped[str | None] = mapped_column(String(30), nullable=True)
    # expenses (a reversal of an expense repeats its category, so reports net out)
    category: Mapped[str | None] = mapped_column(String(30), nullable=True, index=True)
    invoice_ref: Mapped[str | None] = mapped_column(String(100), nullable=True)
    payee: Mapped[str | None] = mapped_column(String(200), nullable=True)
    approved_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    # reversals
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("entries.id"), unique=True,
                                                    nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    # who and when
    idempotency_key: Mapped[str | None] = mapped_column(String(100), nullable=True)
    fingerprint: Mapped[str | None] = mapped_column(String(64), nullable=True)
    recorded_by: Mapped[dict] = mapped_column(JSON, nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    @declared_attr
    def reverses(cls):
        """The entry this one reverses (named by string: the mapped class is the program's)."""
        return relationship(cls.__name__, remote_side=f"{cls.__name__}.id",
                            foreign_keys=f"{cls.__name__}.reverses_id")


# -- helpers that need no table -------------------------------------------------------------------

def fingerprint(kind: str, data: dict) -> str:
    """What a request asked for, minus its key: the same request twice has the same one, its
    fields in any order. (Stored with each entry: a change here must give the same hashes.)"""
    canonical = {k: (v.isoformat() if isinstance(v, date) else v)
                 for k, v in data.items() if k != "idempotency_key"}
    raw = json.dumps([kind, canonical], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def public_donor(entry: EntryMixin, lang: str = "zh") -> str:
    """How the public sees a donor: by name only when they agreed to it."""
    if entry.may_publish_name and not entry.anonymous and entry.donor_name:
        return entry.donor_name
    return ANONYMOUS[1] if lang == "en" else ANONYMOUS[0]


def is_income(entry: EntryMixin) -> bool:
    """Money in: a donation, or a donation's reversal (income taken back, not spending)."""
    return entry.kind == "donation" or (entry.kind == "reversal"
                                        and entry.reverses.kind == "donation")


def totals(entries: Iterable[EntryMixin]) -> dict:
    """The public report's figures, in fen, from a fund's entries (``Ledger.entries``).

    Income is donations net of their reversals, spending payments net of theirs (by category
    too); each is booked in the month of its own date. ``by_month`` is in date order with the
    balance at each month's end."""
    months = defaultdict(lambda: {"income": 0, "spending": 0, "by_category": defaultdict(int)})
    by_category = defaultdict(int)
    income = spending = count = 0
    for entry in entries:
        count += 1
        month = months[entry.occurred_on.strftime("%Y-%m")]
        if is_income(entry):
            month["income"] += entry.delta_fen
            income += entry.delta_fen
        else:
            month["spending"] -= entry.delta_fen
            month["by_category"][entry.category] -= entry.delta_fen
            by_category[entry.category] -= entry.delta_fen
            spending -= entry.delta_fen
    running = 0
    by_month = []
    for key in sorted(months):
        month = months[key]
        running += month["income"] - month["spending"]
        by_month.append({"month": key, "income": month["income"], "spending": month["spending"],
                         "spending_by_category": dict(month["by_category"]),
                         "balance_at_month_end": running})
    return {"income": income, "spending": spending, "balance": income - spending,
            "entry_count": count, "spending_by_category": dict(by_category),
            "by_month": by_month}


def _check_date(data: dict, now: datetime) -> None:
    when = data.get("occurred_on")
    if when is not None and when > local_date(now):
        raise DomainError("date_in_future", "日期不能晚于今天", "The date cannot be in the future",
                          field="occurred_on")


def _no_entry(entry_id: int) -> NotFound:
    return NotFound("entry_not_found", f"没有编号为 {entry_id} 的账目",
                    f"No ledger entry number {entry_id}")


def _insufficient(balance_fen: int, amount_fen: int, *, reversal: bool = False) -> DomainError:
    if reversal:
        return DomainError(
            "insufficient_funds",
            f"冲正这笔捐款会使余额为负：当前余额 {yuan(balance_fen)} 元，"
            f"需冲回 {yuan(amount_fen)} 元",
            f"Reversing this donation would make the balance negative: the balance is "
            f"{yuan(balance_fen)} yuan, the donation {yuan(amount_fen)} yuan")
    return DomainError(
        "insufficient_funds",
        f"余额不足：当前余额 {yuan(balance_fen)} 元，本次支出 {yuan(amount_fen)} 元",
        f"Not enough money: the balance is {yuan(balance_fen)} yuan, this payment "
        f"{yuan(amount_fen)} yuan", field="amount")


def _insert_ignore(session: Session, model: type, **values: object) -> None:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        statement = postgresql.insert(model).values(**values).on_conflict_do_nothing()
    else:  # SQLite: a fund runs on PostgreSQL, or on SQLite when embedded and in tests
        statement = sqlite.insert(model).values(**values).on_conflict_do_nothing()
    session.execute(statement)


# -- a program's books ----------------------------------------------------------------------------

class Ledger:
    """A program's books on its own tables: ``Ledger(Fund, Entry, NumberSeries, prefix="CF")``.

    ``prefix`` starts every entry's number (``CF-2026-000001``). ``columns`` names the columns
    the program added to its ``Entry`` (the cat a payment was for, the unit a donation came
    from): each is taken from the request on a donation or a payment and repeated on its
    reversal, so that what the program counts by them nets out."""

    def __init__(self, fund: type, entry: type, series: type, *, prefix: str,
                 columns: tuple[str, ...] = ()):
        self.Fund, self.Entry, self.NumberSeries = fund, entry, series
        self.prefix = prefix
        self.columns = columns

    def _own(self, data: dict) -> dict:
        return {column: data.get(column) for column in self.columns}

    # -- locking and numbering

    def lock_fund(self, session: Session, community: str, now: datetime):
        """The community's fund row, locked until the transaction ends (created on first use)."""
        _insert_ignore(session, self.Fund, community=community, balance_fen=0, entry_count=0,
                       created_at=now, updated_at=now)
        return self._locked_fund(session, community)

    def _locked_fund(self, session: Session, community: str):
        """The fund row locked, or None for a community whose fund has had no entry yet: money
        out of it is refused without opening it, so a refusal writes nothing."""
        Fund = self.Fund
        return session.scalars(
            select(Fund).where(Fund.community == community).with_for_update()
            .execution_options(populate_existing=True)).one_or_none()

    def read_fund(self, session: Session, community: str):
        """The community's fund as it stands (an empty one before its first entry)."""
        fund = session.get(self.Fund, community)
        return fund if fund is not None else self.Fund(community=community, balance_fen=0,
                                                       entry_count=0)

    def next_number(self, session: Session, year: int) -> str:
        """``CF-2026-000123``: sequential per year, no gaps, unique."""
        Series = self.NumberSeries
        _insert_ignore(session, Series, year=year, last=0)
        last = session.execute(
            update(Series).where(Series.year == year)
            .values(last=Series.last + 1).returning(Series.last)).scalar_one()
        return f"{self.prefix}-{year}-{last:06d}"

    # -- entries

    def _replay(self, session: Session, community: str, kind: str, data: dict):
        """The entry an earlier request with the same idempotency key made, if any."""
        key = data.get("idempotency_key")
        if not key:
            return None
        Entry = self.Entry
        entry = session.scalars(select(Entry).where(Entry.community == community,
                                                    Entry.idempotency_key == key)).first()
        if entry is None:
            return None
        if entry.fingerprint != fingerprint(kind, data):
            raise Conflict("idempotency_conflict",
                           f"幂等键 {key} 已用于另一笔不同的记录（{entry.number}），请换一个键",
                           f"Idempotency key {key} was already used for a different entry "
                           f"({entry.number}); use a new key",
                           field="idempotency_key")
        return entry

    def _add(self, session: Session, fund, kind: str, amount_fen: int, delta_fen: int,
             data: dict, by: Staff, now: datetime, **columns: object):
        fund.balance_fen += delta_fen
        if fund.balance_fen < 0:  # the callers check first; this is the last word before the CHECK
            raise AssertionError("the balance may never go negative")
        fund.entry_count += 1
        fund.updated_at = now
        today = local_date(now)
        entry = self.Entry(
            number=self.next_number(session, today.year), community=fund.community, kind=kind,
            amount_fen=amount_fen, delta_fen=delta_fen,
            occurred_on=data.get("occurred_on") or today,
            description=data.get("description"),
            idempotency_key=data.get("idempotency_key"),
            fingerprint=fingerprint(kind, data) if data.get("idempotency_key") else None,
            recorded_by=by, recorded_at=now, **columns)
        session.add(entry)
        session.flush()
        return entry

    def record_donation(self, session: Session, community: str, data: dict, by: Staff,
                        now: datetime) -> tuple:
        """Money in. ``data``: ``amount`` (fen), ``channel`` (see ``CHANNELS``), and as the
        program asks ``donor_name``, ``donor_contact``, ``anonymous``, ``agreed_to_be_named``,
        ``occurred_on``, ``description``, ``idempotency_key`` and its own ``columns``. A donor
        is named in public only if they agreed and are not anonymous. Returns ``(entry, created)``;
        ``created`` is False for a repeated request."""
        _check_date(data, now)
        fund = self.lock_fund(session, community, now)
        earlier = self._replay(session, community, "donation", data)
        if earlier is not None:
            return earlier, False
        anonymous = bool(data.get("anonymous"))
        entry = self._add(
            session, fund, "donation", data["amount"], data["amount"], data, by, now,
            donor_name=data.get("donor_name"),
            donor_contact=data.get("donor_contact"), anonymous=anonymous,
            may_publish_name=bool(data.get("agreed_to_be_named")) and not anonymous,
            channel=data["channel"], **self._own(data))
        return entry, True

    def record_expense(self, session: Session, community: str, data: dict, by: Staff,
                       now: datetime, *, check: Callable[[], None] | None = None) -> tuple:
        """Money out, refused if it is more than the balance. ``data``: ``amount`` (fen),
        ``invoice_ref``, ``approved_by``, and as the program asks ``category``, ``payee``,
        ``occurred_on``, ``description``, ``idempotency_key`` and its own ``columns``. Returns
        ``(entry, created)``.

        ``check`` is the program's own word on the payment (a rule that may refuse it); it runs
        once the fund is locked and the request is known to be new, before the balance is
        looked at."""
        _check_date(data, now)
        fund = self._locked_fund(session, community)
        earlier = self._replay(session, community, "expense", data) if fund else None
        if earlier is not None:
            return earlier, False
        if check is not None:
            check()
        amount, balance = data["amount"], fund.balance_fen if fund else 0
        if fund is None or amount > balance:
            raise _insufficient(balance, amount)
        return self._add(
            session, fund, "expense", amount, -amount, data, by, now,
            invoice_ref=data["invoice_ref"], payee=data.get("payee"),
            approved_by=data["approved_by"], category=data.get("category"),
            **self._own(data)), True

    def reverse_entry(self, session: Session, community: str, entry_id: int, data: dict,
                      by: Staff, now: datetime) -> tuple:
        """Undo an entry with a new one pointing at it. ``data``: ``reason``, and
        ``idempotency_key`` as the program asks. Returns ``(reversal, created)``."""
        fund = self._locked_fund(session, community)
        if fund is None:                  # no entry yet in this community: nothing to undo
            raise _no_entry(entry_id)
        data = {**data, "entry_id": entry_id}
        earlier = self._replay(session, community, "reversal", data)
        if earlier is not None:
            return earlier, False
        original = self.get_entry(session, community, entry_id)
        if original.kind == "reversal":
            raise DomainError("reversal_of_reversal",
                              f"{original.number} 本身是一笔冲正，不能再冲正；如需更正请重新登记",
                              f"{original.number} is itself a reversal and cannot be reversed; "
                              "record the entry again instead")
        already = session.scalars(select(self.Entry)
                                  .where(self.Entry.reverses_id == original.id)).first()
        if already is not None:
            raise DomainError("already_reversed",
                              f"{original.number} 已于 {already.number} 冲正，不能重复冲正",
                              f"{original.number} was already reversed by {already.number}")
        delta = -original.delta_fen
        if fund.balance_fen + delta < 0:
            raise _insufficient(fund.balance_fen, original.amount_fen, reversal=True)
        return self._add(
            session, fund, "reversal", original.amount_fen, delta, data, by, now,
            reverses_id=original.id, reason=data["reason"], channel=original.channel,
            category=original.category,
            **{column: getattr(original, column) for column in self.columns}), True

    # -- reading

    def get_entry(self, session: Session, community: str, entry_id: int):
        entry = session.get(self.Entry, entry_id)
        if entry is None or entry.community != community:
            raise _no_entry(entry_id)
        return entry

    def reversed_by(self, session: Session, entry_ids: list[int]) -> dict[int, str]:
        """``{entry id: the number of the entry that reversed it}``."""
        if not entry_ids:
            return {}
        Entry = self.Entry
        rows = session.execute(select(Entry.reverses_id, Entry.number)
                               .where(Entry.reverses_id.in_(list(entry_ids)))).all()
        return dict(rows)

    def ledger_sum(self, session: Session, community: str) -> int:
        """The sum of every entry: always equal to the fund's balance."""
        Entry = self.Entry
        return int(session.scalar(select(func.coalesce(func.sum(Entry.delta_fen), 0))
                                  .where(Entry.community == community)))

    def entries(self, session: Session, community: str, *load: object) -> list:
        """Every entry of the community's fund by date (then as recorded), with what each
        reverses loaded; ``load`` adds loader options of the program's own."""
        Entry = self.Entry
        return list(session.scalars(
            select(Entry).where(Entry.community == community)
            .order_by(Entry.occurred_on, Entry.id)
            .options(selectinload(Entry.reverses), *load)).all())

    def totals(self, session: Session, community: str) -> dict:
        """The public report's figures for a community, in fen (see ``totals``)."""
        return totals(self.entries(session, community))
