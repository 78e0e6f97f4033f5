"""The HTTP service, served by uvicorn in its own process and called over loopback.

Tokens come from `graphsvc token create`, as an administrator makes them.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib.metadata import version as package_version
from pathlib import Path

import httpx
import pytest

from graphsvc.stores import open_store
from loaders.load import load_paths
from tests.service import GRAPHSVC, make_token, running_service

ROLES = ("viewer", "analyst", "editor", "admin")


@dataclass
class Service:
    base: str
    access_db: Path
    store: str
    clients: dict[str, httpx.Client]

    def __getitem__(self, role: str) -> httpx.Client:
        return self.clients[role]


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory, small_sample_dir: Path) -> Iterator[Service]:
    folder = tmp_path_factory.mktemp("api")
    db, access_db = str(folder / "api.db"), folder / "access.db"
    with open_store(db) as store:
        load_paths(store, [small_sample_dir])
    tokens = {role: make_token(access_db, role, f"test-{role}") for role in ROLES}
    with running_service(db, access_db) as base:
        clients = {
            role: httpx.Client(
                base_url=f"{base}/api/v1",
                headers={"Authorization": f"Bearer {token}"},
                timeout=60,
            )
            for role, token in tokens.items()
        }
        clients["anonymous"] = httpx.Client(base_url=f"{base}/api/v1", timeout=60)
        try:
            yield Service(base, access_db, db, clients)
        finally:
            for client in clients.values():
                client.close()


@pytest.fixture(scope="module")
def api(service: Service) -> httpx.Client:
    """A selection committee member's client (viewer)."""
    return service["viewer"]


def test_labels_are_chinese_and_open(service: Service) -> None:
    labels = service["anonymous"].get("/labels").json()
    assert labels["Cadre"]["birth"] == "出生年月" and labels["Cadre"][""] == "干部"
    assert labels["MENTORS"]["mentee_id"] == "干部编号"


def test_health_is_open_but_says_only_that_the_service_is_up(service: Service) -> None:
    body = service["anonymous"].get("/health").json()
    assert body == {"status": "ok", "version": package_version("graphsvc")}
    assert service["anonymous"].get("/health/detail").status_code == 401
    detail = service["viewer"].get("/health/detail").json()
    assert detail["status"] == "ok" and detail["version"] == body["version"]
    assert detail["store"] == "embedded" and detail["graph_version"] >= 1
    assert detail["nodes"]["Cadre"] == 400 and detail["edges"]["HOLDS"] > 400
    assert {"version", "entries", "hits", "misses"} <= detail["cache"].keys()


def test_cadre_search_filters_and_pages(api: httpx.Client) -> None:
    page = api.get("/cadres", params={"channel": "选调生", "limit": 5}).json()
    assert page["total"] > 5 and len(page["items"]) == 5
    assert {c["channel"] for c in page["items"]} == {"选调生"}
    rest = api.get("/cadres", params={"channel": "选调生", "limit": 5, "offset": 5}).json()
    assert not {c["id"] for c in page["items"]} & {c["id"] for c in rest["items"]}
    young = api.get("/cadres", params={"max_age": 30, "in_pool": True, "limit": 500}).json()
    assert young["items"] and all(c["age"] <= 30 and c["in_pool"] for c in young["items"])
    town = api.get("/units", params={"kind": "乡镇"}).json()["items"][0]["id"]
    local = api.get("/cadres", params={"unit_id": town, "limit": 500}).json()["items"]
    units = {u["id"] for u in api.get(f"/units/{town}").json()["children"]} | {town}
    assert local and {c["unit_id"] for c in local} <= units
    specialty = api.get("/cadres", params={"specialty_id": "S001", "limit": 500}).json()
    assert specialty["items"] and all("S001" in c["specialty_ids"] for c in specialty["items"])
    named = page["items"][0]["name"][:1]
    assert all(
        named in c["name"] for c in api.get("/cadres", params={"name": named}).json()["items"]
    )
    too_few = api.get("/cadres", params={"limit": 0})
    assert too_few.status_code == 422
    assert too_few.json()["detail"] == "请求有误：query.limit：不能小于1，这里是0"
    assert too_few.json()["errors"] == [
        {"field": "query.limit", "message": "不能小于1，这里是0", "value": "0"}
    ]


def test_cadre_profile_masks_the_id_number(api: httpx.Client) -> None:
    cadre_id = api.get("/cadres", params={"limit": 1}).json()["items"][0]["id"]
    profile = api.get(f"/cadres/{cadre_id}").json()
    number = profile["cadre"]["id_number"]
    assert number.startswith("99") and "********" in number and len(number) == 18
    assert len(profile["current_posts"]) == 1
    assert profile["post_history"][-1]["post_id"] == profile["current_posts"][0]["post_id"]
    assert "relatives" not in profile and "supervision" not in profile
    missing = api.get("/cadres/NOPE")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "未找到编号为 'NOPE' 的干部"
    assert missing.json()["errors"] == []


def test_units_posts_and_teams(api: httpx.Client) -> None:
    towns = api.get("/units", params={"kind": "乡镇"}).json()
    assert towns["total"] >= 1
    town = api.get(f"/units/{towns['items'][0]['id']}").json()
    assert town["parent"]["kind"] == "区县"
    assert town["children"] and all(child["kind"] == "村" for child in town["children"])
    assert any(member["holders"] for member in town["team"])
    leadership = api.get("/posts", params={"leadership": True, "limit": 500}).json()
    assert leadership["total"] == len(leadership["items"]) > 10
    post = api.get(f"/posts/{leadership['items'][0]['id']}").json()
    assert post["unit"]["id"] == leadership["items"][0]["unit_id"]
    assert isinstance(post["vacant"], bool)
    missing = api.get("/posts/NOPE")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "未找到编号为 'NOPE' 的岗位", "errors": []}
    no_unit = api.get("/units/NOPE")
    assert no_unit.status_code == 404 and no_unit.json()["detail"] == "未找到编号为 'NOPE' 的单位"
    no_route = api.get("/nowhere")
    assert no_route.status_code == 404
    assert no_route.json()["detail"] == "没有这个接口：/api/v1/nowhere；接口列表见 /docs"
    wrong_method = api.delete("/posts")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["detail"] == "接口 /api/v1/posts 不支持 DELETE 请求；用法见 /docs"


def test_openapi_describes_every_route(service: Service) -> None:
    spec = httpx.get(f"{service.base}/openapi.json").json()
    paths = set(spec["paths"])
    assert "HTTPBearer" in spec["components"]["securitySchemes"]
    for path, operations in spec["paths"].items():
        for operation in operations.values():
            open_path = path in {"/api/v1/health", "/api/v1/labels"}
            assert bool(operation.get("security")) != open_path, path
            assert "401" in operation["responses"] or open_path, path
    assert {
        "/api/v1/health",
        "/api/v1/cadres",
        "/api/v1/cadres/{cadre_id}",
        "/api/v1/posts",
        "/api/v1/posts/{post_id}",
        "/api/v1/units",
        "/api/v1/units/{unit_id}",
    } <= paths


def test_selection_over_http(api: httpx.Client, small_sample_dir: Path) -> None:
    manifest = json.loads((small_sample_dir / "manifest.json").read_text("utf-8"))
    vacancy = manifest["planted"]["vacancies"][0]
    ranked = api.get(f"/posts/{vacancy}/candidates", params={"limit": 3, "as_of": "2026-11-01"})
    assert ranked.status_code == 200
    candidates = ranked.json()["candidates"]
    assert (
        0 < len(candidates) <= 3
        and {"cadre_id", "score", "parts", "reasons"} <= candidates[0].keys()
    )
    # The excluded: the first 50 by default (each shown person is audited), all when asked.
    listed_first = ranked.json()
    everyone = api.get(
        f"/posts/{vacancy}/candidates",
        params={"limit": 3, "as_of": "2026-11-01", "excluded_limit": 100_000},
    ).json()
    assert listed_first["excluded_total"] == everyone["excluded_total"] > 50
    assert len(everyone["excluded"]) == everyone["excluded_total"]
    assert listed_first["excluded"] == everyone["excluded"][:50]
    verdict = api.get(
        "/selection/check",
        params={"cadre_id": candidates[0]["cadre_id"], "post_id": vacancy, "as_of": "2026-11-01"},
    ).json()
    assert verdict["verdict"] != "not_eligible" and verdict["rules"]
    child = manifest["planted"]["kinship_conflicts"][1]["cadres"][1]
    conflicted = api.get("/selection/check", params={"cadre_id": child, "post_id": vacancy}).json()
    assert all("chain" not in c for c in conflicted["conflicts"])  # kinship withheld from viewers
    listed = api.get("/selection/conflicts", params={"as_of": "2026-11-01"}).json()["conflicts"]
    assert listed and all("chain" not in c and "relative_id" not in c for c in listed)
    plan = api.post(
        "/selection/round",
        json={"post_ids": manifest["planted"]["vacancies"][:3], "as_of": "2026-11-01"},
    )
    assert plan.status_code == 200 and plan.json()["assignments"]
    unknown = api.post("/selection/round", json={"post_ids": ["NOPE", "NADA"]})
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == "未找到以下编号的岗位：NOPE、NADA"
    no_post = api.get("/posts/NOPE/candidates")
    assert no_post.status_code == 404 and no_post.json()["detail"] == "未找到编号为 'NOPE' 的岗位"
    no_cadre = api.get("/selection/check", params={"cadre_id": "NOPE", "post_id": vacancy})
    assert no_cadre.status_code == 404
    assert no_cadre.json()["detail"] == "未找到编号为 'NOPE' 的干部"
    no_bench = api.get("/selection/bench", params={"post_ids": ["NOPE"]})
    assert no_bench.status_code == 404 and no_bench.json()["detail"] == "未找到以下编号的岗位：NOPE"


# ------------------------------------------------------------- access control


def test_every_endpoint_but_health_needs_a_token(service: Service) -> None:
    anonymous = service["anonymous"]
    spec = httpx.get(f"{service.base}/openapi.json").json()
    for path, operations in spec["paths"].items():
        if path in {"/api/v1/health", "/api/v1/labels"}:
            continue
        concrete = path.replace("/api/v1", "").format(
            cadre_id="C000001", post_id="P000001", unit_id="U00001", table="assessments"
        )
        for method in operations:
            response = anonymous.request(method.upper(), concrete)
            assert response.status_code == 401, (method, path)
            assert response.headers["www-authenticate"].startswith("Bearer")
            assert response.json()["detail"] == (
                "需要登录：请在请求头中发送 Authorization: Bearer 令牌"
            )
    bad = anonymous.get("/cadres", headers={"Authorization": "Bearer gs_not-a-token"})
    assert bad.status_code == 401
    assert bad.json()["detail"] == "令牌无效、已过期或已吊销：请向管理员申请新的令牌"


def test_roles_decide_what_is_seen(service: Service) -> None:
    cadre_id = "C000010"
    seen = {role: service[role].get(f"/cadres/{cadre_id}").json() for role in ROLES}
    for role in ("viewer", "analyst"):
        assert "********" in seen[role]["cadre"]["id_number"]
    for role in ("editor", "admin"):
        assert "*" not in seen[role]["cadre"]["id_number"]
        assert len(seen[role]["cadre"]["id_number"]) == 18
    for role in ("analyst", "admin"):
        assert "relatives" in seen[role] and "supervision" in seen[role]
    for role in ("viewer", "editor"):
        assert "relatives" not in seen[role] and "supervision" not in seen[role]
    assert service["viewer"].get("/mentoring").status_code == 403
    assert service["editor"].get("/teams").status_code == 403
    assert service["analyst"].get("/teams").status_code == 200
    for role in ("viewer", "analyst", "editor"):
        denied = service[role].get("/audit")
        assert denied.status_code == 403
        assert denied.json()["detail"] == (
            f"角色 {role} 无权进行 audit（查阅审计日志）操作（令牌 test-{role}）；"
            "如需此权限，请联系管理员"
        )
    write = service["viewer"].post("/cadres/C000010/assessments", json={"year": 2025})
    assert write.status_code == 403


def test_kinship_chains_only_for_roles_that_may_see_kinship(
    service: Service, small_sample_dir: Path
) -> None:
    params = {"as_of": "2026-11-01"}
    for role, shown in (("viewer", False), ("analyst", True), ("admin", True)):
        listed = service[role].get("/selection/conflicts", params=params).json()["conflicts"]
        assert listed and all(("chain" in c) == shown for c in listed), role


def test_admin_sees_the_audit_entry_of_a_read(service: Service) -> None:
    read = service["viewer"].get("/cadres/C000007")
    assert read.status_code == 200
    log = service["admin"].get("/audit", params={"subject": "C000007"}).json()
    entry = log["entries"][0]
    assert entry["who"] == "test-viewer" and entry["role"] == "viewer"
    assert entry["path"] == "/api/v1/cadres/C000007" and entry["status"] == 200
    assert entry["action"] == "read_record" and entry["subjects"] == ["C000007"]
    assert entry["client"].startswith("127.0.0.1:")
    # A refused call is audited too, without a name.
    service["anonymous"].get("/cadres/C000007")
    latest = service["admin"].get("/audit", params={"subject": "C000007"}).json()["entries"]
    anonymous_calls = service["admin"].get("/audit", params={"limit": 1000}).json()["entries"]
    assert any(e["who"] is None and e["status"] == 401 for e in anonymous_calls)
    # Reading the log shows whose records were read, so that read names them too.
    assert latest[0]["who"] == "test-admin" and latest[0]["path"] == "/api/v1/audit"
    reads = [e for e in latest if e["path"] != "/api/v1/audit"]
    assert reads[0]["who"] == "test-viewer"  # the refused call named nobody's record
    # The same log from the command line, and its hash chain is intact.
    cli = subprocess.run(
        [
            *GRAPHSVC,
            "audit",
            "--subject",
            "C000007",
            "--json",
            "--access-db",
            str(service.access_db),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    from_cli = json.loads(cli.stdout)["entries"]
    assert next(e for e in from_cli if e["path"] != "/api/v1/audit")["who"] == "test-viewer"
    verify = subprocess.run(
        [*GRAPHSVC, "audit", "--verify", "--json", "--access-db", str(service.access_db)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert verify.returncode == 0 and json.loads(verify.stdout)["intact"] is True


def test_the_audit_log_is_append_only(tmp_path: Path) -> None:
    from graphsvc.access import AccessStore, AuditEntry

    path = tmp_path / "access.db"
    with AccessStore(path) as access:
        for number in range(3):
            access.append(AuditEntry("GET", f"/api/v1/cadres/C{number}", 200, "read_record"))
        assert access.verify_audit() == (True, 3, None)
    raw = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        raw.execute("UPDATE audit SET who = 'someone else' WHERE seq = 2")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        raw.execute("DELETE FROM audit WHERE seq = 2")
    # Even with the guard removed behind the service's back, the chain shows the change.
    raw.execute("DROP TRIGGER audit_no_update")
    raw.execute("UPDATE audit SET path = '/api/v1/cadres/OTHER' WHERE seq = 2")
    raw.commit()
    raw.close()
    with AccessStore(path) as access:
        assert access.verify_audit() == (False, 3, 2)  # all 3 read; the 2nd is broken


def test_revoked_token_stops_working(service: Service) -> None:
    token = make_token(service.access_db, "viewer", "short-lived")
    headers = {"Authorization": f"Bearer {token}"}
    assert service["anonymous"].get("/cadres", headers=headers).status_code == 200
    subprocess.run(
        [*GRAPHSVC, "token", "revoke", "short-lived", "--access-db", str(service.access_db)],
        check=True,
        capture_output=True,
    )
    assert service["anonymous"].get("/cadres", headers=headers).status_code == 401
    again = subprocess.run(
        [*GRAPHSVC, "token", "revoke", "short-lived", "--access-db", str(service.access_db)],
        capture_output=True,
        text=True,
    )
    assert again.returncode == 1 and "错误：没有名为“short-lived”的有效令牌" in again.stderr
    stored = sqlite3.connect(service.access_db).execute("SELECT token_hash FROM tokens").fetchall()
    assert all(token not in row[0] and len(row[0]) == 64 for row in stored)  # hashes only


# ------------------------------------------------------------------- writes


def test_editor_records_an_assessment_and_caches_follow(service: Service) -> None:
    analyst, editor = service["analyst"], service["editor"]
    params = {"as_of": "2026-11-01"}
    before = analyst.get("/pool", params=params).json()
    assert analyst.get("/pool", params=params).json() == before
    health = analyst.get("/health/detail").json()
    assert health["cache"]["hits"] >= 1
    reviewed = {r["cadre_id"] for r in before["exit_review"]}
    members = analyst.get("/cadres", params={"in_pool": True, "limit": 500}).json()["items"]
    member = next(m["id"] for m in members if m["id"] not in reviewed)
    written = editor.post(f"/cadres/{member}/assessments", json={"year": 2025, "grade": "不称职"})
    assert written.status_code == 200, written.text
    assert written.json()["version"] > health["graph_version"]
    # The cached pool review is stale now: a read that asks for the write's version (or
    # any read once the background rebuild is done) sees the new grade.
    since = {"X-Min-Graph-Version": str(written.json()["version"])}
    after = analyst.get("/pool", params=params, headers=since).json()
    declined = {r["cadre_id"] for r in after["exit_review"] if "decline" in r["kinds"]}
    assert member in declined
    # The same year again updates that record instead of adding a second one.
    editor.post(f"/cadres/{member}/assessments", json={"year": 2025, "grade": "称职"})
    profile = editor.get(f"/cadres/{member}").json()
    annual_2025 = [
        a.get("grade") for a in profile["assessments"] if a["year"] == 2025 and not a.get("quarter")
    ]
    assert annual_2025 == ["称职"]


def test_bad_writes_get_every_problem_and_change_nothing(service: Service) -> None:
    editor = service["editor"]
    version = editor.get("/health/detail").json()["graph_version"]
    bad = editor.post(
        "/records/考核",
        json={
            "rows": [{"考核编号": "X1", "干部编号": "C000001", "年度": "二〇二五", "等次": "很好"}]
        },
    )
    assert bad.status_code == 422
    problems = {p["field"]: p for p in bad.json()["errors"]}
    assert problems["考核 第1行 「年度」列"]["value"] == "二〇二五"
    assert problems["考核 第1行 「年度」列"]["message"] == "应为整数，这里是“二〇二五”"
    assert "优秀" in problems["考核 第1行 「等次」列"]["message"]
    assert bad.json()["detail"] == "输入有2处问题，未写入任何数据"
    unknown = editor.post("/records/nonsense", json={"rows": [{"a": 1}]})
    assert unknown.status_code == 422 and "没有名为“nonsense”的表" in unknown.json()["detail"]
    pair = editor.post(
        "/mentoring/pairs",
        json={"mentor_id": "M99999", "mentee_id": "C000001", "start": "2026-11-01"},
    )
    assert pair.status_code == 422 and "M99999" in json.dumps(
        pair.json()["errors"], ensure_ascii=False
    )
    assert editor.get("/health/detail").json()["graph_version"] == version


def test_load_a_file_over_http(service: Service, small_sample_dir: Path, tmp_path: Path) -> None:
    editor = service["editor"]
    text = (small_sample_dir / "specialties.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    changed = lines[0] + "\n" + lines[1].replace(lines[1].split(",")[1], "农学(含园艺)") + "\n"
    response = editor.post(
        "/load", files={"file": ("specialties.csv", changed.encode("utf-8"), "text/csv")}
    )
    assert response.status_code == 200, response.text
    assert response.json()["updated"] == {"Specialty": 1}
    wrong = editor.post("/load", files={"file": ("../evil.txt", b"x", "text/plain")})
    assert wrong.status_code == 422
    assert wrong.json()["detail"] == (
        "文件“evil.txt”无法导入：应为以表名命名的 .csv 文件（如 考核.csv）或 .xlsx 工作簿"
    )
    broken = editor.post(
        "/load",
        files={
            "file": (
                "assessments.csv",
                "考核编号,干部编号,年度\nZ1,C000001,abc\n".encode(),
                "text/csv",
            )
        },
    )
    assert broken.status_code == 422
    assert broken.json()["errors"][0]["field"] == "assessments.csv 第2行 「年度」列"


def test_concurrent_writes_lose_no_update(service: Service) -> None:
    editor = service["editor"]
    cadres = [c["id"] for c in editor.get("/cadres", params={"limit": 40}).json()["items"]]

    def record(cadre_id: str) -> int:
        return editor.post(
            f"/cadres/{cadre_id}/assessments", json={"year": 2026, "quarter": 4, "stars": 5}
        ).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(record, cadres))
    assert statuses == [200] * len(cadres)
    for cadre_id in cadres:
        assessments = editor.get(f"/cadres/{cadre_id}").json()["assessments"]
        assert [a["stars"] for a in assessments if a["year"] == 2026 and a.get("quarter") == 4] == [
            5
        ]


def test_analyses_over_http(service: Service) -> None:
    analyst = service["analyst"]
    for path, key in (
        ("/mentoring", "uncovered"),
        ("/mentoring/recommendations", "pairs"),
        ("/teams", "teams"),
        ("/pool", "exit_review"),
        ("/training", "below_yearly_hours"),
        ("/network", "communities"),
        ("/targets", "years"),
    ):
        response = analyst.get(path, params={"as_of": "2026-11-01"})
        assert response.status_code == 200, path
        assert key in response.json()


def test_path_and_pipeline_over_http(service: Service) -> None:
    analyst, day = service["analyst"], {"as_of": "2026-11-01"}
    members = analyst.get("/cadres", params={"in_pool": True, "limit": 1}).json()["items"]
    member = members[0]["id"]
    path = analyst.get(f"/cadres/{member}/path", params=day)
    assert path.status_code == 200, path.text
    body = path.json()
    assert body["cadre_id"] == member and body["pool"] is not None
    assert {"level", "next_level", "ready_now", "ready_on", "rules", "actions"} <= body.keys()
    aimed = analyst.get(f"/cadres/{member}/path", params={**day, "target": "正处"}).json()
    assert aimed["next_level"] == "正处"
    bad = analyst.get(f"/cadres/{member}/path", params={**day, "target": "部长"})
    assert bad.status_code == 422 and "“部长”不是可作为目标的职务层次" in bad.json()["detail"]
    missing = analyst.get("/cadres/NOPE/path", params=day)
    assert missing.status_code == 404
    assert missing.json()["detail"] == "未找到编号为 'NOPE' 的在职干部"
    assert service["viewer"].get(f"/cadres/{member}/path", params=day).status_code == 403
    pipeline = analyst.get("/pipeline", params={**day, "years": 3})
    assert pipeline.status_code == 200, pipeline.text
    found = pipeline.json()
    assert {row["year"] for row in found["years"]} == {2026, 2027, 2028}
    assert analyst.get("/pipeline", params={**day, "years": 0}).status_code == 422
    # Every person an answer shows is named in the audit log.
    log = service["admin"].get("/audit", params={"limit": 200}).json()["entries"]
    read_path = {s for e in log if e["action"] == "analysis:path" for s in e["subjects"]}
    mentor = (body["mentor"] or {}).get("cadre_id")  # a mentor who is a cadre is shown too
    assert read_path == {member} | ({mentor} if mentor else set())
    read_pipeline = next(e for e in log if e["action"] == "analysis:pipeline")
    assert set(found["at_risk"]) <= set(read_pipeline["subjects"])


def test_several_workers_share_tokens_store_and_audit(
    tmp_path: Path, small_sample_dir: Path
) -> None:
    db, access_db = str(tmp_path / "g.db"), tmp_path / "access.db"
    with open_store(db) as store:
        load_paths(store, [small_sample_dir])
    token = make_token(access_db, "admin", "admin")
    with running_service(db, access_db, "--workers", "2") as base:
        client = httpx.Client(
            base_url=f"{base}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=60
        )
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(
                pool.map(lambda n: client.get(f"/cadres/C{n:06d}").status_code, range(1, 41))
            )
        assert statuses == [200] * 40
        log = client.get("/audit", params={"limit": 1000}).json()
        reads = {e["subjects"][0] for e in log["entries"] if e["action"] == "read_record"}
        assert reads == {f"C{n:06d}" for n in range(1, 41)}
    from graphsvc.access import AccessStore

    with AccessStore(access_db) as access:
        assert access.verify_audit()[0]  # one chain, whichever process wrote


def test_expired_token_stops_working(service: Service) -> None:
    from datetime import UTC, datetime, timedelta

    from graphsvc.access import AccessStore

    with AccessStore(service.access_db) as access:
        token = access.create_token(
            name="one-meeting",
            role="viewer",
            expires_at=datetime.now(UTC) + timedelta(seconds=2),
        )
    headers = {"Authorization": f"Bearer {token}"}
    assert service["anonymous"].get("/cadres", headers=headers).status_code == 200
    time.sleep(2.5)
    expired = service["anonymous"].get("/cadres", headers=headers)
    assert expired.status_code == 401
    assert expired.json()["detail"] == "令牌无效、已过期或已吊销：请向管理员申请新的令牌"
    made = subprocess.run(
        [
            *GRAPHSVC,
            "token",
            "create",
            "--role",
            "viewer",
            "--name",
            "week",
            "--expires-days",
            "7",
            "--access-db",
            str(service.access_db),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert re.search(r"（角色 viewer，有效期至 \d{4}-\d\d-\d\d \d\d:\d\d（UTC））", made.stderr)
    listed = subprocess.run(
        [*GRAPHSVC, "token", "list", "--json", "--access-db", str(service.access_db)],
        capture_output=True,
        text=True,
        check=True,
    )
    week = next(t for t in json.loads(listed.stdout) if t["name"] == "week")
    assert week["expires_at"] > datetime.now(UTC).isoformat()


def test_an_access_file_from_before_expiry_still_opens(tmp_path: Path) -> None:
    from graphsvc.access import AccessStore

    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    old.execute(
        "CREATE TABLE tokens (name TEXT PRIMARY KEY, role TEXT NOT NULL,"
        " token_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, revoked_at TEXT)"
    )
    old.commit()
    old.close()
    with AccessStore(path) as access:
        token = access.create_token(name="after-upgrade", role="admin")
        assert access.authenticate(token) is not None


# ------------------------------------------------------------------- language

# Two English words in a row, once the parts that are English on purpose are taken out: the
# header a client must send, the request's field names (``query.as_of``) and the ids.
_ENGLISH = re.compile(r"[A-Za-z]{2,} [A-Za-z]{2,}")
_ON_PURPOSE = re.compile(r"Authorization: Bearer|(?:query|body|path)(?:\.\w+)+|/api/v1/\S*")


def test_every_error_a_user_reads_is_chinese(service: Service) -> None:
    editor = service["editor"]
    answers = [
        service["anonymous"].get("/cadres"),
        service["anonymous"].get("/cadres", headers={"Authorization": "Bearer gs_nothing"}),
        service["viewer"].get("/teams"),
        editor.get("/cadres", params={"limit": "many"}),
        editor.get("/selection/conflicts", params={"as_of": "last spring"}),
        editor.post("/selection/round", json={"own_unit": "sometimes", "min_young_share": 2}),
        editor.post("/selection/round", json={"post_ids": "P000001"}),
        editor.post(
            "/selection/round", content=b"{not json", headers={"Content-Type": "application/json"}
        ),
        editor.post("/cadres/C000001/assessments", json={"quarter": 9}),
        editor.post("/mentoring/pairs", json={"mentor_id": "M1", "mentee_id": "C1", "start": "x"}),
        editor.post("/records/nonsense", json={"rows": [{"a": 1}]}),
        editor.post("/records/assessments", json={"rows": []}),
        editor.post("/load", files={"file": ("notes.txt", b"x", "text/plain")}),
        editor.get("/cadres/NOPE"),
        editor.get("/nowhere"),
        editor.put("/cadres"),
    ]
    for answer in answers:
        assert 400 <= answer.status_code < 500, answer.text
        body = answer.json()
        assert set(body) == {"detail", "errors"}, body
        for text in [body["detail"], *(problem["message"] for problem in body["errors"])]:
            assert re.search(r"[\u4e00-\u9fff]", text), (answer.request.url, text)
            assert not _ENGLISH.search(_ON_PURPOSE.sub("", text)), (answer.request.url, text)
    day, choice = answers[4].json(), answers[5].json()
    assert day["detail"] == "请求有误：query.as_of：不是日期：应写作YYYY-MM-DD，如2026-11-01"
    assert (
        "body.own_unit：“sometimes”不是own_unit的可选值；可填：allow、exclude、prefer"
        in (choice["detail"])
    )
