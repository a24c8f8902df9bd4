"""片儿医 (Neighbourhood doctor) on the Minzi bus.

``Program`` brings the case inbox, announcing, and the ``api`` / ``openapi`` RPCs; the rules are
in ``domain/``, the staff API in ``api.py``."""
from pathlib import Path

from minzi.contract import ProgramAnnouncer
from minzi.program import Program
from minzi.store import Store

from .api import router
from .domain import cases
from .models import Inbox, Outbox

MANIFEST = Path(__file__).resolve().parent.parent / "manifest.yaml"


class DoctorService(Program):
    name = "doctor"

    store = Store("doctor", Outbox, Inbox)
    program = ProgramAnnouncer(MANIFEST)
    router = router
    case_rules = cases
