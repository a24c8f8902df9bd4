"""养犬自律协会 (the dog-owners' association) on the Minzi bus.

``Program`` brings the case inbox, announcing, and the ``api`` / ``openapi`` RPCs; this service
adds the timer that finds dogs whose rabies vaccination or registration falls due and keeps a
reminder for each, once. The rules are in ``domain/``, the staff API in ``api.py``."""
import logging
import os
from pathlib import Path

from nameko.timer import timer

from minzi.contract import ProgramAnnouncer
from minzi.envelope import utcnow
from minzi.program import Program
from minzi.store import Store

from .api import router
from .domain import cases
from .domain.reminders import remind_due
from .models import Inbox, Outbox

MANIFEST = Path(__file__).resolve().parent.parent / "manifest.yaml"
REMIND_INTERVAL = float(os.environ.get("REMIND_INTERVAL_SECONDS", 3600))

_log = logging.getLogger(__name__)


class DogOwnersService(Program):
    name = "dog_owners"

    store = Store("dog_owners", Outbox, Inbox)
    program = ProgramAnnouncer(MANIFEST)
    router = router
    case_rules = cases

    @timer(interval=REMIND_INTERVAL, eager=True)
    def remind(self) -> None:
        """Dogs falling due within the days ahead: one reminder per dog and due date (at once
        when the service starts, then every ``REMIND_INTERVAL_SECONDS``)."""
        with self.store.transaction() as tx:
            made = remind_due(tx.session, utcnow())
        if made:
            _log.info("reminders made: %s", len(made))
