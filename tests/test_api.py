"""The HTTP service, served by uvicorn in its own process and called over loopback."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from graphsvc.stores import open_store
from loaders.load import load_paths

GRAPHSVC = str(Path(sys.executable).parent / "graphsvc")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, small_sample_dir: Path) -> Iterator[httpx.Client]:
    db = str(tmp_path_factory.mktemp("api") / "api.db")
    with open_store(db) as store:
        load_paths(store, [small_sample_dir])
    port = free_port()
    server = subprocess.Popen(
        [GRAPHSVC, "serve", "--store", db, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"server did not start: {server.stderr.read() if server.stderr else ''!r}"
                )
            time.sleep(0.2)
        with httpx.Client(base_url=f"{base}/api/v1", timeout=10) as client:
            yield client
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_health(api: httpx.Client) -> None:
    body = api.get("/health").json()
    assert body["status"] == "ok" and body["store"] == "embedded"
    assert body["nodes"]["Cadre"] == 400 and body["version"] >= 1


def test_cadre_list_filters_and_pages(api: httpx.Client) -> None:
    page = api.get("/cadres", params={"channel": "选调生", "limit": 5}).json()
    assert page["total"] > 5 and len(page["items"]) == 5
    assert {c["channel"] for c in page["items"]} == {"选调生"}
    rest = api.get("/cadres", params={"channel": "选调生", "limit": 5, "offset": 5}).json()
    assert not {c["id"] for c in page["items"]} & {c["id"] for c in rest["items"]}
    assert api.get("/cadres", params={"limit": 0}).status_code == 422


def test_cadre_profile_masks_the_id_number(api: httpx.Client) -> None:
    cadre_id = api.get("/cadres", params={"limit": 1}).json()["items"][0]["id"]
    profile = api.get(f"/cadres/{cadre_id}").json()
    number = profile["cadre"]["id_number"]
    assert number.startswith("99") and "********" in number and len(number) == 18
    assert len(profile["current_posts"]) == 1
    assert profile["post_history"][-1]["post_id"] == profile["current_posts"][0]["post_id"]
    assert "relatives" not in profile and "supervision" not in profile
    missing = api.get("/cadres/NOPE")
    assert missing.status_code == 404 and "NOPE" in missing.json()["detail"]


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
    assert api.get("/posts/NOPE").status_code == 404


def test_openapi_describes_every_route(api: httpx.Client) -> None:
    spec = httpx.get(str(api.base_url).split("/api/v1")[0] + "/openapi.json").json()
    paths = set(spec["paths"])
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
    import json

    manifest = json.loads((small_sample_dir / "manifest.json").read_text("utf-8"))
    vacancy = manifest["planted"]["vacancies"][0]
    ranked = api.get(f"/posts/{vacancy}/candidates", params={"limit": 3, "as_of": "2026-11-01"})
    assert ranked.status_code == 200
    candidates = ranked.json()["candidates"]
    assert (
        0 < len(candidates) <= 3
        and {"cadre_id", "score", "parts", "reasons"} <= candidates[0].keys()
    )
    verdict = api.get(
        "/selection/check",
        params={"cadre_id": candidates[0]["cadre_id"], "post_id": vacancy, "as_of": "2026-11-01"},
    ).json()
    assert verdict["verdict"] != "not_eligible" and verdict["rules"]
    child = manifest["planted"]["kinship_conflicts"][1]["cadres"][1]
    conflicted = api.get("/selection/check", params={"cadre_id": child, "post_id": vacancy}).json()
    assert all("chain" not in c for c in conflicted["conflicts"])  # kinship chains withheld
    listed = api.get("/selection/conflicts", params={"as_of": "2026-11-01"}).json()["conflicts"]
    assert listed and all("chain" not in c and "relative_id" not in c for c in listed)
    plan = api.post(
        "/selection/round",
        json={"post_ids": manifest["planted"]["vacancies"][:3], "as_of": "2026-11-01"},
    )
    assert plan.status_code == 200 and plan.json()["assignments"]
    assert api.post("/selection/round", json={"post_ids": ["NOPE"]}).status_code == 404
    assert api.get("/posts/NOPE/candidates").status_code == 404
    assert (
        api.get("/selection/check", params={"cadre_id": "NOPE", "post_id": vacancy}).status_code
        == 404
    )
