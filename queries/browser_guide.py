"""The graphsvc guide for Neo4j Browser (``:play URL``), made from the saved-query library.

Browser shows a remote guide as slides of HTML: a ``<pre class="runnable">`` block
goes into the editor when clicked and runs when its play icon is clicked; an
``<input value-for="x">`` rewrites every ``<span value-key="x">`` as the analyst
types. The guide has a first slide that applies the graphsvc style and sets the
day (``asOf``), and one slide per saved query with its parameters and its text,
so an analyst needs nothing from the repository.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

from queries.cypher_library import GRASS_STYLE, SavedQuery, saved_queries

__all__ = ["EXAMPLE_VALUES", "GUIDE_TITLE", "browser_guide_html", "param_block", "style_command"]

GUIDE_TITLE = "graphsvc 干部工作图谱分析查询"

# Example values shaped like the sample district's ids; the analyst types real ones.
EXAMPLE_VALUES: Mapping[str, str] = {"cadreId": "C000010", "unitId": "U00001"}
_PARAM_NAMES_ZH: Mapping[str, str] = {
    "cadreId": "干部编号",
    "unitId": "单位编号",
    "asOf": "统计日期",
}


def style_command(style: str | None = None) -> str:
    """The ``:style`` command that applies the graphsvc Browser style, on one line.

    Parameters
    ----------
    style : str, optional
        The grass text; by default ``queries/browser/graphsvc.grass``.

    Returns
    -------
    str
        ``:style node { ... } ...`` with whitespace collapsed, as Browser's editor takes it.
    """
    text = style if style is not None else GRASS_STYLE.read_text(encoding="utf-8")
    return ":style " + " ".join(text.split())


def param_block(name: str) -> str:
    """The runnable block that sets one parameter, as guide HTML.

    ``asOf`` is today (``date()``); any other parameter takes the value typed into the
    input beside it (Browser's ``value-for`` / ``value-key`` binding).
    """
    if name == "asOf":
        return '<pre class="runnable code">:param asOf =&gt; date()</pre>'
    example = html.escape(EXAMPLE_VALUES.get(name, ""))
    label = html.escape(_PARAM_NAMES_ZH.get(name, name))
    key = html.escape(name)
    return (
        f'<p>{label}（{key}）：<input type="text" value-for="{key}" value="{example}"></p>'
        f'<pre class="runnable code">:param {key} =&gt; '
        f"'<span value-key=\"{key}\">{example}</span>'</pre>"
    )


def _title_zh(query: SavedQuery) -> str:
    """The Chinese part of a query's title (``干部关系网络 — a cadre's network`` → 干部关系网络)."""
    return query.title.split(" — ")[0].strip()


def _param_names(query: SavedQuery) -> str:
    return "、".join(f"{_PARAM_NAMES_ZH.get(p, p)}（{p}）" for p in query.params) or "无"


def _query_slide(query: SavedQuery) -> str:
    params = "".join(param_block(name) for name in query.params)
    steps = (
        "先点击参数块左侧的运行图标设置参数，" if query.params else "本查询不需要参数。"
    ) + "点击查询块把它放入编辑器，再按运行；或点击查询块左侧的运行图标直接运行。"
    return (
        '<slide class="row-fluid">'
        '<div class="col-sm-3">'
        f"<h3>{html.escape(_title_zh(query))}</h3>"
        f'<p class="lead">查询名：<code>{html.escape(query.name)}</code></p>'
        f"<p>参数：{html.escape(_param_names(query))}</p>"
        "</div>"
        '<div class="col-sm-9">'
        f"<p>{html.escape(steps)}</p>"
        f"{params}"
        f'<pre class="runnable code" data-query="{html.escape(query.name)}">'
        f"{html.escape(query.text)}</pre>"
        "</div></slide>"
    )


def _first_slide(queries: Mapping[str, SavedQuery], style: str) -> str:
    rows = "".join(
        f"<tr><td>{number}</td><td>{html.escape(_title_zh(q))}</td>"
        f"<td>{html.escape(_param_names(q))}</td></tr>"
        for number, q in enumerate(queries.values(), start=2)
    )
    return (
        '<slide class="row-fluid">'
        '<div class="col-sm-3">'
        f"<h3>{html.escape(GUIDE_TITLE)}</h3>"
        '<p class="lead">已保存的分析查询，点击即可使用，无需从代码库复制文件。</p>'
        "<p>数据均为 graphsvc 加载的干部工作图谱；"
        "涉及亲属和监督记录的查询仅供有权限的分析人员使用。</p>"
        "</div>"
        '<div class="col-sm-9">'
        "<h4>第一步：应用 graphsvc 样式</h4>"
        "<p>点击下方样式块左侧的运行图标：干部为红色，导师橙色，岗位蓝色，单位绿色，项目紫色，"
        "节点标题为中文姓名或名称。</p>"
        # A short box: the style is long and the next steps must stay in view.
        '<pre class="runnable code" data-style="graphsvc" '
        'style="max-height:5.5em;overflow-y:auto">'
        f"{html.escape(style)}</pre>"
        "<h4>第二步：设置统计日期</h4>"
        "<p>凡依日期判断“现任”的查询都使用参数 asOf；默认今天，也可改为某次会议的日期"
        "（例如 <code>:param asOf =&gt; date('2026-06-30')</code>），以便复现当日结果。</p>"
        f"{param_block('asOf')}"
        "<h4>第三步：选择查询</h4>"
        "<p>用右侧箭头翻页，每页一个查询：</p>"
        f'<table class="table"><tr><th>页</th><th>查询</th><th>参数</th></tr>{rows}</table>'
        "</div></slide>"
    )


def browser_guide_html(
    *, queries: Mapping[str, SavedQuery] | None = None, style: str | None = None
) -> str:
    """The whole guide: a first slide (style, ``asOf``, contents), then one slide a query.

    Parameters
    ----------
    queries : mapping of str to SavedQuery, optional
        The queries to list; by default every saved query (``queries/cypher/*.cypher``).
    style : str, optional
        The grass text; by default ``queries/browser/graphsvc.grass``.

    Returns
    -------
    str
        HTML for Browser's ``:play URL`` (an ``<article class="guide">`` of ``<slide>`` s).
    """
    chosen = queries if queries is not None else saved_queries()
    slides = [_first_slide(chosen, style_command(style))]
    slides.extend(_query_slide(query) for query in chosen.values())
    return (
        '<article class="guide">'
        '<carousel class="deck container-fluid">' + "\n".join(slides) + "</carousel></article>\n"
    )
