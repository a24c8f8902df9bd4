"""Open311's XML shapes from the same dicts as its JSON."""
import re
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

# the element a list's items are written as, by the list's own element name
ITEM_NAMES = {"services": "service", "service_requests": "request", "attributes": "attribute",
              "values": "value", "errors": "error", "endpoints": "endpoint",
              "formats": "format"}

# what XML 1.0 cannot hold (control characters, unpaired surrogates, U+FFFE/FFFF): a resident's
# text may carry any of them, and one would make the whole list unreadable
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """``text`` with each character XML 1.0 does not allow replaced by U+FFFD (the
    replacement character)."""
    return _NOT_XML.sub("\ufffd", text)


def _fill(parent: Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(SubElement(parent, key), item)
    elif isinstance(value, list):
        name = ITEM_NAMES.get(parent.tag, "item")
        for item in value:
            _fill(SubElement(parent, name), item)
    elif value is None:
        pass
    elif isinstance(value, bool):
        parent.text = "true" if value else "false"
    else:
        parent.text = xml_text(str(value))


def to_xml(root: str, value: Any) -> bytes:
    element = Element(root)
    _fill(element, value)
    return b'<?xml version="1.0" encoding="utf-8"?>' + tostring(element, encoding="utf-8")
