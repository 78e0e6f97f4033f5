"""Every person an answer shows is in that request's audit entry, on every route, on both stores.

The walk is driven by the OpenAPI document: each operation is called as an admin with
real parameters from the loaded sample; every cadre id in the answer (any string
holding one, any value of a field that names a cadre) must be among the subjects of
the audit entry that request left. A new route is walked without anyone listing it; a
new route with a body fails here until the body is written down below.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NotRequired

import httpx
import pytest
from pydantic import BaseModel
from typing_extensions import TypedDict

from api.subjects import cadre_ids
from graphsvc.stores import open_store
from loaders.load import load_paths
from queries.results import CadreId
from tests.conftest import STORE_KINDS, fresh_neo4j, neo4j_turn
from tests.forms.kit import DAUGHTER, lrmx_bytes
from tests.service import make_token, running_service

PREFIX = "/api/v1"
OPEN_PATHS = {f"{PREFIX}/health", f"{PREFIX}/labels"}
# Fields that name a cadre whatever their value looks like.
CADRE_FIELD = re.compile(r"(^|_)cadre_id$|^(mentee_id|relative_id|left_by)$")
ID_LIKE = re.compile(r"[A-Za-z0-9_.-]+")  # an id, not a label such as 干部编号


@dataclass
class Audited:
    base: str
    admin: httpx.Client
    sample: Path


@pytest.fixture(
    scope="module",
    params=[
        pytest.param(kind, marks=[pytest.mark.neo4j] if kind == "neo4j" else [])
        for kind in STORE_KINDS
    ],
)
def audited(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    small_sample_dir: Path,
) -> Iterator[Audited]:
    """The real service over the 400-cadre sample on each store, and an admin's client."""
    folder = tmp_path_factory.mktemp(f"audit-{request.param}")
    access_db = folder / "access.db"
    token = make_token(access_db, "admin", "auditor")

    def serve(store: str) -> Iterator[Audited]:
        with open_store(store) as graph:
            load_paths(graph, [small_sample_dir])
        with running_service(store, access_db) as base:
            admin = httpx.Client(
                base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120
            )
            try:
                yield Audited(base, admin, small_sample_dir)
            finally:
                admin.close()

    if request.param == "neo4j":
        with neo4j_turn():
            yield from serve(fresh_neo4j())
    else:
        yield from serve(str(folder / "graph.db"))


def _cadre_pattern(sample: Path) -> re.Pattern[str]:
    """The sample's cadre-id form, read from its cadres (``C000001`` ...)."""
    with (sample / "cadres.csv").open(encoding="utf-8-sig") as handle:
        ids = [row["干部编号"] for row in csv.DictReader(handle)]
    assert ids and all(re.fullmatch(r"C\d{6}", i) for i in ids)
    return re.compile(r"(?<![A-Za-z0-9])C\d{6}(?![0-9])")


def people_in(body: Any, pattern: re.Pattern[str]) -> set[str]:
    """Every cadre id in a JSON answer: in any string (keys too), and any value of a field
    that names a cadre."""
    found: set[str] = set()

    def walk(value: Any, key: str | None = None) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                found.update(pattern.findall(str(k)))
                walk(v, str(k))
        elif isinstance(value, list):
            for item in value:
                walk(item, key)
        elif isinstance(value, str):
            found.update(pattern.findall(value))
            if key is not None and CADRE_FIELD.search(key) and ID_LIKE.fullmatch(value):
                found.add(value)

    walk(body)
    return found


def _first_row(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8-sig") as handle:
        return {k: v for k, v in next(csv.DictReader(handle)).items() if v != ""}


def _arguments(audited: Audited) -> dict[str, str]:
    """Real ids from the loaded sample: a cadre with relatives and a mentor, a held
    leadership post with candidates, its unit, a mentor, a table."""
    admin = audited.admin
    manifest = json.loads((audited.sample / "manifest.json").read_text("utf-8"))
    cadre_id = manifest["planted"]["kinship_conflicts"][0]["cadres"][0]
    held = admin.get(f"{PREFIX}/posts", params={"leadership": True, "vacant": False}).json()
    post = held["items"][0]
    mentor = _first_row(audited.sample / "mentors.csv")["导师编号"]
    return {
        "cadre_id": cadre_id,
        "post_id": post["id"],
        "unit_id": post["unit_id"],
        "table": "assessments",
        "mentor_id": mentor,
    }


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def _ledger_bodies(sample: Path) -> dict[str, dict[str, Any]]:
    """Changes the sample allows: end one open pairing, undo another, enter a cadre outside
    the pool, let a member leave."""
    open_pairs = [r for r in _rows(sample / "mentoring.csv") if not r["结束时间"]]
    stays = _rows(sample / "pool_membership.csv")
    members = [r["干部编号"] for r in stays if not r["出库时间"]]
    outside = next(
        r["干部编号"]
        for r in _rows(sample / "cadres.csv")
        if r["干部编号"] not in {s["干部编号"] for s in stays} and r.get("状态", "在职") == "在职"
    )

    def pairing(row: dict[str, str]) -> dict[str, str]:
        start = row["开始时间"].replace(".", "-")
        return {"mentor_id": row["导师编号"], "mentee_id": row["干部编号"], "start": start}

    return {
        f"{PREFIX}/mentoring/pairs/end": {"json": {**pairing(open_pairs[0]), "reason": "期满"}},
        f"{PREFIX}/mentoring/pairs/undo": {"json": {**pairing(open_pairs[1]), "reason": "误登"}},
        f"{PREFIX}/pool/entries": {"json": {"cadre_id": outside, "reason": "单位推荐"}},
        f"{PREFIX}/pool/exits": {"json": {"cadre_id": members[0], "reason": "考核下降"}},
    }


def _request(
    audited: Audited, method: str, path: str, operation: dict[str, Any], args: dict[str, str]
) -> httpx.Response:
    concrete = path.format(**args)
    params: dict[str, Any] = {}
    for parameter in operation.get("parameters", []):
        name, schema = parameter["name"], parameter.get("schema", {})
        if parameter["in"] != "query":
            continue
        if parameter.get("required"):
            params[name] = args[name]
        elif name == "limit" and "maximum" in schema:
            params[name] = schema["maximum"]  # as many people as the route will show
    if method == "get":
        return audited.admin.get(concrete, params=params)
    sample = audited.sample
    bodies: dict[str, dict[str, Any]] = {
        f"{PREFIX}/selection/round": {"json": {"as_of": "2026-11-01"}},
        f"{PREFIX}/load": {
            "files": {"file": ("assessments.csv", (sample / "assessments.csv").read_bytes())}
        },
        f"{PREFIX}/records/{{table}}": {"json": {"rows": [_first_row(sample / "assessments.csv")]}},
        f"{PREFIX}/cadres/{{cadre_id}}/assessments": {"json": {"year": 2025, "grade": "优秀"}},
        f"{PREFIX}/forms": {"files": {"files": ("daughter.lrmx", lrmx_bytes(DAUGHTER))}},
        f"{PREFIX}/mentoring/pairs": {
            "json": {
                "mentor_id": args["mentor_id"],
                "mentee_id": args["cadre_id"],
                "start": "2026-11-01",
            }
        },
        **_ledger_bodies(sample),
    }
    assert path in bodies, f"{method.upper()} {path}: write down a valid body for it here"
    return audited.admin.request(method.upper(), concrete, params=params, **bodies[path])


def test_openapi_has_a_schema_for_every_200_answer(audited: Audited) -> None:
    spec = httpx.get(f"{audited.base}/openapi.json").json()
    operations = [
        (path, method, operation)
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
    ]
    assert len(operations) >= 20
    for path, method, operation in operations:
        ok = operation["responses"].get("200")
        assert ok is not None, (method, path)
        if "application/json" not in ok["content"]:  # a file (a form): each format is binary
            assert ok["content"], (method, path)
            for content in ok["content"].values():
                assert content["schema"] == {"type": "string", "format": "binary"}, (method, path)
            continue
        schema = ok["content"]["application/json"]["schema"]
        assert schema not in ({}, {"type": "object"}), (method, path, schema)
        assert "$ref" in schema or "additionalProperties" in schema, (method, path, schema)
    # The schemas say which fields name a person.
    marked = [
        name
        for name, component in spec["components"]["schemas"].items()
        if '"x-cadre-id": true' in json.dumps(component)
    ]
    expected = {"UncoveredMentee", "Incumbent", "PostHit", "RelativeEntry", "CandidateRow"}
    assert expected <= set(marked), marked


def test_every_route_audits_every_person_it_shows(audited: Audited) -> None:
    pattern = _cadre_pattern(audited.sample)
    args = _arguments(audited)
    spec = httpx.get(f"{audited.base}/openapi.json").json()
    subjects_by_route: dict[str, list[str]] = {}
    walked = 0
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            try:
                answer = _request(audited, method, path, operation, args)
            except httpx.TimeoutException as error:  # name the route that did not answer
                raise AssertionError(f"{method.upper()} {path} did not answer: {error}") from None
            assert answer.status_code == 200, (method, path, answer.text[:500])
            is_json = answer.headers["content-type"].startswith("application/json")
            shown = people_in(answer.json(), pattern) if is_json else set()
            walked += 1
            if path in OPEN_PATHS:
                assert not shown, (path, sorted(shown)[:5])  # open routes show nobody
                continue
            entry = audited.admin.get(f"{PREFIX}/audit", params={"limit": 1}).json()["entries"][0]
            assert entry["path"] == path.format(**args), (entry, path)
            if not is_json:  # a form: its cadre, and the relatives in its family table
                profile = audited.admin.get(f"{PREFIX}/cadres/{args['cadre_id']}").json()
                shown = {args["cadre_id"], *(r["cadre_id"] for r in profile["relatives"])}
                assert len(shown) > 1 and all(
                    r["name"] in answer.text for r in profile["relatives"]
                ), profile["relatives"]
            assert entry["method"] == method.upper() and entry["status"] == 200, entry
            missing = shown - set(entry["subjects"])
            assert not missing, (method, path, sorted(missing)[:10], entry["action"])
            subjects_by_route[f"{method.upper()} {path}"] = entry["subjects"]
    assert walked == sum(len(m) for m in spec["paths"].values()) >= 20
    # The routes that once named nobody now name the people they show.
    for route in (
        f"GET {PREFIX}/mentoring",
        f"GET {PREFIX}/selection/bench",
        f"GET {PREFIX}/posts",
        f"GET {PREFIX}/cadres/{{cadre_id}}",
        f"GET {PREFIX}/posts/{{post_id}}/candidates",
        f"GET {PREFIX}/units/{{unit_id}}",
    ):
        assert subjects_by_route[route], route
    # The explicit action names are kept beside the people found from the type.
    log = audited.admin.get(f"{PREFIX}/audit", params={"limit": 1000}).json()["entries"]
    actions = {e["path"]: e["action"] for e in reversed(log)}
    assert actions[f"{PREFIX}/mentoring"] == "analysis:mentoring"
    assert actions[f"{PREFIX}/cadres/{args['cadre_id']}"] == "read_record"
    assert actions[f"{PREFIX}/posts/{args['post_id']}/candidates"] == "rank_candidates"


def test_the_profile_names_the_relatives_it_shows(audited: Audited) -> None:
    """A relative is a person shown: found from the type, not from the endpoint's list."""
    pattern = _cadre_pattern(audited.sample)
    args = _arguments(audited)
    profile = audited.admin.get(f"{PREFIX}/cadres/{args['cadre_id']}").json()
    relatives = {r["cadre_id"] for r in profile["relatives"]}
    assert relatives and relatives <= people_in(profile, pattern)
    entry = audited.admin.get(f"{PREFIX}/audit", params={"limit": 1}).json()["entries"][0]
    assert entry["subjects"][0] == args["cadre_id"]  # the endpoint's own naming comes first
    assert relatives <= set(entry["subjects"])


class _Row(TypedDict):
    cadre_id: CadreId
    post_id: str  # looks like an id, names no person
    note: str
    relative_id: NotRequired[CadreId | None]


class _Answer(BaseModel):
    rows: list[_Row]
    by_cadre: dict[CadreId, list[str]]
    bench: dict[str, list[CadreId]]
    lead: _Row | None = None


def test_the_walk_follows_the_type_and_names_only_cadre_ids() -> None:
    """Keys, unions, optional keys, nested models: every ``CadreId`` and nothing else."""
    body = {
        "rows": [
            {"cadre_id": "C1", "post_id": "P1", "note": "C9", "relative_id": "C2"},
            {"cadre_id": "C3", "post_id": "P2", "note": "", "relative_id": None},
        ],
        "by_cadre": {"C4": ["C8"]},
        "bench": {"P3": ["C5", "C1"]},
        "lead": {"cadre_id": "C6", "post_id": "P4", "note": "x"},
    }
    assert cadre_ids(_Answer, body) == ["C1", "C2", "C3", "C4", "C5", "C6"]
    assert cadre_ids(list[_Row], [{"cadre_id": "C7", "post_id": "P1", "note": ""}]) == ["C7"]
    assert cadre_ids(_Answer, {"rows": []}) == []
