"""Helpers to run the real service: `graphsvc serve` in its own process, tokens from the CLI."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
# The command line of this checkout, whether or not (or wherever) the package is installed:
# the code under test, not whatever `graphsvc` script the environment happens to hold.
GRAPHSVC = [
    sys.executable,
    "-c",
    f"import sys; sys.path.insert(0, {str(ROOT)!r}); from cli import main; main()",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def make_token(access_db: Path, role: str, name: str) -> str:
    """A token from `graphsvc token create`, as an administrator makes one."""
    result = subprocess.run(
        [
            *GRAPHSVC,
            "token",
            "create",
            "--role",
            role,
            "--name",
            name,
            "--access-db",
            str(access_db),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout.strip().splitlines()[-1]


@contextmanager
def running_service(store: str, access_db: Path, *args: str, **env: str) -> Iterator[str]:
    """`graphsvc serve` on a free loopback port; yields the base URL (``http://127.0.0.1:P``)."""
    port = free_port()
    # The server's log goes to a file: a pipe nobody reads fills up (64 KiB of access lines)
    # and then blocks the server in the middle of a request.
    log = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed in the finally below)
        "w+", prefix=f"graphsvc-serve-{port}-", suffix=".log", delete=False
    )
    server = subprocess.Popen(
        [*GRAPHSVC, "serve", "--store", store, "--port", str(port), *args],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "GRAPHSVC_ACCESS_DB": str(access_db), **env},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=2).status_code in {200, 503}:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start: {Path(log.name).read_text()[-3000:]!r}")
            time.sleep(0.2)
        _until_warm(base, deadline + 120)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            raise AssertionError(
                f"the server did not stop within 20 s; its log ends: "
                f"{Path(log.name).read_text()[-3000:]}"
            ) from None
        finally:
            log.close()
        os.unlink(log.name)


def _until_warm(base: str, deadline: float) -> None:
    """Wait while the service says it is warming (its read models prepared at start)."""
    while time.monotonic() < deadline:
        answer = httpx.get(f"{base}/api/v1/health", timeout=5)
        if answer.status_code != 200 or answer.json().get("status") != "warming":
            return
        time.sleep(0.1)
    raise RuntimeError("the service was still warming up")
