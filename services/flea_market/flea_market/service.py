"""跳蚤市场 (Flea market) on the Minzi bus.

``Program`` brings the case inbox, announcing, and the ``api`` / ``openapi`` RPCs; the rules are
in ``domain/``, the staff API in ``api.py``."""
from pathlib import Path
from typing import ClassVar

from minzi.contract import ProgramAnnouncer
from minzi.program import Program
from minzi.store import Store

from .api import router
from .domain import cases
from .models import Inbox, Outbox
from .schemas import Yuan

MANIFEST = Path(__file__).resolve().parent.parent / "manifest.yaml"


class FleaMarketService(Program):
    name = "flea_market"

    store = Store("flea_market", Outbox, Inbox)
    program = ProgramAnnouncer(MANIFEST)
    router = router
    case_rules = cases
    openapi_field_types: ClassVar[dict] = {Yuan: ("string", None)}   # yuan strings: "856.50"
