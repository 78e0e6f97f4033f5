"""The API answers errors as its document says (issue 19, item 6): one shape (``ErrorOut``)
declared for every error status of every operation, malformed JSON a Chinese 400 in that
shape, nothing of FastAPI's own validation error left in the document. (The fuzzer in
tests/test_fuzz.py checks every answer against the document.)"""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from tests.service import make_token, running_service

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    folder = tmp_path_factory.mktemp("errors")
    access_db = folder / "access.db"
    token = make_token(access_db, "editor", "errors")
    with running_service(str(folder / "graph.db"), access_db) as url:
        yield url, token


def test_every_error_of_every_operation_is_declared_in_one_shape(base: tuple[str, str]) -> None:
    spec = httpx.get(f"{base[0]}/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas
    error = {"$ref": "#/components/schemas/ErrorOut"}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            for status, response in responses.items():
                if int(status) >= 400:
                    assert response["content"]["application/json"]["schema"] == error, (
                        method,
                        path,
                        status,
                    )
            if path not in {"/api/v1/health", "/api/v1/labels"}:
                assert {"401", "503"} <= set(responses), (method, path)
            if operation.get("parameters") or "requestBody" in operation:
                assert "422" in responses, (method, path)
            if "requestBody" in operation:
                assert "400" in responses, (method, path)
    for path in ("/api/v1/load", "/api/v1/forms"):
        assert "413" in spec["paths"][path]["post"]["responses"]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"{not json", "application/json"),
        (b'{"post_ids": ["P1"]', "application/json"),  # cut short
        (b"\xff\xfe{}", "application/json"),  # not even text
    ],
)
def test_malformed_json_is_a_chinese_400_in_the_one_shape(
    base: tuple[str, str], body: bytes, content_type: str
) -> None:
    url, token = base
    answer = httpx.post(
        f"{url}/api/v1/selection/round",
        content=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": content_type},
    )
    assert answer.status_code == 400, answer.text
    payload = answer.json()
    assert set(payload) == {"detail", "errors"} and CHINESE.search(payload["detail"]), payload
    assert "parsing" not in payload["detail"] and "JSON decode" not in answer.text


def test_a_cut_multipart_body_is_refused_in_chinese(base: tuple[str, str]) -> None:
    url, token = base
    answer = httpx.post(
        f"{url}/api/v1/load",
        content=b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n',
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "multipart/form-data; boundary=x",
        },
    )
    assert answer.status_code in {400, 422}, answer.text  # cut inside a part's head: no file
    assert set(answer.json()) == {"detail", "errors"} and CHINESE.search(answer.json()["detail"])


@pytest.mark.parametrize(
    ("method", "path", "payload"),
    [
        ("GET", "/api/v1/posts/P000025/candidates?as_of=0001-01-01", None),
        ("GET", "/api/v1/posts/P000025/candidates?as_of=9999-12-31", None),
        ("POST", "/api/v1/selection/round", {"as_of": "0001-01-01"}),
    ],
)
def test_a_day_outside_the_records_is_a_chinese_422_not_a_crash(
    base: tuple[str, str], method: str, path: str, payload: dict[str, str] | None
) -> None:
    # The fuzzer found year 0001 reaching the calendar arithmetic of the training rule (a 500).
    url, token = base
    answer = httpx.request(
        method, f"{url}{path}", json=payload, headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["errors"][0]["field"] in {"query.as_of", "body.as_of"}, body
    assert CHINESE.search(body["detail"]) and ("1950" in body["detail"] or "2100" in body["detail"])
