"""The fund's money ledger: exact, insert-only, never below zero.

Rules (plain Python on a SQLAlchemy session; nothing here knows nameko, nor cats):

* money is integer fen (see ``money``); amounts reach here already as fen;
* every movement first locks its community's ``funds`` row (``SELECT … FOR UPDATE`` on
  PostgreSQL; on SQLite the first statement is a write, which takes the database's write lock),
  so concurrent spending is serialised and the balance check cannot race;
* the balance never goes negative (checked here, and by a CHECK constraint underneath);
* entries are never edited or deleted; a reversal is a new entry pointing at the old one, an
  entry is reversed at most once, and a reversal is never itself reversed;
* a request repeated with the same idempotency key returns the original entry;
* money is booked on the Beijing date of the moment it is recorded (``now``), unless the
  request names an earlier date; a date in the future is refused.
"""
import hashlib
import json
from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, NotFound, Staff
from minzi.i18n import Names
from minzi.localtime import local_date

from ..models import Entry, Fund, NumberSeries
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
NUMBER_PREFIX = "CF"
# What an expense was for, repeated on its reversal so that reports net out. ``cat_id`` is the
# one column of the stray-cat fund's own on an entry.
PURPOSE = ("category", "cat_id")


# -- locking and numbering ------------------------------------------------------------------------

def _insert_ignore(session: Session, model: type, **values: object) -> None:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        statement = postgresql.insert(model).values(**values).on_conflict_do_nothing()
    elif dialect == "sqlite":
        statement = sqlite.insert(model).values(**values).on_conflict_do_nothing()
    else:  # pragma: no cover - the fund runs on PostgreSQL or SQLite
        if session.get(model, next(iter(values.values()))) is not None:
            return
        statement = model.__table__.insert().values(**values)
    session.execute(statement)


def lock_fund(session: Session, community: str, now: datetime) -> Fund:
    """The community's fund row, locked until the transaction ends (created on first use)."""
    _insert_ignore(session, Fund, community=community, balance_fen=0, entry_count=0,
                   created_at=now, updated_at=now)
    return session.scalars(
        select(Fund).where(Fund.community == community).with_for_update()
        .execution_options(populate_existing=True)).one()


def read_fund(session: Session, community: str) -> Fund:
    fund = session.get(Fund, community)
    return fund if fund is not None else Fund(community=community, balance_fen=0, entry_count=0)


def next_number(session: Session, year: int) -> str:
    """``CF-2026-000123``: sequential per year, no gaps, unique."""
    _insert_ignore(session, NumberSeries, year=year, last=0)
    last = session.execute(
        update(NumberSeries).where(NumberSeries.year == year)
        .values(last=NumberSeries.last + 1).returning(NumberSeries.last)).scalar_one()
    return f"{NUMBER_PREFIX}-{year}-{last:06d}"


# -- entries --------------------------------------------------------------------------------------

def fingerprint(kind: str, data: dict) -> str:
    canonical = {k: (v.isoformat() if isinstance(v, date) else v)
                 for k, v in sorted(data.items()) if k != "idempotency_key"}
    raw = json.dumps([kind, canonical], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _replay(session: Session, community: str, kind: str, data: dict) -> Entry | None:
    """The entry an earlier request with the same idempotency key made, if any."""
    key = data.get("idempotency_key")
    if not key:
        return None
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


def _add_entry(session: Session, fund: Fund, kind: str, amount_fen: int, delta_fen: int,
               data: dict, by: Staff, now: datetime, **columns: object) -> Entry:
    fund.balance_fen += delta_fen
    if fund.balance_fen < 0:  # the callers check first; this is the last word before the CHECK
        raise AssertionError("the balance may never go negative")
    fund.entry_count += 1
    fund.updated_at = now
    today = local_date(now)
    entry = Entry(
        number=next_number(session, today.year), community=fund.community, kind=kind,
        amount_fen=amount_fen, delta_fen=delta_fen,
        occurred_on=data.get("occurred_on") or today,
        description=data.get("description"),
        idempotency_key=data.get("idempotency_key"),
        fingerprint=fingerprint(kind, data) if data.get("idempotency_key") else None,
        recorded_by=by, recorded_at=now, **columns)
    session.add(entry)
    session.flush()
    return entry


def _check_date(data: dict, now: datetime) -> None:
    when = data.get("occurred_on")
    if when is not None and when > local_date(now):
        raise DomainError("date_in_future", "日期不能晚于今天", "The date cannot be in the future",
                          field="occurred_on")


def record_donation(session: Session, community: str, data: dict, by: Staff,
                    now: datetime) -> tuple[Entry, bool]:
    """Money in. Returns ``(entry, created)``; ``created`` is False for a repeated request."""
    _check_date(data, now)
    fund = lock_fund(session, community, now)
    earlier = _replay(session, community, "donation", data)
    if earlier is not None:
        return earlier, False
    anonymous = bool(data.get("anonymous"))
    entry = _add_entry(
        session, fund, "donation", data["amount"], data["amount"], data, by, now,
        donor_name=data.get("donor_name"),
        donor_contact=data.get("donor_contact"), anonymous=anonymous,
        may_publish_name=bool(data.get("agreed_to_be_named")) and not anonymous,
        channel=data["channel"])
    return entry, True


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


def record_expense(session: Session, community: str, data: dict, by: Staff, now: datetime, *,
                   check: Callable[[], None] | None = None) -> tuple[Entry, bool]:
    """Money out, refused if it is more than the balance. Returns ``(entry, created)``.

    ``check`` is the fund's own word on the payment (a rule that may refuse it); it runs once
    the fund is locked and the request is known to be new, before the balance is looked at."""
    _check_date(data, now)
    fund = lock_fund(session, community, now)
    earlier = _replay(session, community, "expense", data)
    if earlier is not None:
        return earlier, False
    if check is not None:
        check()
    amount = data["amount"]
    if amount > fund.balance_fen:
        raise _insufficient(fund.balance_fen, amount)
    return _add_entry(
        session, fund, "expense", amount, -amount, data, by, now,
        invoice_ref=data["invoice_ref"], payee=data.get("payee"),
        approved_by=data["approved_by"], **{column: data.get(column) for column in PURPOSE}), True


def reverse_entry(session: Session, community: str, entry_id: int, data: dict, by: Staff,
                  now: datetime) -> tuple[Entry, bool]:
    """Undo an entry with a new one pointing at it. Returns ``(reversal, created)``."""
    fund = lock_fund(session, community, now)
    data = {**data, "entry_id": entry_id}
    earlier = _replay(session, community, "reversal", data)
    if earlier is not None:
        return earlier, False
    original = get_entry(session, community, entry_id)
    if original.kind == "reversal":
        raise DomainError("reversal_of_reversal",
                          f"{original.number} 本身是一笔冲正，不能再冲正；如需更正请重新登记",
                          f"{original.number} is itself a reversal and cannot be reversed; "
                          "record the entry again instead")
    already = session.scalars(select(Entry).where(Entry.reverses_id == original.id)).first()
    if already is not None:
        raise DomainError("already_reversed",
                          f"{original.number} 已于 {already.number} 冲正，不能重复冲正",
                          f"{original.number} was already reversed by {already.number}")
    delta = -original.delta_fen
    if fund.balance_fen + delta < 0:
        raise _insufficient(fund.balance_fen, original.amount_fen, reversal=True)
    return _add_entry(
        session, fund, "reversal", original.amount_fen, delta, data, by, now,
        reverses_id=original.id, reason=data["reason"], channel=original.channel,
        **{column: getattr(original, column) for column in PURPOSE}), True


def get_entry(session: Session, community: str, entry_id: int) -> Entry:
    entry = session.get(Entry, entry_id)
    if entry is None or entry.community != community:
        raise NotFound("entry_not_found", f"没有编号为 {entry_id} 的账目",
                       f"No ledger entry number {entry_id}")
    return entry


def reversed_by(session: Session, entry_ids: list[int]) -> dict[int, str]:
    """``{entry id: the number of the entry that reversed it}``."""
    if not entry_ids:
        return {}
    rows = session.execute(select(Entry.reverses_id, Entry.number)
                           .where(Entry.reverses_id.in_(list(entry_ids)))).all()
    return dict(rows)


def ledger_sum(session: Session, community: str) -> int:
    """The sum of every entry: always equal to the fund's balance."""
    return int(session.scalar(select(func.coalesce(func.sum(Entry.delta_fen), 0))
                              .where(Entry.community == community)))


def public_donor(entry: Entry, lang: str = "zh") -> str:
    """How the public sees a donor: by name only when they agreed to it."""
    if entry.may_publish_name and not entry.anonymous and entry.donor_name:
        return entry.donor_name
    return ANONYMOUS[1] if lang == "en" else ANONYMOUS[0]
