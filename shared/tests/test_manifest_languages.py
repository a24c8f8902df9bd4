"""Every program's manifest, and the template a new program starts from, names what it offers in
both languages: names and descriptions as ``{zh, en}``, and the texts Open311 gives every reader
alike (a service type's group, an attribute's description, a choice's name) as
"中文 / English"."""
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
MANIFESTS = [*sorted(ROOT.glob("services/*/manifest.yaml")),
             ROOT / "shared/minzi/templates/program/manifest.yaml"]
CHINESE = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")


def both(text: str) -> bool:
    """"中文 / English": Chinese before the slash, English after it."""
    zh, slash, en = str(text).rpartition(" / ")
    return bool(slash and CHINESE.search(zh) and LATIN.search(en) and not CHINESE.search(en))


def texts(manifest: dict):
    """Each text of the manifest a reader meets, with where it is."""
    for field in ("name", "description"):
        yield field, manifest.get(field)
    for kind in manifest["service_types"]:
        where = kind["code"]
        yield f"{where}.name", kind["name"]
        yield f"{where}.description", kind.get("description")
        yield f"{where}.group", kind.get("group")
        for attribute in kind.get("attributes") or []:
            yield f"{where}.{attribute['code']}.description", attribute["description"]
            for value in attribute.get("values") or []:
                yield f"{where}.{attribute['code']}.{value['key']}", value["name"]


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.parent.name)
def test_every_text_a_manifest_gives_has_both_languages(path):
    manifest = yaml.safe_load(path.read_text(encoding="utf-8").replace(
        "__NAME_ZH__", "新项目").replace("__NAME_EN__", "New program"))
    missing = []
    for where, text in texts(manifest):
        if text is None:
            continue
        if isinstance(text, dict):
            if not (text.get("zh") and text.get("en")):
                missing.append(where)
        elif not both(text):
            missing.append(f"{where}: {text}")
    assert missing == []
