"""The fund's money: ``minzi.ledger``'s books on the fund's own tables (exact, insert-only,
never below zero; see there for the rules). What is the stray-cat fund's own: its numbers start
``CF``, and a payment names the cat it was for (``cat_id``), repeated on its reversal."""
from minzi.ledger import CHANNELS, KINDS, Ledger, public_donor

from ..models import Entry, Fund, NumberSeries

BOOKS = Ledger(Fund, Entry, NumberSeries, prefix="CF", columns=("cat_id",))

# the fund's rules call these by name (``ledger.record_donation(...)``)
lock_fund = BOOKS.lock_fund
read_fund = BOOKS.read_fund
next_number = BOOKS.next_number
record_donation = BOOKS.record_donation
record_expense = BOOKS.record_expense
reverse_entry = BOOKS.reverse_entry
get_entry = BOOKS.get_entry
reversed_by = BOOKS.reversed_by
ledger_sum = BOOKS.ledger_sum

__all__ = ["BOOKS", "CHANNELS", "KINDS", "get_entry", "ledger_sum", "lock_fund", "next_number",
           "public_donor", "read_fund", "record_donation", "record_expense", "reverse_entry",
           "reversed_by"]
