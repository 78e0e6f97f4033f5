"""Selection: ``check``, ``match`` (a post, or a whole round), ``bench``, ``conflicts``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from cli import (
    AsOfOption,
    JsonOption,
    PolicyOption,
    StoreOption,
    as_of_day,
    err,
    fail,
    open_graph,
    out,
    print_json,
    read_policy,
    write_report_file,
)


def register(app: typer.Typer) -> None:
    """Add the selection commands to ``app``."""
    app.command()(check)
    app.command()(match)
    app.command(name="bench")(bench_command)
    app.command()(conflicts)


# The verdicts as the committee reads them; JSON keeps the codes.
VERDICT_TITLES = {
    "eligible": "符合任职条件",
    "eligible_with_warnings": "符合任职条件（有需注意事项）",
    "not_eligible": "不符合任职条件",
}

# Avoidance conflicts by their Chinese names (the rules' names are their units' titles).
CONFLICT_TITLES = {
    "same_unit": "同单位回避",
    "superior_subordinate": "上下级回避",
    "sensitive_function": "敏感岗位回避",
    "regional": "地域回避",
}


def _rule(code: str) -> str:
    """A rule or conflict by its Chinese name, the code (as in JSON and the policy) after."""
    from queries.selection.rules import BY_NAME

    title = BY_NAME[code].title if code in BY_NAME else CONFLICT_TITLES.get(code)
    return f"{title}（{code}）" if title else code


def _who(person: Mapping[str, Any]) -> str:
    """现任 post, leadership or 职级, age: what a committee reads first about a candidate."""
    held = "领导职务" if person.get("leader") else f"职级{person.get('rank') or '未登记'}"
    flags = "".join(f"【{flag}】" for flag in person.get("flags") or [])
    return f"{person.get('current_post') or '无现职'}（{held}，{person.get('age')}岁）{flags}"


def _ids(text: str | None) -> list[str]:
    """``"P1, P2"`` → ``["P1", "P2"]``."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def check(
    cadre: Annotated[str, typer.Option("--cadre", help="Cadre id.")],
    post: Annotated[str, typer.Option("--post", help="Post id.")],
    store: StoreOption = None,
    policy: PolicyOption = None,
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
) -> None:
    """Does appointing CADRE to POST pass the rules? Rule by rule, with avoidance conflicts."""
    from queries.selection.check import NotFound, check_appointment

    with open_graph(store, need_data=True) as graph:
        try:
            result = check_appointment(
                store=graph,
                cadre_id=cadre,
                post_id=post,
                policy=read_policy(policy),
                as_of=as_of_day(as_of),
            )
        except NotFound as error:
            fail(str(error), 1)
    if as_json:
        print_json(result)
        return
    colour = {"eligible": "green", "eligible_with_warnings": "yellow"}.get(result["verdict"], "red")
    out.print(
        f"{result['cadre_name']}（{cadre}）→ {result['post_name']}（{result['unit_name']}）："
        f"[{colour}]{VERDICT_TITLES.get(result['verdict'], result['verdict'])}[/]"
    )
    marks = {"pass": "[green]✓[/]", "warn": "[yellow]![/]", "fail": "[red]✗[/]"}
    for rule in result["rules"]:
        out.print(f"  {marks[rule['status']]} {_rule(rule['rule'])}：{rule['message']}")
    for conflict in result["conflicts"]:
        out.print(f"  [red]✗ {_rule(conflict['rule'])}[/]：{conflict['message']}")
        for step in conflict["chain"]:
            out.print(f"      {step}")


def match(
    post: Annotated[
        str | None, typer.Option("--post", help="Post id to rank candidates for.")
    ] = None,
    all_posts: Annotated[
        bool, typer.Option("--all", help="Fill a whole round (default: every vacant post).")
    ] = False,
    posts: Annotated[
        str | None, typer.Option("--posts", help="With --all: comma-separated post ids.")
    ] = None,
    must_fill: Annotated[
        str | None, typer.Option("--must-fill", help="With --all: posts that must be filled.")
    ] = None,
    min_young_share: Annotated[
        float,
        typer.Option("--min-young-share", min=0, max=1, help="With --all: share under 35."),
    ] = 0.0,
    own_unit: Annotated[
        str, typer.Option("--own-unit", help="With --all: allow, exclude or prefer own unit.")
    ] = "allow",
    out_file: Annotated[
        Path | None, typer.Option("--out", help="With --all: write a report (.xlsx or .html).")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many candidates.")] = 10,
    store: StoreOption = None,
    policy: PolicyOption = None,
    as_of: AsOfOption = None,
    write_back: Annotated[
        bool,
        typer.Option("--write-back", help="Store them as CANDIDATE_FOR edges (for Browser)."),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Ranked candidates for a post (--post), or a whole round filled best overall (--all)."""
    from queries.selection.candidates import rank_candidates, write_back_candidates
    from queries.selection.check import NotFound

    if all_posts == (post is not None):
        fail("请给出 --post 岗位编号 或 --all，二者选其一", 2)
    if all_posts:
        _match_round(
            store=store,
            policy=policy,
            as_of=as_of,
            posts=posts,
            must_fill=must_fill,
            min_young_share=min_young_share,
            own_unit=own_unit,
            out_file=out_file,
            write_back=write_back,
            as_json=as_json,
        )
        return
    assert post is not None
    with open_graph(store, need_data=True) as graph:
        try:
            result = rank_candidates(
                store=graph,
                post_id=post,
                policy=read_policy(policy),
                as_of=as_of_day(as_of),
                limit=limit,
            )
        except NotFound as error:
            fail(str(error), 1)
        if write_back:
            written = write_back_candidates(store=graph, results=[result])
            err.print(f"已将 {written} 条 CANDIDATE_FOR 关系写入 {graph.url}")
    if as_json:
        print_json(result)
        return
    out.print(
        f"{result['post_name']}（{result['unit_name']}，{result['level']}）："
        f"在{result['scope_name']}范围内考察 {result['considered']} 人，"
        f"符合条件 {result['eligible']} 人"
    )
    table = Table()
    for column in (
        "名次",
        "干部",
        "现任职务",
        "总分",
        "专业匹配",
        "工作经历",
        "工作实绩",
        "成长发展",
        "班子适配",
        "理由",
    ):
        table.add_column(column)
    for c in result["candidates"]:
        parts = c["parts"]
        table.add_row(
            str(c["place"]),
            f"{c['name']} {c['cadre_id']}",
            _who(dict(c)),
            f"{c['score']:.3f}",
            *(
                f"{parts[k]:.2f}"
                for k in ("specialty", "experience", "performance", "development", "team_fit")
            ),
            "；".join(c["reasons"]),
        )
    out.print(table)


def _match_round(
    *,
    store: str | None,
    policy: Path | None,
    as_of: str | None,
    posts: str | None,
    must_fill: str | None,
    min_young_share: float,
    own_unit: str,
    out_file: Path | None,
    write_back: bool,
    as_json: bool,
) -> None:
    from queries.analyses import ANALYSES
    from queries.selection.assignment import InfeasibleRound
    from queries.selection.candidates import SelectionContext, write_back_candidates
    from queries.selection.round import run_round

    if own_unit not in {"allow", "exclude", "prefer"}:
        fail(f"--own-unit 只能是 allow、exclude 或 prefer，这里是“{own_unit}”", 2)
    with open_graph(store, need_data=True) as graph:
        with err.status("正在为本轮每个岗位排序人选……"):
            context = SelectionContext.load(
                graph, policy=read_policy(policy), as_of=as_of_day(as_of)
            )
            unknown = [p for p in _ids(posts) + _ids(must_fill) if p not in context.posts]
            if unknown:
                fail(f"未找到以下编号的岗位：{'、'.join(unknown)}", 1)
            try:
                result = run_round(
                    context=context,
                    post_ids=_ids(posts) or None,
                    must_fill=_ids(must_fill),
                    min_young_share=min_young_share,
                    own_unit=own_unit,  # type: ignore[arg-type]
                )
            except InfeasibleRound as error:
                fail(str(error), 1)
        if write_back:
            rows = [
                {
                    "post_id": a["post_id"],
                    "as_of": result["as_of"],
                    "candidates": [
                        {
                            "cadre_id": a["cadre_id"],
                            "place": 1,
                            "score": a["score"],
                            "reasons": a["reasons"],
                        }
                    ],
                }
                for a in result["assignments"]
            ]
            written = write_back_candidates(store=graph, results=rows)
            err.print(f"已将 {written} 条 CANDIDATE_FOR 关系写入 {graph.url}")
    report = ANALYSES["round"].report
    if out_file is not None and report is not None:
        write_report_file(report(result, context), out_file)
    if as_json:
        print_json(result)
        return
    table = Table(
        title=f"{result['posts']} 个岗位中配备 {len(result['assignments'])} 个，"
        f"总分 {result['total']:.3f}（求解方法 {result['method']}）"
    )
    for column in ("选配范围", "岗位", "干部", "现任职务", "得分", "理由"):
        table.add_column(column)
    for a in result["assignments"]:
        table.add_row(
            a["scope_name"],
            f"{a['post_name']} {a['post_id']}",
            f"{a['name']} {a['cadre_id']}",
            _who(dict(a)),
            f"{a['score']:.3f}",
            "；".join(a["reasons"][:3]),
        )
    out.print(table)


def bench_command(
    store: StoreOption = None,
    policy: PolicyOption = None,
    as_of: AsOfOption = None,
    posts: Annotated[
        str | None,
        typer.Option("--posts", help="Comma-separated post ids (default: all team posts)."),
    ] = None,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write a report (.xlsx or .html).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Succession bench per leadership post: ready now, in 1–2 years; no bench; retiring soon."""
    from queries.analyses import ANALYSES
    from queries.selection.bench import succession_bench
    from queries.selection.candidates import SelectionContext

    chosen = _ids(posts) or None
    with (
        open_graph(store, need_data=True) as graph,
        err.status("正在读取每个岗位的后备人选……"),
    ):
        context = SelectionContext.load(graph, policy=read_policy(policy), as_of=as_of_day(as_of))
        missing = [p for p in chosen or [] if p not in context.posts]
        if missing:
            fail(f"未找到以下编号的岗位：{'、'.join(missing)}", 1)
        result = succession_bench(context=context, post_ids=chosen)
    report = ANALYSES["bench"].report
    if out_file is not None and report is not None:
        write_report_file(report(result, context), out_file)
    if as_json:
        print_json(result)
        return
    table = Table(title=f"后备梯队（{len(result['no_bench'])} 个岗位无后备人选）")
    for column in ("岗位", "现可接任", "1年内可接任", "2年内可接任", "现任"):
        table.add_column(column)
    for p in result["posts"]:
        incumbents = (
            "、".join(
                f"{i['name']}" + (f"（{i['retires']}退休）" if i["retiring_soon"] else "")
                for i in p["incumbents"]
            )
            or "空缺"
        )
        table.add_row(
            f"{p['post_name']} {p['post_id']}",
            "、".join(c["name"] + "".join(f"【{f}】" for f in c["flags"]) for c in p["ready_now"])
            or "[red]无[/]",
            str(p["ready_in_1y_count"]),
            str(p["ready_in_2y_count"]),
            incumbents,
        )
    out.print(table)


def conflicts(
    store: StoreOption = None,
    policy: PolicyOption = None,
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
) -> None:
    """Avoidance conflicts that exist now among the posts people hold, with their chains."""
    from queries.selection.check import current_conflicts

    with open_graph(store, need_data=True) as graph:
        found = current_conflicts(store=graph, policy=read_policy(policy), as_of=as_of_day(as_of))
    if as_json:
        print_json({"conflicts": found})
        return
    for conflict in found:
        out.print(
            f"[red]{_rule(conflict['rule'])}[/] {conflict['cadre_id']}：{conflict['message']}"
        )
        for step in conflict["chain"]:
            out.print(f"    {step}")
    out.print(f"共 {len(found)} 处回避冲突")
