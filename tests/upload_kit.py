"""Files for the upload tests, made by hand: workbooks (sound, cut, bombs, with entities),
forms with XML bombs, random bytes; and a raw HTTP client that streams a body and counts
how much of it the server let in before answering."""

from __future__ import annotations

import io
import random
import select
import socket
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

_CONTENT_TYPES = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default \
Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/xl/worksheets/sheet1.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"""
_RELS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship \
Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/\
officeDocument" Target="xl/workbook.xml"/></Relationships>"""
_BOOK_RELS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship \
Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" \
Target="worksheets/sheet1.xml"/></Relationships>"""
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
ASSESSMENT_HEADER = ["考核编号", "干部编号", "年度", "等次"]


def book_xml(sheet: str = "考核", *, prolog: str = "") -> bytes:
    return (
        f'{_HEAD}{prolog}<workbook xmlns="{_MAIN}" xmlns:r="http://schemas.openxmlformats.org/'
        f'officeDocument/2006/relationships"><sheets><sheet name="{sheet}" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>'
    ).encode()


def _cell(column: int, row: int, value: Any) -> str:
    where = f"{chr(65 + column)}{row}"
    if isinstance(value, str):
        return f'<c r="{where}" t="inlineStr"><is><t>{value}</t></is></c>'
    return f'<c r="{where}"><v>{value}</v></c>'


def sheet_xml(rows: Iterable[Sequence[Any]], *, prolog: str = "") -> bytes:
    """A sheet as Excel writes it, with its ``dimension`` first: openpyxl then reads the
    rows only when they are asked for, so damage further in shows only while reading."""
    rows = list(rows)
    width = max((len(cells) for cells in rows), default=1)
    body = "".join(
        f'<row r="{r}">{"".join(_cell(c, r, v) for c, v in enumerate(cells))}</row>'
        for r, cells in enumerate(rows, start=1)
    )
    return _worksheet(body, prolog, dimension=f"A1:{chr(64 + width)}{max(len(rows), 1)}")


def _worksheet(body: str, prolog: str = "", *, dimension: str = "") -> bytes:
    size = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = f'<worksheet xmlns="{_MAIN}">{size}<sheetData>{body}</sheetData></worksheet>'
    return f"{_HEAD}{prolog}{sheet}".encode()


def xlsx(
    sheet: bytes, *, book: bytes | None = None, extra: dict[str, bytes] | None = None
) -> bytes:
    """A workbook of one sheet named 考核, its parts as given."""
    parts = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _RELS,
        "xl/workbook.xml": book or book_xml(),
        "xl/_rels/workbook.xml.rels": _BOOK_RELS,
        "xl/worksheets/sheet1.xml": sheet,
        **(extra or {}),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def assessments(count: int, *, year: int = 2001) -> bytes:
    """A sound workbook of ``count`` assessments (ids Z…)."""
    rows = [ASSESSMENT_HEADER] + [
        [f"Z{n}", f"C{n % 400 + 1:06d}", year + n % 20, "称职"] for n in range(count)
    ]
    return xlsx(sheet_xml(rows))


def ratio_bomb(mib: int = 64) -> bytes:
    """One sheet that inflates ``mib`` MiB from a few hundred KiB: the classic zip bomb."""
    row = "<row><c><v>1</v></c></row>"
    body = row * (mib * 1024 * 1024 // len(row))
    return xlsx(_worksheet(body))


def mixed_rows(count: int) -> bytes:
    """Rows of varied numbers: a sheet that compresses like a real one (not a ratio bomb)."""
    rows = [ASSESSMENT_HEADER] + [
        [f"Q{n * 7919 % 1000003}", f"C{n * 104729 % 999983:06d}", 1990 + n % 37, n * 31 % 99991]
        for n in range(count)
    ]
    return xlsx(sheet_xml(rows))


LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
        for n in range(1, 10)
    )
    + "]>"
)
XXE = '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'


def nested_zip(depth: int = 3) -> bytes:
    data = b"PK nothing"
    for level in range(depth):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"level{level}.zip", data)
            archive.writestr("filler.bin", bytes(1024 * 1024))
        data = buffer.getvalue()
    return data


def damaged_workbooks() -> dict[str, bytes]:
    """Name → content of workbooks that must each be refused with a reason, never a 500."""
    sound = assessments(50)
    rng = random.Random(19)
    files = {f"cut-{share}.xlsx": sound[: len(sound) * share // 100] for share in (1, 30, 60, 95)}
    files["one-byte-short.xlsx"] = sound[:-1]
    files["random.xlsx"] = rng.randbytes(20_000)
    files["empty.xlsx"] = b""
    files["pdf.xlsx"] = b"%PDF-1.4\n" + rng.randbytes(2000)
    files["nested.xlsx"] = nested_zip()
    files["laughs-sheet.xlsx"] = xlsx(sheet_xml([ASSESSMENT_HEADER, ["&lol9;"]], prolog=LAUGHS))
    files["laughs-book.xlsx"] = xlsx(sheet_xml([ASSESSMENT_HEADER]), book=book_xml(prolog=LAUGHS))
    files["xxe.xlsx"] = xlsx(sheet_xml([ASSESSMENT_HEADER, ["&x;"]], prolog=XXE))
    files["broken-xml.xlsx"] = xlsx(sheet_xml([ASSESSMENT_HEADER])[:-40])
    # A sheet cut short in its rows: found only while reading (a traceback before issue 19).
    long = sheet_xml(
        [ASSESSMENT_HEADER] + [[f"Z{n}", "C000001", 2001, "称职"] for n in range(3000)]
    )
    files["cut-inside-sheet.xlsx"] = xlsx(long[: len(long) * 6 // 10])
    files["no-sheet.xlsx"] = xlsx(b"")
    return files


def damaged_tables() -> dict[str, bytes]:
    rng = random.Random(23)
    return {
        "random.csv": rng.randbytes(5000),
        "nul.csv": "考核编号,干部编号\nZ1,C0\x00001\n".encode(),
        "gbk-broken.csv": b"\xff\xfe\xfa" * 100,
        "xlsx-as.csv": assessments(5),
        "unknown.csv": "甲,乙\n1,2\n".encode(),
        "quotes.csv": '考核编号,干部编号,年度,等次\n"Z1,C000001,2020,称职\n'.encode(),
    }


def damaged_forms() -> dict[str, bytes]:
    rng = random.Random(29)
    declared = '<?xml version="1.0" encoding="UTF-8"?>'
    person = "<Person><XingMing>张三</XingMing><XingBie>男</XingBie></Person>"
    return {
        "laughs.lrmx": f"{declared}{LAUGHS}<Person><XingMing>&lol9;</XingMing></Person>".encode(),
        "xxe.lrmx": f"{declared}{XXE}<Person><XingMing>&x;</XingMing></Person>".encode(),
        "cut.lrmx": f"{declared}{person}".encode()[:-20],
        "random.lrmx": rng.randbytes(3000),
        "random.lrm": rng.randbytes(3000),
        "zip.lrmx": nested_zip(1),
        "empty.lrmx": b"",
    }


def multipart(
    field: str, name: str, data: bytes, boundary: str = "graphsvc-test"
) -> tuple[bytes, bytes]:
    """The head and tail of a multipart body around one file's bytes, and its content type."""
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode() + data
    return head, f"\r\n--{boundary}--\r\n".encode()


def stream_upload(
    url: str,
    *,
    headers: dict[str, str],
    total: int,
    chunked: bool = False,
    block: int = 256 * 1024,
) -> tuple[int, int]:
    """POST ``total`` bytes of a one-file multipart body to ``url`` as fast as the server
    takes them, stopping as soon as it answers or closes; (status, bytes the server took).

    The bytes counted are those the socket accepted: at most what the server read plus the
    kernel's buffers in between.
    """
    parts = urlsplit(url)
    boundary = "graphsvc-test"
    head, tail = multipart("file", "huge.csv", b"", boundary)
    lines = [
        f"POST {parts.path} HTTP/1.1",
        f"Host: {parts.netloc}",
        f"Content-Type: multipart/form-data; boundary={boundary}",
        *(f"{k}: {v}" for k, v in headers.items()),
        "Transfer-Encoding: chunked"
        if chunked
        else f"Content-Length: {len(head) + total + len(tail)}",
    ]
    sock = socket.create_connection((parts.hostname, parts.port), timeout=60)
    sent = 0
    answer = b""
    try:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        sock.setblocking(False)
        filler = b"x" * block
        pending = head if not chunked else f"{len(head):x}\r\n".encode() + head + b"\r\n"
        while sent < total:
            readable, writable, _ = select.select([sock], [sock], [], 30)
            if readable:
                break
            if not writable:
                raise AssertionError("the server neither read nor answered for 30 s")
            if not pending:
                pending = filler if not chunked else f"{block:x}\r\n".encode() + filler + b"\r\n"
            try:
                taken = sock.send(pending)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += taken
            pending = pending[taken:]
        sock.setblocking(True)
        sock.settimeout(60)
        try:
            while b"\r\n\r\n" not in answer:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                answer += chunk
        except (ConnectionResetError, TimeoutError):
            pass
    finally:
        sock.close()
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0
    return status, sent
