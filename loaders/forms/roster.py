"""Reading a department's roster workbook (干部花名册 .xlsx) as it is kept.

The layout is the department's own: a merged title row above the header, a one- or
two-row header (``学历`` over ``全日制`` / ``在职``), 序号 and 备注 columns, blank rows,
a 合计 row at the bottom. Date cells come as Excel dates, text (``1990.05``, ``1990.5``,
``199005``) or numbers: ``1990.05`` typed into a number cell, and ``1990.10`` which
Excel keeps as ``1990.1`` (October). An ID number Excel turned into a number has lost
its last digits: it is flagged and never stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from loaders.forms.record import FormProblem, FormRecord, FormUnreadable
from loaders.tables import SourceError, open_workbook

__all__ = ["ROSTER_COLUMNS", "RosterRead", "read_roster", "roster_date"]

# Roster header (normalised) → the .lrmx element it fills; None: read but not a field.
ROSTER_COLUMNS: dict[str, str | None] = {
    "姓名": "XingMing",
    "性别": "XingBie",
    "民族": "MinZu",
    "出生年月": "ChuShengNianYue",
    "出生日期": "ChuShengNianYue",
    "籍贯": "JiGuan",
    "出生地": "ChuShengDi",
    "入党时间": "RuDangShiJian",
    "参加工作时间": "CanJiaGongZuoShiJian",
    "健康状况": "JianKangZhuangKuang",
    "全日制学历": "QuanRiZhiJiaoYu_XueLi",
    "学历": "QuanRiZhiJiaoYu_XueLi",
    "全日制学位": "QuanRiZhiJiaoYu_XueWei",
    "学位": "QuanRiZhiJiaoYu_XueWei",
    "毕业院校及专业": "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
    "毕业院校系及专业": "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
    "全日制毕业院校及专业": "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
    "全日制毕业院校系及专业": "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
    "在职学历": "ZaiZhiJiaoYu_XueLi",
    "在职学位": "ZaiZhiJiaoYu_XueWei",
    "在职毕业院校及专业": "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
    "在职毕业院校系及专业": "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
    "专业技术职务": "ZhuanYeJiShuZhiWu",
    "熟悉专业有何专长": "ShuXiZhuanYeYouHeZhuanChang",
    "现任职务": "XianRenZhiWu",
    "职务": "XianRenZhiWu",
    "任现职时间": "RenXianZhiShiJian",
    "任现职务时间": "RenXianZhiShiJian",
    "任现职级时间": "RenXianZhiJiShiJian",
    "职级": "ZhiJi",
    "身份证号": "ShenFenZheng",
    "身份证号码": "ShenFenZheng",
    "公民身份号码": "ShenFenZheng",
    "序号": None,
    "备注": None,
}
DATE_KEYS = {
    "ChuShengNianYue",
    "RuDangShiJian",
    "CanJiaGongZuoShiJian",
    "RenXianZhiShiJian",
    "RenXianZhiJiShiJian",
}
_TOTAL_WORDS = ("合计", "总计", "共计", "小计")


def _norm(text: object) -> str:
    return (
        str(text or "")
        .replace(" ", "")
        .replace("\u3000", "")
        .replace("\n", "")
        .replace("（", "(")
        .replace("）", ")")
    )


def roster_date(value: object) -> str:
    """A roster date cell as ``YYYY.MM`` (or ``YYYY.MM.DD``); ``""`` for an empty cell.

    Raises
    ------
    ValueError
        With the reason in Chinese, for a cell that is no date.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%Y.%m.%d") if value.day != 1 else value.strftime("%Y.%m")
    if isinstance(value, bool):
        raise ValueError(f"{value!r} 不是日期")
    if isinstance(value, int | float):
        number = float(value)
        if number.is_integer() and 190001 <= number <= 210012:
            return f"{int(number) // 100}.{int(number) % 100:02d}"
        if number.is_integer() and 19000101 <= number <= 21001231:
            text = str(int(number))
            return f"{text[:4]}.{text[4:6]}.{text[6:]}"
        if 1900 <= number < 2101:
            year = int(number)
            # 1990.05 → 5; 1990.1 is 1990.10 with its zero dropped by Excel → October.
            month = round((number - year) * 100)
            if month == 0 and number != year:
                month = round((number - year) * 10)
            if number == year:
                raise ValueError(f"{value!r} 只有年份，缺少月份")
            if not 1 <= month <= 12:
                raise ValueError(f"{value!r} 的月份 {month} 不在 1–12 之间")
            return f"{year}.{month:02d}"
        raise ValueError(f"{value!r} 不是日期（应为 1990.05、199005 或日期单元格）")
    return str(value).strip()


@dataclass
class RosterRead:
    records: list[FormRecord] = field(default_factory=list)
    problems: list[FormProblem] = field(default_factory=list)
    warnings: list[FormProblem] = field(default_factory=list)


def _header_score(cells: list[Any]) -> int:
    return sum(1 for cell in cells if ROSTER_COLUMNS.get(_norm(cell)))


def _combined_header(top: list[Any], bottom: list[Any]) -> list[str]:
    """A two-row header: a merged top cell (学历) carried over the cells under it."""
    names: list[str] = []
    carried = ""
    for index in range(max(len(top), len(bottom))):
        upper = _norm(top[index]) if index < len(top) else ""
        lower = _norm(bottom[index]) if index < len(bottom) else ""
        if upper:
            carried = upper
        above = upper or carried
        if not lower:
            names.append(upper)
            continue
        for candidate in (lower, lower + above, above + lower):
            if candidate in ROSTER_COLUMNS:
                names.append(candidate)
                break
        else:
            names.append(lower)
    return names


def read_roster(path: Path) -> RosterRead:
    """Read every sheet of a roster workbook that has a roster header.

    Raises
    ------
    FormUnreadable
        The file cannot be opened as a workbook, or no sheet has a 姓名 column.
    """
    try:  # within the reading limits, damage said in Chinese (loaders.tables)
        book = open_workbook(path)
    except SourceError as error:
        raise FormUnreadable(
            FormProblem(str(path), None, None, f"无法作为 .xlsx 花名册打开：{error.reason}")
        ) from None
    result = RosterRead()
    found = False
    try:
        for sheet in book.worksheets:
            try:
                rows = [list(values) for values in sheet.iter_rows(values_only=True)]
            except Exception:  # a part that breaks only once it is read
                raise FormUnreadable(
                    FormProblem(f"{path}[{sheet.title}]", None, None, "工作表已损坏，无法读取")
                ) from None
            source = f"{path}[{sheet.title}]"
            start = next(
                (i for i, cells in enumerate(rows[:15]) if _header_score(cells) >= 3), None
            )
            if start is None:
                continue
            found = True
            header = [_norm(cell) for cell in rows[start]]
            first_data = start + 1
            if first_data < len(rows):
                below = rows[first_data]
                name_at = header.index("姓名") if "姓名" in header else 0
                # A second header row: text only, under a merged cell, no name in it.
                if (
                    any(isinstance(cell, str) and cell.strip() for cell in below)
                    and not any(isinstance(cell, int | float | datetime) for cell in below)
                    and (name_at >= len(below) or below[name_at] in (None, ""))
                ):
                    header = _combined_header(rows[start], below)
                    first_data += 1
            _read_rows(rows, header, first_data, source, result)
    finally:
        book.close()
    if not found:
        raise FormUnreadable(
            FormProblem(
                str(path), "姓名", None, "没有找到花名册表头（至少应有 姓名、性别、出生年月 等列）"
            )
        )
    return result


def _read_rows(
    rows: list[list[Any]], header: list[str], first: int, source: str, result: RosterRead
) -> None:
    columns: dict[int, str] = {}
    for index, name in enumerate(header):
        key = ROSTER_COLUMNS.get(name)
        if key:
            columns[index] = key
    for index in range(first, len(rows)):
        cells = rows[index]
        number = index + 1  # as the spreadsheet shows it
        texts = [str(cell).strip() for cell in cells if cell is not None and str(cell).strip()]
        if not texts:
            continue
        if any(word in texts[0].replace(" ", "") for word in _TOTAL_WORDS):
            continue  # the 合计 row
        fields: dict[str, str] = {}
        where = f"{source} 第{number}行"
        for position, key in columns.items():
            value = cells[position] if position < len(cells) else None
            if key in DATE_KEYS:
                try:
                    fields[key] = roster_date(value)
                except ValueError as error:
                    fields[key] = "" if value is None else str(value)
                    result.problems.append(
                        FormProblem(where, header[position], str(value), str(error))
                    )
                continue
            if key == "ShenFenZheng" and value is not None:
                text = str(value).strip()
                if isinstance(value, int | float) or "E+" in text.upper():
                    result.warnings.append(
                        FormProblem(
                            where,
                            header[position],
                            text,
                            "身份证号被 Excel 存成了数字，后几位已丢失；未导入，"
                            "请把该列设为文本后重新录入",
                        )
                    )
                    continue
                fields[key] = text
                continue
            fields[key] = "" if value is None else str(value).strip()
        if not fields.get("XingMing"):
            result.warnings.append(FormProblem(where, "姓名", None, "没有姓名的行已跳过"))
            continue
        record = FormRecord(source, fields, row=number, kind="roster")
        result.records.append(record)
