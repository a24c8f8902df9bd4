"""What the fund pays for, and its own rule on a payment beside the ledger's: money spent on a
cat names one of the community's cats."""
from datetime import datetime

from sqlalchemy.orm import Session

from minzi.api import Staff
from minzi.i18n import Names

from ..models import Entry
from . import ledger
from .cats import get_cat

CATEGORIES: Names = {
    "sterilisation": ("绝育", "Sterilisation"),
    "vet": ("看病", "Vet care"),
    "vaccination": ("疫苗", "Vaccination"),
    "food": ("猫粮", "Food"),
    "shelter": ("猫舍", "Shelter"),
    "other": ("其他", "Other"),
}


def record_expense(session: Session, community: str, data: dict, by: Staff,
                   now: datetime) -> tuple[Entry, bool]:
    """A payment from the fund (see ``ledger.record_expense``); one for a cat the community
    does not have is refused (``cat_not_found``)."""
    def known_cat() -> None:
        if data.get("cat_id") is not None:
            get_cat(session, community, data["cat_id"], field="cat_id")
    return ledger.record_expense(session, community, data, by, now, check=known_cat)
