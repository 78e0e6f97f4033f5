"""What each role reads in the answers a committee signs, on the sample district served for
real: a viewer walks every API route and every workbench page and finds no supervision or
kinship detail (a verdict says only that a record bars); an analyst reads the record;
mentoring coverage is one figure wherever it is shown; every name in a nine-box is
reachable."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import BrowserContext

from queries.selection.policy import load_policy
from tests.service import make_token
from tests.web.conftest import Workbench, sign_in

PREFIX = "/api/v1"
PUBLIC = "存在影响期内的处分或组织处理"


def _rows(folder: Path, table: str) -> list[dict[str, str]]:
    with (folder / f"{table}.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _detail(district_dir: Path) -> re.Pattern[str]:
    """What a viewer may not read: a supervision record's kind (受诫勉, 影响期至 ...) and a
    kinship chain's relation (系配偶关系 ...), every kind and relation the sample has."""
    kinds = set(load_policy().rules.effect_period.months) | {
        row["类型"] for row in _rows(district_dir, "supervision")
    }
    relations = {row["关系"] for row in _rows(district_dir, "kinship")}
    assert kinds and relations
    words = [f"受{k}" for k in kinds] + ["影响期至"] + [f"系{r}关系" for r in relations]
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def _cases(manifest: dict[str, Any]) -> dict[str, list[str]]:
    """Cadres whose records hold the details, and posts to check them against: the
    sanctioned (in effect on the sample's day), the planted kinship conflicts, the
    vacancies."""
    planted = manifest["planted"]
    sanctioned = sorted({s["cadre_id"] for s in planted["sanctioned"]})
    kin = sorted({c for k in planted["kinship_conflicts"] for c in k["cadres"]})
    return {"sanctioned": sanctioned, "kin": kin, "vacancies": planted["vacancies"]}


def _check_pairs(cases: dict[str, Any], count: int = 12) -> list[tuple[str, str]]:
    """(cadre, vacancy) pairs to check: each sanctioned and kin cadre against vacancies."""
    posts = cases["vacancies"]
    people = cases["sanctioned"][:count] + cases["kin"]
    return [(c, posts[n % len(posts)]) for n, c in enumerate(people)]


def test_a_viewer_reads_no_supervision_or_kinship_detail_on_any_route_or_page(
    context: BrowserContext,
    workbench: Workbench,
    district_dir: Path,
    district_manifest: dict[str, Any],
) -> None:
    detail = _detail(district_dir)
    cases = _cases(district_manifest)
    pairs = _check_pairs(cases)
    token = make_token(workbench.access_db, "viewer", "walker")
    viewer = httpx.Client(
        base_url=workbench.base, headers={"Authorization": f"Bearer {token}"}, timeout=300
    )
    spec = httpx.get(f"{workbench.base}/openapi.json").json()
    ids = {
        "cadre_id": cases["sanctioned"][0],
        "post_id": cases["vacancies"][0],
        "unit_id": viewer.get(f"{PREFIX}/posts/{cases['vacancies'][0]}").json()["unit"]["id"],
        "table": "assessments",
        "mentor_id": _rows(district_dir, "mentors")[0]["导师编号"],
    }
    walked, answered, masked = 0, 0, 0
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            if method != "get" and path != f"{PREFIX}/selection/round":
                continue  # writes: a viewer may not make them (403 before any answer)
            variants = [dict(ids)]
            if "{cadre_id}" in path:
                variants += [{**ids, "cadre_id": c} for c in cases["sanctioned"][:5] + cases["kin"]]
            if "{post_id}" in path:
                variants += [{**ids, "post_id": p} for p in cases["vacancies"]]
            for args in variants:
                params: dict[str, Any] = {}
                for parameter in operation.get("parameters", []):
                    if parameter["in"] == "query" and parameter.get("required"):
                        params[parameter["name"]] = args[parameter["name"]]
                    elif parameter["name"] == "limit" and parameter["in"] == "query":
                        params["limit"] = parameter["schema"].get("maximum", 200)
                url = path.format(**args)
                if method == "get":
                    answers = [viewer.get(url, params=params)]
                else:
                    answers = [viewer.post(url, json={"as_of": "2026-11-01"})]
                if path == f"{PREFIX}/selection/check":
                    answers += [
                        viewer.get(url, params={"cadre_id": c, "post_id": p}) for c, p in pairs
                    ]
                for answer in answers:
                    walked += 1
                    assert answer.status_code in {200, 403, 404}, (url, answer.text[:300])
                    if answer.status_code == 200:
                        answered += 1
                        found = detail.search(answer.text)
                        assert found is None, (url, found and found.group())
                        masked += answer.text.count(PUBLIC)
    assert walked > 60 and answered > 40
    assert masked > 0, "some check or ranking said a record bars, without its detail"

    # Every workbench page, as a viewer signs in.
    page = sign_in(context, workbench, "viewer")
    paths = ["/", "/vacancies", "/round", "/cadres?q=王", "/mentoring", "/teams", "/pool",
             "/training", "/ninebox"]  # fmt: skip
    paths += [f"/vacancies/{p}" for p in cases["vacancies"]]
    paths += [f"/check?cadre_id={c}&post_id={p}" for c, p in pairs]
    paths += [f"/cadres/{c}" for c in cases["sanctioned"][:8] + cases["kin"]]
    some = "&".join(f"ids={c}" for c in cases["sanctioned"][:3])
    paths += [f"/compare?{some}&post_id={cases['vacancies'][0]}"]
    posts = "&".join(f"posts={p}" for p in cases["vacancies"])
    paths += [f"/round?run=1&{posts}", f"/round/papers/report.html?{posts}"]
    shown = 0
    for path in paths:
        answer = page.request.get(workbench.base + path)
        assert answer.status in {200, 403}, (path, answer.status)
        text = answer.text()
        found = detail.search(text)
        assert found is None, (path, found and found.group())
        shown += text.count(PUBLIC)
    assert shown > 0
    viewer.close()


def test_an_analyst_reads_the_record_behind_the_verdict(
    workbench: Workbench, district_manifest: dict[str, Any]
) -> None:
    token = make_token(workbench.access_db, "analyst", "reader")
    analyst = httpx.Client(
        base_url=workbench.base, headers={"Authorization": f"Bearer {token}"}, timeout=300
    )
    cases = _cases(district_manifest)
    found = 0
    for cadre_id, post_id in _check_pairs(cases, count=40):
        check = analyst.get(
            f"{PREFIX}/selection/check", params={"cadre_id": cadre_id, "post_id": post_id}
        ).json()
        line = next(r for r in check["rules"] if r["rule"] == "effect_period")
        if line["status"] == "fail":
            assert "影响期至" in line["message"] and line["facts"]["kind"]
            found += 1
    assert found
    analyst.close()


def test_one_mentoring_coverage_figure_on_every_page(
    context: BrowserContext, workbench: Workbench
) -> None:
    page = sign_in(context, workbench, "analyst")
    home = page.inner_text("main")
    covered = re.search(r"([\d.]+%)\s*导师帮带覆盖率\s*(\d+) / (\d+) 人", home)
    assert covered, home[:500]
    page.goto(f"{workbench.base}/mentoring")
    mentoring = page.inner_text("main")
    assert covered.group(1) in mentoring, (covered.groups(), mentoring[:500])
    assert f"{covered.group(2)}" in mentoring and f"{covered.group(3)}" in mentoring


def test_every_name_in_the_pools_nine_box_is_reachable(
    context: BrowserContext, workbench: Workbench
) -> None:
    page = sign_in(context, workbench, "analyst")
    page.goto(f"{workbench.base}/ninebox")
    boxes = page.locator("section.box")
    assert boxes.count() == 9
    names = 0
    for b in range(9):
        box = boxes.nth(b)
        listed = box.locator("li a")
        count = int(box.locator(".count").inner_text())
        assert listed.count() == count
        frame = box.locator("ul").bounding_box()
        assert frame is not None
        for n in range(count):
            link = listed.nth(n)
            link.scroll_into_view_if_needed()
            where = link.bounding_box()
            frame = box.locator("ul").bounding_box()
            assert where is not None and frame is not None
            # Inside the list's visible frame once scrolled to: reachable, not clipped.
            assert frame["x"] - 1 <= where["x"] and where["x"] + 1 <= frame["x"] + frame["width"]
            assert frame["y"] - 1 <= where["y"] <= frame["y"] + frame["height"]
            names += 1
    assert names > 0
