"""流浪猫爱心基金会 (the stray-cat charity fund) on the Minzi bus. ``Program`` brings the case
inbox, announcing, and the ``api`` / ``openapi`` RPCs; the rules are in ``domain/``, the staff
API in ``api.py``."""
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


class CatFund(Program):
    name = "cat_fund"

    store = Store("cat_fund", Outbox, Inbox)
    program = ProgramAnnouncer(MANIFEST)
    router = router
    case_rules = cases
    openapi_field_types: ClassVar[dict] = {Yuan: ("string", None)}   # yuan strings: "12.50"
