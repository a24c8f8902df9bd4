"""What the station applies in its community, as a setting staff may change (on the record):

* ``dogs_per_household``: 1 by default. The 《北京市养犬管理规定》 (第十四条) allows one dog per
  household in a key management area (重点管理区), which covers Fengtai's urban streets and so
  彩虹城; a community outside one may allow more.
* ``key_area``: True by default: large (大型犬) and fierce (烈性犬) breeds are banned there
  (``dogs.banned``).
* ``reminder_days``: 30: a vaccination or registration due within so many days is reminded.
"""
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from minzi.api import Staff, actor_name
from minzi.store import Transaction

from ..models import Settings
from .activity import record

DEFAULTS = {"dogs_per_household": 1, "key_area": True, "reminder_days": 30}
FIELDS = tuple(DEFAULTS)


def current(session: Session, community: str) -> dict[str, Any]:
    """The settings in force: the station's own, else the defaults."""
    row = session.get(Settings, community)
    if row is None:
        return dict(DEFAULTS)
    return {key: getattr(row, key) for key in FIELDS}


def settings_row(session: Session, community: str) -> Settings | None:
    return session.get(Settings, community)


def change(tx: Transaction, community: str, data: dict[str, Any], who: Staff,
           now: datetime) -> dict[str, Any]:
    """Change some of the settings; the others keep their value. On the record: before, after."""
    before = current(tx.session, community)
    after = {**before, **{key: data[key] for key in FIELDS if data.get(key) is not None}}
    row = tx.session.get(Settings, community)
    if row is None:
        row = Settings(community=community)
        tx.session.add(row)
    for key in FIELDS:
        setattr(row, key, after[key])
    row.updated_at, row.updated_by = now, actor_name(who)
    record(tx, community, "settings", 0, "changed", who, now, before=before, after=after)
    return after
