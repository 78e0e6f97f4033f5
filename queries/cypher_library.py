"""The saved Cypher queries analysts run in Neo4j Browser (``queries/cypher/*.cypher``).

Each file starts with ``// title:`` and, when it takes parameters,
``// params: a, b``; in Browser set them first with ``:param a => 'value'``.
Queries whose answer depends on the day take ``asOf`` (``:param asOf => date()``),
so that a committee can reproduce what the graph said on the day it decided.
The Browser style lives beside them in ``queries/browser/graphsvc.grass``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

__all__ = ["GRASS_STYLE", "SavedQuery", "saved_queries"]

_FOLDER = Path(__file__).parent / "cypher"
GRASS_STYLE = Path(__file__).parent / "browser" / "graphsvc.grass"


@dataclass(frozen=True)
class SavedQuery:
    name: str
    title: str
    params: tuple[str, ...]
    text: str

    def browser_script(self, values: dict[str, str] | None = None) -> str:
        """The ``:param`` lines and the query, ready to paste into Browser.

        ``asOf`` (the day that decides what is current) defaults to today.
        """
        lines = []
        for name in self.params:
            value = (values or {}).get(name)
            if value is not None:
                lines.append(f":param {name} => {value!r}")
            elif name == "asOf":
                lines.append(":param asOf => date()")
            else:
                lines.append(f":param {name} => '...'")
        return "\n".join([*lines, self.text])


@cache
def saved_queries() -> dict[str, SavedQuery]:
    """Every saved query by name (the file name without ``.cypher``)."""
    found: dict[str, SavedQuery] = {}
    for path in sorted(_FOLDER.glob("*.cypher")):
        text = path.read_text(encoding="utf-8")
        title = path.stem
        params: tuple[str, ...] = ()
        for line in text.splitlines():
            if line.startswith("// title:"):
                title = line.removeprefix("// title:").strip()
            elif line.startswith("// params:"):
                params = tuple(p.strip() for p in line.removeprefix("// params:").split(","))
        found[path.stem] = SavedQuery(path.stem, title, params, text.strip())
    return found
