"""Charts drawn on the server as inline SVG: no chart library, and the text stays Chinese
in the reader's own fonts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from markupsafe import Markup, escape

__all__ = [
    "bars",
    "chain_graph",
    "columns",
    "milestones",
    "paired_columns",
    "parts_bars",
    "timeline",
]

_BLUE, _GREY, _RED, _GREEN = "#2f6fb3", "#e6e9ef", "#c0392b", "#2e8b57"
PART_NAMES = {
    "specialty": "专业匹配",
    "experience": "经历",
    "performance": "考核业绩",
    "development": "培养发展",
    "team_fit": "班子结构",
}


def _svg(width: int, height: int, body: str, label: str) -> Markup:
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}"'
        f' role="img" aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">{body}</svg>'
    )


def bars(
    rows: Sequence[tuple[str, float]],
    *,
    maximum: float = 1.0,
    percent: bool = True,
    target: float | None = None,
    label: str = "图表",
    width: int = 560,
    label_width: int = 150,
) -> Markup:
    """Horizontal bars, one row per (label, value); ``target`` draws a red line."""
    row_h, bar_w = 26, width - label_width - 70
    parts = []
    for index, (name, value) in enumerate(rows):
        y = index * row_h
        share = max(0.0, min(value / maximum, 1.0)) if maximum else 0.0
        colour = _RED if target is not None and value < target else _BLUE
        text = f"{value:.0%}" if percent else f"{value:,.0f}"
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end">{escape(name)}</text>'
            f'<rect x="{label_width}" y="{y + 5}" width="{bar_w}" height="16" fill="{_GREY}"/>'
            f'<rect x="{label_width}" y="{y + 5}" width="{share * bar_w:.1f}" height="16"'
            f' fill="{colour}"/>'
            f'<text x="{label_width + bar_w + 6}" y="{y + 17}">{text}</text>'
        )
    height = max(len(rows), 1) * row_h + 6
    if target is not None and maximum:
        x = label_width + min(target / maximum, 1.0) * bar_w
        parts.append(
            f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - 4}" stroke="{_RED}"'
            f' stroke-dasharray="4 3"/>'
        )
    return _svg(width, height, "".join(parts), label)


def parts_bars(parts: dict[str, float], weights: dict[str, float]) -> Markup:
    """A candidate's score parts as small bars, each with its weight."""
    rows = [(f"{PART_NAMES.get(k, k)}×{weights.get(k, 0):g}", v) for k, v in parts.items()]
    return bars(rows, label="得分构成", width=330, label_width=118)


def columns(rows: Sequence[tuple[str, float]], *, label: str = "图表", width: int = 560) -> Markup:
    """Vertical columns with counts (a distribution)."""
    height, base, top = 190, 160, 20
    peak = max((v for _, v in rows), default=0) or 1
    step = width / max(len(rows), 1)
    parts = []
    for index, (name, value) in enumerate(rows):
        h = (base - top) * value / peak
        x = index * step + step * 0.2
        parts.append(
            f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{step * 0.6:.1f}" height="{h:.1f}"'
            f' fill="{_BLUE}"/>'
            f'<text x="{x + step * 0.3:.1f}" y="{base - h - 5:.1f}" text-anchor="middle">'
            f"{value:,.0f}</text>"
            f'<text x="{x + step * 0.3:.1f}" y="{base + 18}" text-anchor="middle">'
            f"{escape(name)}</text>"
        )
    return _svg(width, height, "".join(parts), label)


def chain_graph(chain: Sequence[str], *, label: str = "关系链") -> Markup:
    """A relation chain (from the avoidance check) as boxes joined by arrows, top to bottom."""
    box_w, box_h, gap = 420, 34, 22
    parts = [
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7"'
        f' markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{_RED}"/>'
        "</marker></defs>"
    ]
    for index, step in enumerate(chain):
        y = index * (box_h + gap) + 2
        parts.append(
            f'<rect x="2" y="{y}" rx="6" width="{box_w}" height="{box_h}" fill="#fff5f3"'
            f' stroke="{_RED}"/>'
            f'<text x="{2 + box_w / 2}" y="{y + 22}" text-anchor="middle">{escape(step)}</text>'
        )
        if index < len(chain) - 1:
            parts.append(
                f'<line x1="{2 + box_w / 2}" y1="{y + box_h}" x2="{2 + box_w / 2}"'
                f' y2="{y + box_h + gap - 2}" stroke="{_RED}" marker-end="url(#arrow)"/>'
            )
    height = len(chain) * (box_h + gap)
    return _svg(box_w + 4, max(height, box_h + 4), "".join(parts), label)


def timeline(
    items: Sequence[tuple[str, date | None, date | None]],
    *,
    today: date,
    width: int = 760,
    label: str = "任职经历",
) -> Markup:
    """Posts held over time: one bar per (name, start, end); an open end runs to today."""
    dated = [(n, s, e or today) for n, s, e in items if s is not None]
    if not dated:
        return Markup("")
    first = min(s for _, s, _ in dated).year
    last = today.year + 1
    label_w, row_h = 250, 24
    span_w = width - label_w - 10
    scale = span_w / max(last - first, 1)

    def x_of(day: date) -> float:
        return label_w + (day.year - first + (day.month - 1) / 12) * scale

    parts = []
    for year in range(first, last + 1, max(1, (last - first) // 8 or 1)):
        x = label_w + (year - first) * scale
        parts.append(
            f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{len(dated) * row_h}" stroke="#dde"/>'
            f'<text x="{x:.1f}" y="{len(dated) * row_h + 16}" text-anchor="middle">{year}</text>'
        )
    for index, (name, start, end) in enumerate(dated):
        y = index * row_h
        short = name if len(name) <= 16 else name[:15] + "…"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end"><title>{escape(name)}'
            f"</title>{escape(short)}</text>"
            f'<rect x="{x_of(start):.1f}" y="{y + 5}" height="14" rx="3" fill="{_GREEN}"'
            f' width="{max(x_of(end) - x_of(start), 3):.1f}"/>'
        )
    return _svg(width, len(dated) * row_h + 24, "".join(parts), label)


def paired_columns(
    rows: Sequence[tuple[str, float, float]],
    *,
    names: tuple[str, str],
    links: Sequence[str] = (),
    label: str = "图表",
    width: int = 560,
) -> Markup:
    """Two columns per label (demand in red beside supply in blue) with a legend; with
    ``links``, each pair is a link (to the people behind it)."""
    height, base, top = 210, 160, 34
    peak = max((max(a, b) for _, a, b in rows), default=0) or 1
    step = width / max(len(rows), 1)
    parts = [
        f'<rect x="4" y="4" width="12" height="12" fill="{_RED}"/>'
        f'<text x="22" y="15">{escape(names[0])}</text>'
        f'<rect x="124" y="4" width="12" height="12" fill="{_BLUE}"/>'
        f'<text x="142" y="15">{escape(names[1])}</text>'
    ]
    for index, (name, first, second) in enumerate(rows):
        x = index * step + step * 0.15
        pair = []
        for offset, value, colour in ((0.0, first, _RED), (0.36, second, _BLUE)):
            h = (base - top) * value / peak
            left = x + step * offset
            pair.append(
                f'<rect x="{left:.1f}" y="{base - h:.1f}" width="{step * 0.34:.1f}"'
                f' height="{h:.1f}" fill="{colour}"><title>{escape(name)}：{value:,.0f}</title>'
                f"</rect>"
                f'<text x="{left + step * 0.17:.1f}" y="{base - h - 4:.1f}"'
                f' text-anchor="middle">{value:,.0f}</text>'
            )
        pair.append(
            f'<text x="{x + step * 0.35:.1f}" y="{base + 18}" text-anchor="middle">'
            f"{escape(name)}</text>"
        )
        body = "".join(pair)
        if index < len(links):
            body = f'<a href="{escape(links[index])}">{body}</a>'
        parts.append(body)
    return _svg(width, height, "".join(parts), label)


def milestones(
    steps: Sequence[tuple[str, date | None]], *, label: str = "时间线", width: int = 760
) -> Markup:
    """Days on one line, first to last (today, each rule met, ready ...); a step without a
    day sits past the end, marked 日期无法确定."""
    dated = [d for _, d in steps if d is not None]
    if not dated:
        return Markup("")
    first, last = min(dated), max(dated)
    span_days = max((last - first).days, 1)
    left, right = 30, width - 150
    row_h = 22
    parts = [f'<line x1="{left}" y1="12" x2="{right}" y2="12" stroke="{_GREY}" stroke-width="4"/>']
    for index, (name, day) in enumerate(steps):
        x = right + 60 if day is None else left + (right - left) * (day - first).days / span_days
        colour = _GREY if day is None else (_GREEN if index == 0 else _BLUE)
        when = "日期无法确定" if day is None else day.isoformat()
        y = 34 + index * row_h
        parts.append(
            f'<circle cx="{x:.1f}" cy="12" r="6" fill="{colour}" stroke="#555"/>'
            f'<line x1="{x:.1f}" y1="18" x2="{x:.1f}" y2="{y - 4}" stroke="#bbb"/>'
            f'<text x="{min(x, width - 220):.1f}" y="{y + 10}">{escape(name)}：{when}</text>'
        )
    return _svg(width, 44 + len(steps) * row_h, "".join(parts), label)
