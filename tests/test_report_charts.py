"""HTML report charts are inline SVG whose Chinese text the reader's browser draws, made
without a warning even where no CJK font is installed; the .xlsx keeps native charts."""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
from matplotlib import font_manager
from openpyxl import load_workbook

from queries.reports.document import CHART_FONTS, Chart, Report, Section, write_report

CJK_FONT_NAMES = ("WenQuanYi", "Noto Sans CJK", "Noto Serif CJK", "Droid Sans Fallback", "SimHei")
LABELS = ["城关镇", "东湖街道", "区发展改革局"]


def _report() -> Report:
    return Report(
        "测试报告",
        summary=["一行概要"],
        sections=[
            Section(
                "各单位人数",
                [{"单位": label, "人数": n} for label, n in zip(LABELS, [12, 7, 3], strict=True)],
                chart=Chart("各单位干部人数", LABELS, [12, 7, 3], "人数"),
            ),
            Section("无图表的一节", [{"说明": "只有表格"}]),
            Section(
                "覆盖率",
                [{"渠道": "选调生", "覆盖率": 0.8}],
                chart=Chart("各渠道导师覆盖率", ["选调生"], [0.8], "覆盖率"),
            ),
        ],
    )


@pytest.fixture
def no_cjk_font(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This machine as a fresh one without a CJK font: matplotlib finds only Latin fonts."""
    latin = [
        f for f in font_manager.fontManager.ttflist if not any(k in f.name for k in CJK_FONT_NAMES)
    ]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", latin)
    font_manager.FontManager._findfont_cached.cache_clear()  # type: ignore[attr-defined]
    font_manager._get_font.cache_clear()  # type: ignore[attr-defined]
    yield
    monkeypatch.undo()
    font_manager.FontManager._findfont_cached.cache_clear()  # type: ignore[attr-defined]
    font_manager._get_font.cache_clear()  # type: ignore[attr-defined]


def test_html_charts_are_inline_svg_with_chinese_text(tmp_path: Path) -> None:
    page = write_report(_report(), tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<img" not in page and "data:image/png" not in page
    assert page.count("<svg ") == 2  # one per chart, none for the section without one
    texts = re.findall(r"<text\b[^>]*>([^<]*)</text>", page)
    for label in [*LABELS, "各单位干部人数", "人数", "各渠道导师覆盖率", "选调生"]:
        assert label in texts, f"{label} is not a <text> of the chart"
    assert 'aria-label="各单位干部人数"' in page
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "two charts on one page share element ids"
    references = re.findall(r'(?:url\(|href=")#([^)"]+)', page)
    assert references and set(references) <= set(ids)
    family = re.search(r"<text\b[^>]*font-family: ([^;\"]*)", page)
    assert family is not None
    assert all(f"'{name}'" in family.group(1) for name in CHART_FONTS)
    assert family.group(1).endswith(", sans-serif")


def test_no_glyph_warnings_without_a_cjk_font(
    no_cjk_font: None, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The machine really lacks the glyphs: plain matplotlib warns about them here.
    with warnings.catch_warnings(record=True) as plain:
        warnings.simplefilter("always")
        with plt.rc_context({"font.family": ["sans-serif"], "font.sans-serif": list(CHART_FONTS)}):
            figure, axes = plt.subplots()
            axes.set_title("各单位干部人数")
            figure.savefig(io.BytesIO(), format="png")
            plt.close(figure)
    assert any("missing from font" in str(w.message) for w in plain)

    caplog.set_level(logging.WARNING, logger="matplotlib")
    caplog.clear()  # the control above logs that the CJK fonts are missing
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        page = write_report(_report(), tmp_path / "report.html").read_text(encoding="utf-8")
    assert [str(w.message) for w in caught] == []
    assert [r.getMessage() for r in caplog.records if r.name.startswith("matplotlib")] == []
    assert ">东湖街道</text>" in page  # still text, for the browser to draw


def test_the_workbook_keeps_native_charts(tmp_path: Path) -> None:
    book = load_workbook(write_report(_report(), tmp_path / "report.xlsx"))
    charted = {name for name in book.sheetnames if book[name]._charts}
    assert charted == {"1-各单位人数", "3-覆盖率"}
