"""The service's "done when", end to end: `graphsvc demo` running, a committee member's
viewer token, an administrator reading the audit log, and a caller without a token."""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
import time
from pathlib import Path

import httpx

from tests.service import GRAPHSVC, free_port, make_token


def test_demo_serves_with_tokens_masking_and_audit(tmp_path: Path) -> None:
    access_db, data = tmp_path / "access.db", tmp_path / "district"
    port = free_port()
    demo = subprocess.Popen(
        [
            *GRAPHSVC,
            "demo",
            "--store",
            str(tmp_path / "demo.db"),
            "--data",
            str(data),
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "GRAPHSVC_ACCESS_DB": str(access_db)},
    )
    try:
        assert demo.stdout is not None
        admin_token, sign_in = "", None
        for line in demo.stdout:  # the sign-in and the token are printed before it serves
            found = re.search(r"工作台 \(workbench\): (http://\S+)/\s+登录：(\S+) / (\S+)", line)
            sign_in = found.groups() if found else sign_in
            if line.startswith("gs_"):
                admin_token = line.strip()
                break
        assert admin_token, "graphsvc demo printed no admin token"
        # Keep reading what it prints (access lines), so a full pipe never blocks it.
        threading.Thread(target=demo.stdout.read, daemon=True).start()
        assert sign_in == (f"http://127.0.0.1:{port}", "demo", sign_in[2]), sign_in
        base = f"http://127.0.0.1:{port}/api/v1"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the demo service did not start"
                time.sleep(0.3)

        viewer = httpx.Client(
            base_url=base,
            headers={"Authorization": f"Bearer {make_token(access_db, 'viewer', 'committee')}"},
            timeout=60,
        )
        admin = httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {admin_token}"}, timeout=60
        )
        vacancy = json.loads((data / "manifest.json").read_text("utf-8"))["planted"]["vacancies"][0]
        ranked = viewer.get(f"/posts/{vacancy}/candidates", params={"limit": 5})
        assert ranked.status_code == 200 and ranked.json()["candidates"]
        best = ranked.json()["candidates"][0]["cadre_id"]
        profile = viewer.get(f"/cadres/{best}").json()
        assert "********" in profile["cadre"]["id_number"]
        assert "********" not in admin.get(f"/cadres/{best}").json()["cadre"]["id_number"]
        entries = admin.get("/audit", params={"subject": best}).json()["entries"]
        viewer_read = [
            e for e in entries if e["who"] == "committee" and e["action"] == "read_record"
        ]
        assert viewer_read and viewer_read[0]["path"] == f"/api/v1/cadres/{best}"
        assert any(e["action"] == "rank_candidates" for e in entries)
        assert httpx.get(f"{base}/cadres/{best}").status_code == 401
        # The workbench sign-in the demo printed works, and the forms it wrote are there.
        with httpx.Client(base_url=sign_in[0], timeout=60) as browser:
            form = browser.get("/login")
            token = re.search(r'name="form_token" value="([^"]+)"', form.text)
            assert form.status_code == 200 and token, form.text[:300]
            signed = browser.post(
                "/login",
                data={"name": sign_in[1], "password": sign_in[2], "form_token": token[1]},
            )
            assert signed.status_code == 303, signed.text[:300]
            home = browser.get("/")
            assert home.status_code == 200 and "首页" in home.text
        assert len(list((data / "forms").glob("*.lrmx"))) > 1000
        assert (data / "roster" / "花名册.xlsx").exists()
    finally:
        demo.terminate()
        demo.wait(timeout=30)
