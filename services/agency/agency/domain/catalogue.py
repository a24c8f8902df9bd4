"""The station's twelve agency items, read from ``manifest.yaml``: each service type there with
its ``agency:`` part (the documents to bring, the steps in order and who finishes each one,
whether the seed names it). Intake reads the same file's service types from the bus and ignores
the ``agency:`` part. A mistake in it stops the service at start, with the item named."""
from dataclasses import dataclass
from pathlib import Path

import yaml

from minzi.i18n import label

from .codes import OFFICES, STEP_KINDS

MANIFEST = Path(__file__).resolve().parent.parent.parent / "manifest.yaml"
RULES = ("age_60",)            # eligibility rules a step may carry


@dataclass(frozen=True)
class Document:
    code: str
    zh: str
    en: str


@dataclass(frozen=True)
class Step:
    code: str
    kind: str
    zh: str
    en: str
    office: str
    rule: str | None = None


@dataclass(frozen=True)
class Item:
    code: str
    zh: str
    en: str
    time_limit_hours: float
    urgency: str
    seed: bool
    seed_words: str | None
    documents: tuple[Document, ...]
    steps: tuple[Step, ...]

    def step(self, code: str) -> Step | None:
        return next((s for s in self.steps if s.code == code), None)

    def document(self, code: str) -> Document | None:
        return next((d for d in self.documents if d.code == code), None)


class CatalogueError(ValueError):
    pass


def _item(raw: dict) -> Item:
    code, agency = raw["code"], raw.get("agency")
    if not agency:
        raise CatalogueError(f"{code}: no agency part (documents and steps)")
    for part in [*(agency.get("steps") or []), *(agency.get("documents") or [])]:
        unknown = set(part) - {"code", "kind", "zh", "en", "office", "rule"}
        if unknown:   # a comma left unquoted in YAML's {…} makes keys of the words after it
            raise CatalogueError(f"{code}: {part.get('code')} has unknown keys "
                                 f"{', '.join(sorted(unknown))}")
    steps = tuple(Step(s["code"], s["kind"], s["zh"], s["en"], s["office"], s.get("rule"))
                  for s in agency.get("steps") or [])
    documents = tuple(Document(d["code"], d["zh"], d["en"])
                      for d in agency.get("documents") or [])
    if not steps or steps[-1].kind != "hand_over":
        raise CatalogueError(f"{code}: the last step hands the result to the resident")
    if len({s.code for s in steps}) != len(steps) or \
            len({d.code for d in documents}) != len(documents):
        raise CatalogueError(f"{code}: a step or document code is repeated")
    for step in steps:
        if step.kind not in STEP_KINDS or step.office not in OFFICES or \
                (step.rule is not None and step.rule not in RULES):
            raise CatalogueError(f"{code}: step {step.code} has an unknown kind, office or rule")
    return Item(code, raw["name"]["zh"], raw["name"]["en"], float(raw["time_limit_hours"]),
                raw["urgency"], bool(agency.get("seed")), agency.get("seed_words"),
                documents, steps)


def load(path: Path = MANIFEST) -> dict[str, Item]:
    with open(path, encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    return {t["code"]: _item(t) for t in raw["service_types"]}


ITEMS: dict[str, Item] = load()


def step_view(step: Step, lang: str) -> dict:
    return {"code": step.code, "kind": step.kind, "name": step.zh if lang == "zh" else step.en,
            "office": step.office, "office_name": label(OFFICES, step.office, lang),
            "rule": step.rule}


def item_view(item: Item, lang: str) -> dict:
    """What anyone may read of an item: what to bring, the steps, who finishes each, how long."""
    zh = lang == "zh"
    return {"code": item.code, "name": item.zh if zh else item.en,
            "time_limit_hours": item.time_limit_hours,
            "time_limit_days": item.time_limit_hours / 24,
            "urgency": item.urgency, "named_in_seed": item.seed,
            "documents": [{"code": d.code, "name": d.zh if zh else d.en} for d in item.documents],
            "documents_text": "；".join(d.zh if zh else d.en for d in item.documents),
            "steps": [step_view(s, lang) for s in item.steps],
            "steps_text": " → ".join(f"{s.zh if zh else s.en}（{label(OFFICES, s.office, lang)}）"
                                     for s in item.steps)}


def catalogue(lang: str) -> dict:
    return {"items": [item_view(item, lang) for item in ITEMS.values()], "count": len(ITEMS)}
