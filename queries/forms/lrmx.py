"""Writing .lrmx forms in the editor's element order (its XML reader is order-sensitive)."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

from graphsvc.form_layout import FAMILY_ELEMENTS, LRMX_ORDER
from queries.forms.document import FormDocument

__all__ = ["FAMILY_ORDER", "LRMX_ORDER", "write_lrmx"]

# Each family element with the key the document keeps it under.
FAMILY_ORDER = tuple(
    zip(FAMILY_ELEMENTS, ("relation", "name", "birth", "politics", "workplace"), strict=True)
)


def write_lrmx(document: FormDocument) -> bytes:
    """The form as .lrmx bytes (UTF-8 XML, root ``Person``)."""
    root = ET.Element("Person")
    for name in LRMX_ORDER:
        element = ET.SubElement(root, name)
        if name == "JiaTingChengYuan":
            for member in document.family:
                item = ET.SubElement(element, "Item")
                for tag, key in FAMILY_ORDER:
                    ET.SubElement(item, tag).text = member.get(key, "")
        elif name == "ZhaoPian":
            element.text = base64.b64encode(document.photo).decode() if document.photo else ""
        else:
            element.text = document.get(name)
    ET.indent(root, space="  ")
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body + b"\n"
