"""The service on Neo4j: the server goes away (503 with the reason) and comes back (the
service recovers by itself). The outage is real: the service reaches Neo4j through a TCP
relay that the test cuts and restores, closing every open connection."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from pathlib import Path

import httpx

from tests.conftest import NEO4J_TEST_URL
from tests.service import free_port, make_token, running_service


class Relay:
    """A loopback TCP relay to the Neo4j Bolt port that can be cut and restored."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """Stop listening and close every relayed connection."""
        with self._lock:
            if self._listener is not None:
                # shutdown wakes the accepting thread (close alone would not, on Linux)
                with contextlib.suppress(OSError):
                    self._listener.shutdown(socket.SHUT_RDWR)
                self._listener.close()
                self._listener = None
            for sock in self._open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.close()


def test_neo4j_outage_gives_503_and_the_service_recovers(
    neo4j_district: str, tmp_path: Path
) -> None:
    host, port = NEO4J_TEST_URL.split("//")[1].split(":")
    relay = Relay((host, int(port)))
    relay.start()
    access_db = tmp_path / "access.db"
    token = make_token(access_db, "viewer", "committee")
    headers = {"Authorization": f"Bearer {token}"}
    # bolt:// connects directly (no routing table pointing past the relay).
    store = f"bolt://127.0.0.1:{relay.port}"
    with running_service(store, access_db, GRAPHSVC_NEO4J_RETRY_SECONDS="1") as base:
        api = httpx.Client(base_url=f"{base}/api/v1", headers=headers, timeout=60)
        assert api.get("/cadres/C000001").status_code == 200
        assert api.get("/health/detail").json()["store"] == "neo4j"

        relay.cut()
        down = api.get("/cadres/C000002")
        assert down.status_code == 503, down.text
        assert down.json()["detail"].startswith(
            f"图数据库暂时无法访问，请稍后重试或联系管理员：无法连接 {store} 上的 Neo4j："
        )
        assert api.get("/health").status_code == 503
        assert api.get("/cadres", params={"name": "王"}).status_code == 503

        relay.start()
        deadline = time.monotonic() + 60
        while True:
            answer = api.get("/cadres/C000002")
            if answer.status_code == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert answer.status_code == 200, answer.text  # back without a restart
        assert answer.json()["cadre"]["id"] == "C000002"
        assert api.get("/health").json()["status"] == "ok"
        relay.cut()
