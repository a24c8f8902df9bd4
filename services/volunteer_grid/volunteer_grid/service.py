"""志愿者网格（区长负责制）(Volunteer grid) on the Minzi bus.

``Program`` brings the case inbox, announcing, and the ``api`` / ``openapi`` RPCs; the rules are
in ``domain/``, the staff API in ``api.py``. An appointment publishes
``volunteer_grid.head_appointed`` through the outbox, in the same transaction (``domain/posts``)."""
from pathlib import Path

from minzi.contract import ProgramAnnouncer
from minzi.program import Program
from minzi.store import Store

from .api import router
from .domain import cases
from .models import Inbox, Outbox

MANIFEST = Path(__file__).resolve().parent.parent / "manifest.yaml"


class VolunteerGridService(Program):
    name = "volunteer_grid"

    store = Store("volunteer_grid", Outbox, Inbox)
    program = ProgramAnnouncer(MANIFEST)
    router = router
    case_rules = cases
