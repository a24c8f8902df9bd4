"""The fund's money ledger: exact, insert-only, never below zero.

Rules (plain Python on a SQLAlchemy session; nothing here knows nameko):

* money is integer fen; amounts come in as yuan strings / Decimals with at most two decimals;
* every movement first locks its community's ``funds`` row (``SELECT … FOR UPDATE`` on
  PostgreSQL; on SQLite the first statement is a write, which takes the database's write lock),
  so concurrent spending is serialised and the balance check cannot race;
* the balance never goes negative (checked here, and by a CHECK constraint underneath);
* entries are never edited or deleted; a reversal is a new entry pointing at the old one, an
  entry is reversed at most once, and a reversal is never itself reversed;
* a request repeated with the same idempotency key returns the original entry.
"""
import hashlib
import json
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from minzi.api import Conflict, DomainError, NotFound
from minzi.envelope import utcnow

from .models import Cat, Entry, Fund, NumberSeries

MAX_FEN = 100_000_000 * 100  # a hundred million yuan: anything above is a typing mistake

CATEGORIES = {
    "sterilisation": ("绝育", "Sterilisation"),
    "vet": ("看病", "Vet care"),
    "vaccination": ("疫苗", "Vaccination"),
    "food": ("猫粮", "Food"),
    "shelter": ("猫舍", "Shelter"),
    "other": ("其他", "Other"),
}
CHANNELS = {
    "cash": ("现金", "Cash"),
    "wechat": ("微信", "WeChat Pay"),
    "alipay": ("支付宝", "Alipay"),
    "bank_transfer": ("银行转账", "Bank transfer"),
    "other": ("其他", "Other"),
}
KINDS = {
    "donation": ("捐款", "Donation"),
    "expense": ("支出", "Expense"),
    "reversal": ("冲正", "Reversal"),
}
ANONYMOUS = ("匿名", "Anonymous")
NUMBER_PREFIX = "CF"


def label(table, key, lang="zh"):
    names = table.get(key)
    if names is None:
        return key
    return names[1] if lang == "en" else names[0]


# -- money ----------------------------------------------------------------------------------------

class AmountError(ValueError):
    """An amount that is not a positive number of yuan with at most two decimals."""

    def __init__(self, code, message_en):
        super().__init__(message_en)
        self.code = code


def to_fen(value):
    """Yuan (``"12.50"``, ``12``, ``Decimal("12.5")``) to integer fen; never through float math.

    A JSON number reaches Python as a float: it is taken by its shortest decimal spelling
    (``repr``), which is exactly what the sender wrote for any realistic amount.
    """
    if isinstance(value, bool) or value is None:
        raise AmountError("not_a_number", "Not a valid amount.")
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, int):
        value = Decimal(value)
    if isinstance(value, str):
        text = value.strip()
        if not text or len(text) > 30 or text.lower() in ("nan", "inf", "infinity", "-inf",
                                                            "+inf", "-nan"):
            raise AmountError("not_a_number", "Not a valid amount.")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise AmountError("not_a_number", "Not a valid amount.") from None
    if not isinstance(value, Decimal) or not value.is_finite():
        raise AmountError("not_a_number", "Not a valid amount.")
    if value <= 0:
        raise AmountError("not_positive", "The amount must be greater than 0.")
    fen = value * 100
    if fen != fen.to_integral_value():
        raise AmountError("too_many_decimals", "At most two decimal places (fen).")
    fen = int(fen)
    if fen > MAX_FEN:
        raise AmountError("too_large", "The amount is too large.")
    return fen


def yuan(fen):
    """Integer fen as a yuan string with two decimals: 100000 -> ``"1000.00"``."""
    sign = "-" if fen < 0 else ""
    fen = abs(int(fen))
    return f"{sign}{fen // 100}.{fen % 100:02d}"


# -- locking and numbering ------------------------------------------------------------------------

def _insert_ignore(session, model, **values):
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


def lock_fund(session, community):
    """The community's fund row, locked until the transaction ends (created on first use)."""
    now = utcnow()
    _insert_ignore(session, Fund, community=community, balance_fen=0, entry_count=0,
                   created_at=now, updated_at=now)
    return session.scalars(
        select(Fund).where(Fund.community == community).with_for_update()
        .execution_options(populate_existing=True)).one()


def read_fund(session, community):
    fund = session.get(Fund, community)
    return fund if fund is not None else Fund(community=community, balance_fen=0, entry_count=0)


def next_number(session, year):
    """``CF-2026-000123``: sequential per year, no gaps, unique."""
    _insert_ignore(session, NumberSeries, year=year, last=0)
    last = session.execute(
        update(NumberSeries).where(NumberSeries.year == year)
        .values(last=NumberSeries.last + 1).returning(NumberSeries.last)).scalar_one()
    return f"{NUMBER_PREFIX}-{year}-{last:06d}"


# -- entries --------------------------------------------------------------------------------------

def fingerprint(kind, data):
    canonical = {k: (v.isoformat() if isinstance(v, date) else v)
                 for k, v in sorted(data.items()) if k != "idempotency_key"}
    raw = json.dumps([kind, canonical], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _replay(session, community, kind, data):
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


def _add_entry(session, fund, kind, amount_fen, delta_fen, data, by, today, **columns):
    fund.balance_fen += delta_fen
    if fund.balance_fen < 0:  # the callers check first; this is the last word before the CHECK
        raise AssertionError("the balance may never go negative")
    fund.entry_count += 1
    fund.updated_at = utcnow()
    entry = Entry(
        number=next_number(session, today.year), community=fund.community, kind=kind,
        amount_fen=amount_fen, delta_fen=delta_fen,
        occurred_on=data.get("occurred_on") or today,
        description=data.get("description"),
        idempotency_key=data.get("idempotency_key"),
        fingerprint=fingerprint(kind, data) if data.get("idempotency_key") else None,
        recorded_by=by, recorded_at=utcnow(), **columns)
    session.add(entry)
    session.flush()
    return entry


def _check_date(data, today):
    when = data.get("occurred_on")
    if when is not None and when > today:
        raise DomainError("date_in_future", "日期不能晚于今天", "The date cannot be in the future",
                          field="occurred_on")


def record_donation(session, community, data, by, today):
    """Money in. Returns ``(entry, created)``; ``created`` is False for a repeated request."""
    _check_date(data, today)
    fund = lock_fund(session, community)
    earlier = _replay(session, community, "donation", data)
    if earlier is not None:
        return earlier, False
    anonymous = bool(data.get("anonymous"))
    entry = _add_entry(
        session, fund, "donation", data["amount"], data["amount"], data, by, today,
        donor_name=data.get("donor_name"),
        donor_contact=data.get("donor_contact"), anonymous=anonymous,
        may_publish_name=bool(data.get("agreed_to_be_named")) and not anonymous,
        channel=data["channel"])
    return entry, True


def _insufficient(balance_fen, amount_fen, *, reversal=False):
    if reversal:
        return DomainError(
            "insufficient_funds",
            f"冲正这笔捐款会使余额为负：当前余额 {yuan(balance_fen)} 元，需冲回 {yuan(amount_fen)} 元",
            f"Reversing this donation would make the balance negative: the balance is "
            f"{yuan(balance_fen)} yuan, the donation {yuan(amount_fen)} yuan")
    return DomainError(
        "insufficient_funds",
        f"余额不足：当前余额 {yuan(balance_fen)} 元，本次支出 {yuan(amount_fen)} 元",
        f"Not enough money: the balance is {yuan(balance_fen)} yuan, this payment "
        f"{yuan(amount_fen)} yuan", field="amount")


def record_expense(session, community, data, by, today):
    """Money out, refused if it is more than the balance. Returns ``(entry, created)``."""
    _check_date(data, today)
    fund = lock_fund(session, community)
    earlier = _replay(session, community, "expense", data)
    if earlier is not None:
        return earlier, False
    cat_id = data.get("cat_id")
    if cat_id is not None:
        cat = session.get(Cat, cat_id)
        if cat is None or cat.community != community:
            raise NotFound("cat_not_found", f"没有编号为 {cat_id} 的猫", f"No cat number {cat_id}",
                           field="cat_id")
    amount = data["amount"]
    if amount > fund.balance_fen:
        raise _insufficient(fund.balance_fen, amount)
    return _add_entry(
        session, fund, "expense", amount, -amount, data, by, today,
        category=data["category"], cat_id=cat_id, invoice_ref=data["invoice_ref"],
        payee=data.get("payee"), approved_by=data["approved_by"]), True


def reverse_entry(session, community, entry_id, data, by, today):
    """Undo an entry with a new one pointing at it. Returns ``(reversal, created)``."""
    fund = lock_fund(session, community)
    data = {**data, "entry_id": entry_id}
    earlier = _replay(session, community, "reversal", data)
    if earlier is not None:
        return earlier, False
    original = session.get(Entry, entry_id)
    if original is None or original.community != community:
        raise NotFound("entry_not_found", f"没有编号为 {entry_id} 的账目",
                       f"No ledger entry number {entry_id}")
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
        session, fund, "reversal", original.amount_fen, delta, data, by, today,
        reverses_id=original.id, reason=data["reason"], category=original.category,
        cat_id=original.cat_id, channel=original.channel), True


def get_entry(session, community, entry_id):
    entry = session.get(Entry, entry_id)
    if entry is None or entry.community != community:
        raise NotFound("entry_not_found", f"没有编号为 {entry_id} 的账目",
                       f"No ledger entry number {entry_id}")
    return entry


def reversed_by(session, entry_ids):
    """``{entry id: the number of the entry that reversed it}``."""
    if not entry_ids:
        return {}
    rows = session.execute(select(Entry.reverses_id, Entry.number)
                           .where(Entry.reverses_id.in_(list(entry_ids)))).all()
    return dict(rows)


def ledger_sum(session, community):
    """The sum of every entry: always equal to the fund's balance."""
    return int(session.scalar(select(func.coalesce(func.sum(Entry.delta_fen), 0))
                              .where(Entry.community == community)))


def cat_costs(session, community, cat_ids=None):
    """``{cat id: fen spent on it}``, net of reversals."""
    query = (select(Entry.cat_id, func.sum(-Entry.delta_fen))
             .where(Entry.community == community, Entry.cat_id.is_not(None))
             .group_by(Entry.cat_id))
    if cat_ids is not None:
        query = query.where(Entry.cat_id.in_(list(cat_ids)))
    return {cat_id: int(total) for cat_id, total in session.execute(query).all()}
