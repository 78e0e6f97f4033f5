"""Printing the HTML form to PDF with headless Chromium (Debian's ``chromium``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["PdfUnavailable", "html_to_pdf", "html_to_png"]


class PdfUnavailable(RuntimeError):
    """No Chromium to print with, or it failed."""


def _browser() -> str:
    for name in (os.environ.get("GRAPHSVC_CHROMIUM", ""), "chromium", "chromium-browser",
                 "google-chrome"):  # fmt: skip
        if name and (found := shutil.which(name)):
            return found
    raise PdfUnavailable("PDF needs Chromium (apt-get install chromium fonts-wqy-microhei)")


def _run(html: str, out: Path, flag: str, extra: list[str]) -> Path:
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="graphsvc-form-") as folder:
        page = Path(folder) / "form.html"
        page.write_text(html, encoding="utf-8")
        command = [
            _browser(), "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-dev-shm-usage", f"--user-data-dir={folder}/profile",
            "--no-pdf-header-footer", *extra, f"{flag}={out}", page.as_uri(),
        ]  # fmt: skip
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=120)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            raise PdfUnavailable(f"Chromium could not print the form: {error}") from None
    if not out.exists() or out.stat().st_size == 0:
        raise PdfUnavailable("Chromium wrote no file")
    return out


def html_to_pdf(html: str, out: Path) -> Path:
    """Print ``html`` to an A4 PDF at ``out``."""
    return _run(html, out, "--print-to-pdf", [])


def html_to_png(html: str, out: Path, *, width: int = 900, height: int = 1300) -> Path:
    """A screenshot of the first page of ``html`` (for the docs)."""
    return _run(html, out, "--screenshot", [f"--window-size={width},{height}"])
