"""共驻共建 (Co-building) on the Minzi bus.

``Program`` brings the case inbox, announcing, and the ``api`` / ``openapi`` RPCs; this service
adds the timer that supervises (督办) issues past their deadline. The rules are in ``domain/``,
the staff API in ``api.py``."""
import logging
import os
from pathlib import Path
from typing import ClassVar

from nameko.timer import timer

from minzi.contract import ProgramAnnouncer
from minzi.envelope import utcnow
from minzi.program import Program
from minzi.store import Store

from .api import router
from .domain import cases
from .domain.issues import remind_overdue
from .models import Inbox, Outbox
from .schemas import Yuan

MANIFEST = Path(__file__).resolve().parent.parent / "manifest.yaml"
SUPERVISE_INTERVAL = float(os.environ.get("SUPERVISE_INTERVAL_SECONDS", 60))

_log = logging.getLogger(__name__)


class CoBuildingService(Program):
    name = "co_building"

    store = Store("co_building", Outbox, Inbox)
    program = ProgramAnnouncer(MANIFEST)
    router = router
    case_rules = cases
    openapi_field_types: ClassVar[dict] = {Yuan: ("string", None)}   # yuan strings: "700.00"

    @timer(interval=SUPERVISE_INTERVAL)
    def supervise_overdue(self) -> None:
        """Issues past their deadline are reminded once a Beijing day, on their record."""
        with self.store.transaction() as tx:
            reminded = remind_overdue(tx.session, utcnow())
        if reminded:
            _log.info("overdue issues reminded: %s", reminded)
