"""Citizen ID numbers (公民身份号码, GB 11643-1999): shape, check digit, birth date.

An 18-character number is a 6-digit region code, the birth date as ``YYYYMMDD``, a 3-digit
sequence (odd for men) and a check character computed from the first 17 digits by ISO 7064
MOD 11-2. The messages are for the clerk who typed the number, in Chinese.
"""

from __future__ import annotations

import re
from datetime import date

__all__ = [
    "ID_NUMBER_SHAPE",
    "birth_date_problem",
    "check_character",
    "check_digit_problem",
    "normalize_id_number",
]

ID_NUMBER_SHAPE = re.compile(r"^\d{17}[\dX]$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"  # MOD 11-2 remainder → check character
# What Excel makes of a long number typed into a General cell: 9.92957E+17.
_SCIENTIFIC = re.compile(r"^\s*\d+(?:\.\d+)?\s*[eE]\s*\+?\s*\d+\s*$")
_EXCEL_HINT = "可能被Excel转成了科学计数法，请把该列设为文本后重新录入"


def check_character(first17: str) -> str:
    """The check character (``0``-``9`` or ``X``) of the first 17 digits.

    Parameters
    ----------
    first17 : str
        The region code, birth date and sequence: 17 ASCII digits.

    Returns
    -------
    str
        One character, ``X`` standing for 10.
    """
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError(f"need 17 digits, got {first17!r}")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def normalize_id_number(value: object) -> str:
    """The ID number as text with an upper-case ``X``, or a Chinese ``ValueError`` saying why not.

    Numbers (a spreadsheet cell formatted as a number) and scientific notation are refused with
    the advice to format the column as text: the digits Excel dropped cannot be recovered.
    """
    if isinstance(value, bool):
        raise ValueError("身份证号应为18位文本")
    if isinstance(value, int | float):
        raise ValueError(
            f"身份证号应为18位文本，这里是数字{value:.6g}：{_EXCEL_HINT}",
        )
    text = str(value).strip().replace(" ", "").upper()
    if _SCIENTIFIC.match(text):
        raise ValueError(f"身份证号应为18位，这里是“{text}”：{_EXCEL_HINT}")
    if not ID_NUMBER_SHAPE.match(text):
        if text.isdigit() and len(text) == 15:
            raise ValueError("身份证号应为18位：这是15位的一代身份证号，请换成18位号码")
        raise ValueError(f"身份证号应为18位（17位数字加1位数字或X），这里有{len(text)}个字符")
    return text


def check_digit_problem(number: str) -> str | None:
    """Why an 18-character ID number's check character is wrong, in Chinese; None when right."""
    expected = check_character(number[:17])
    if number[17] == expected:
        return None
    reason = f"身份证号校验码不符：按前17位应为{expected}，这里是{number[17]}，请核对是否录错"
    if number.endswith("000"):
        # Excel keeps 15 significant digits and pads the rest with zeros.
        reason += f"；末尾为000，{_EXCEL_HINT}"
    return reason


def birth_date_problem(number: str, birth: date, *, with_day: bool) -> str | None:
    """Why the birth date inside an ID number disagrees with ``birth``, in Chinese; None when
    it agrees. ``with_day``: ``birth`` was written with its day (1990.05.12), not only its month.
    """
    try:
        in_number = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return f"身份证号第7-14位“{number[6:14]}”不是有效的出生日期"
    same = (in_number.year, in_number.month) == (birth.year, birth.month)
    if same and (not with_day or in_number.day == birth.day):
        return None
    written = f"{birth.year}.{birth.month:02d}" + (f".{birth.day:02d}" if with_day else "")
    return (
        f"身份证号中的出生日期{in_number.year}.{in_number.month:02d}.{in_number.day:02d}"
        f"与出生年月{written}不一致"
    )
