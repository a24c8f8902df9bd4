"""可回复短信群发 (Reply-able SMS broadcasts) on the Minzi bus. ``Program`` brings the case inbox,
announcing, and the ``api`` / ``openapi`` RPCs; this service adds the timer that releases scheduled
broadcasts and the SMS relay (``sender.py``). The rules are in ``domain/``, the staff API in
``api.py``. The heads of the grid come from the volunteer grid's events (``heads.py``)."""
import logging
import os
from pathlib import Path

from nameko.dependency_providers import Config
from nameko.timer import timer

from minzi.contract import ProgramAnnouncer
from minzi.envelope import read_envelope, utcnow
from minzi.program import Program
from minzi.store import Store

from .api import router
from .domain import cases
from .domain.broadcasts import release_due
from .domain.grid import apply_head
from .heads import grid_events, require_grid
from .models import Inbox, Outbox
from .sender import SmsSending

MANIFEST = Path(__file__).resolve().parent.parent / "manifest.yaml"
SCHEDULE_INTERVAL = float(os.environ.get("SCHEDULE_INTERVAL_SECONDS", 5))

_log = logging.getLogger(__name__)


class SmsBroadcastService(Program):
    name = "sms_broadcast"

    config = Config()                      # INBOUND_SECRET, the SMS gateway's shared secret
    store = Store("sms_broadcast", Outbox, Inbox)
    program = ProgramAnnouncer(MANIFEST)
    sms = SmsSending()
    router = router
    case_rules = cases

    @grid_events
    def handle_grid_event(self, body: dict, sender: str | None = None) -> None:
        """A head appointed, replaced or gone in the volunteer grid (``heads.py``): set on the
        grid here, once."""
        envelope = read_envelope(body)
        require_grid(sender, self.config)
        community = envelope.get("community")
        with self.store.transaction(event_id=envelope["event_id"], handler="handle_grid_event",
                                    community=community) as tx:
            if tx.duplicate:
                _log.info("%s %s delivered again; already handled", envelope["type"],
                          envelope["event_id"])
                return
            place = apply_head(tx.session, community, envelope["data"], utcnow())
            _log.info("%s: %s", envelope["type"], place.name if place else "not a head here")

    @timer(interval=SCHEDULE_INTERVAL)
    def release_scheduled(self) -> None:
        """Scheduled broadcasts whose time has come get their messages; the relay sends them."""
        with self.store.transaction() as tx:
            released = release_due(tx.session, utcnow())
        if released:
            _log.info("scheduled broadcasts released: %s", released)
        self.sms.wake()
