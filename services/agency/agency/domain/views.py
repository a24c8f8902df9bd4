"""What the agency's staff API shows. The resident's phone and ID number are shown in full to
the program's agents, who work the matter; an admin sees them masked (``minzi.logs.mask_phone``,
``minzi.idcard.mask_id_number``)."""
from datetime import datetime

from sqlalchemy.orm import Session

from minzi.envelope import isoformat
from minzi.i18n import label
from minzi.idcard import mask_id_number
from minzi.logs import mask_phone

from ..models import ProgramCase
from .catalogue import step_view
from .codes import ACTIONS, STAGES, STEP_STATES
from .matters import earlier_matters, is_late, item_of, next_step, stage

FULL, MASKED = "full", "masked"   # how much of a resident a reader sees


def _masked_name(name: str | None) -> str | None:
    return name[0] + "*" * (len(name) - 1) if name else name


def resident_view(case: ProgramCase, level: str) -> dict:
    resident = case.resident or {}
    if level == FULL:
        return {"name": resident.get("name"), "phone": resident.get("phone"),
                "id_number": case.id_number}
    return {"name": _masked_name(resident.get("name")), "phone": mask_phone(resident.get("phone")),
            "id_number": mask_id_number(case.id_number) if case.id_number else None}


def _name(item, lang: str) -> str:
    return item.zh if lang == "zh" else item.en


def summary_view(case: ProgramCase, lang: str, now: datetime, level: str) -> dict:
    item, current = item_of(case), next_step(case)
    state = stage(case)
    return {"case_id": case.case_id, "tracking_code": case.tracking_code,
            "item": case.service_code, "item_name": _name(item, lang), "stage": state,
            "stage_name": label(STAGES, state, lang), "state": case.state,
            "agent": case.owner_username, "agent_name": case.owner_name,
            "next_step": step_view(current, lang)["name"] if current and
            case.state == "received" else None,
            "resident": resident_view(case, level),
            "received_at": isoformat(case.received_at), "due_at": isoformat(case.due_at),
            "finished_at": isoformat(case.finished_at), "late": is_late(case, now)}


def steps_view(case: ProgramCase, lang: str) -> list[dict]:
    done = {entry["code"]: entry for entry in case.steps_done or []}
    current = next_step(case) if case.state == "received" else None
    rows = []
    for step in item_of(case).steps:
        entry = done.get(step.code)
        state = "done" if entry else "next" if current and current.code == step.code \
            else "pending"
        rows.append({**step_view(step, lang), "state": state,
                     "state_name": label(STEP_STATES, state, lang),
                     "done_at": entry["at"] if entry else None,
                     "done_by": entry["by"] if entry else None,
                     "note": entry["note"] if entry else None})
    return rows


def documents_view(case: ProgramCase, lang: str) -> list[dict]:
    received = case.documents or {}
    return [{"code": d.code, "name": d.zh if lang == "zh" else d.en,
             "received": d.code in received,
             "received_at": received.get(d.code, {}).get("at"),
             "received_by": received.get(d.code, {}).get("by")}
            for d in item_of(case).documents]


def matter_view(session: Session, case: ProgramCase, lang: str, now: datetime,
                level: str) -> dict:
    """The agent's matter page: its steps, the documents checklist, the record, and the same
    phone's earlier matters in this program."""
    return {**summary_view(case, lang, now, level), "description": case.description,
            "attributes": case.attributes, "chases": case.chases, "result": case.result,
            "handled_by": case.handled_by, "steps": steps_view(case, lang),
            "documents": documents_view(case, lang),
            "earlier": [summary_view(c, lang, now, level) for c in earlier_matters(session, case)],
            "history": [{**entry, "action_name": label(ACTIONS, entry["action"], lang)}
                        for entry in case.history or []]}
