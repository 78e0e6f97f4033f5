"""Reading a form's 简历 (career history): one period a line, notes on indented lines.

``2009.07--2012.03  某某镇党政办科员`` is a post held; the last period is open
(``2019.05--``, ``2019.05--至今`` or a start alone). ``(其间: 2014.03--2015.03挂职...)``
continuation lines are secondments/rotations within the period; periods that end in
学习/就读 are education, not posts. A period whose text runs on to the next line is
joined back; a line no rule can read is returned in ``unread``, never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

__all__ = ["ResumeEntry", "ResumeNote", "ResumeParse", "normalize_resume_text", "parse_resume"]


@dataclass(frozen=True)
class ResumeEntry:
    """A period of the 简历: a post held (``study`` False) or a period of study."""

    start: date
    end: date | None  # None: open, still held
    text: str
    line: int
    study: bool = False


@dataclass(frozen=True)
class ResumeNote:
    """A secondment, rotation or transfer named in a ``(其间: ...)`` note."""

    kind: str  # 挂职 / 轮岗 / 交流
    start: date
    end: date | None
    text: str  # the place and post, as written
    line: int


@dataclass
class ResumeParse:
    entries: list[ResumeEntry] = field(default_factory=list)
    notes: list[ResumeNote] = field(default_factory=list)
    unread: list[tuple[int, str]] = field(default_factory=list)  # (line number, text)

    @property
    def posts(self) -> list[ResumeEntry]:
        return [entry for entry in self.entries if not entry.study]


_FULL_WIDTH = str.maketrans(
    {
        **{chr(0xFF10 + digit): str(digit) for digit in range(10)},
        "\u3000": " ",
        "．": ".",
        "－": "-",
        "—": "-",
        "–": "-",
        "─": "-",
        "～": "-",
        "~": "-",
        "（": "(",
        "）": ")",
        "：": ":",
        "；": ";",
        "\t": " ",
    }
)

_MONTH = r"(\d{4})\s*[.年/]\s*(\d{1,2})\s*月?"
_PERIOD = re.compile(rf"^\s*{_MONTH}\s*(?:-{{1,3}}|至)\s*(?:{_MONTH}|(至今|今))?\s*(.*)$")
_START_ONLY = re.compile(rf"^\s*{_MONTH}\s+(\S.*)$")
_DANGLING = re.compile(rf"^\s*{_MONTH}\s*(?:-{{1,3}}|至)\s*$")  # 2009.07-- and nothing else
_NOTE_OPEN = re.compile(r"^\s*\(\s*其间")
_NOTE_PERIOD = re.compile(rf"{_MONTH}\s*(?:-{{1,3}}|至)\s*(?:{_MONTH}|(至今|今))?")
_STUDY = re.compile(r"(学习|就读|读书|进修|攻读|求学)\s*$")
_ROTATION_KINDS = ("挂职", "轮岗", "交流")


def normalize_resume_text(text: str) -> str:
    """Full-width digits, spaces and punctuation as ASCII; line ends unified."""
    return text.translate(_FULL_WIDTH).replace("\r\n", "\n").replace("\r", "\n")


def _month(year: str, month: str) -> date:
    return date(int(year), int(month), 1)  # ValueError for month 13: the caller reports it


def _read_period(line: str) -> tuple[date, date | None, str] | None:
    match = _PERIOD.match(line)
    if match:
        y1, m1, y2, m2, _now, rest = match.groups()
        start = _month(y1, m1)
        end = _month(y2, m2) if y2 else None
        return start, end, rest.strip()
    match = _START_ONLY.match(line)
    if match:
        y1, m1, rest = match.groups()
        return _month(y1, m1), None, rest.strip()
    return None


def _read_notes(text: str, line: int) -> tuple[list[ResumeNote], list[str]]:
    """Notes inside ``(其间: ...)``; pieces without a readable period or kind come back as text."""
    body = re.sub(r"^\s*\(\s*其间\s*:?\s*", "", text).rstrip().removesuffix(")").strip()
    notes: list[ResumeNote] = []
    unread: list[str] = []
    for piece in re.split(r"[;。]\s*", body):
        piece = piece.strip().strip(",，")
        if not piece:
            continue
        match = _NOTE_PERIOD.search(piece)
        kind = next((k for k in _ROTATION_KINDS if k in piece), None)
        if _STUDY.search(piece) and kind is None:
            continue  # study within a period: education, not a post or a rotation
        if match is None or kind is None:
            unread.append(piece)
            continue
        y1, m1, y2, m2, _now = match.groups()
        try:
            start, end = _month(y1, m1), (_month(y2, m2) if y2 else None)
        except ValueError:
            unread.append(piece)
            continue
        place = piece[match.end() :].strip()
        place = re.sub(r"^(在|到|赴)?\s*", "", place)
        place = re.sub(rf"^({'|'.join(_ROTATION_KINDS)})(任|担任)?", "", place)
        place = re.sub(r"(挂职|轮岗|交流)(锻炼|任职|工作)?$", "", place).strip()
        notes.append(ResumeNote(kind, start, end, place, line))
    return notes, unread


def parse_resume(text: str) -> ResumeParse:
    """Read a 简历 text block into periods, notes and unreadable lines.

    Parameters
    ----------
    text : str
        The JianLi field as the form holds it.

    Returns
    -------
    ResumeParse
        Periods in the order written; ``unread`` keeps every line no rule could read.
    """
    result = ResumeParse()
    lines = normalize_resume_text(text or "").split("\n")
    pending_note: tuple[int, str] | None = None
    dangling: tuple[int, str] | None = None  # a period whose dates end the line
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip()
        if not line.strip():
            continue
        if pending_note is not None:
            pending_note = (pending_note[0], pending_note[1] + line.strip())
            if ")" in line:
                notes, unread = _read_notes(pending_note[1], pending_note[0])
                result.notes.extend(notes)
                result.unread.extend((pending_note[0], piece) for piece in unread)
                pending_note = None
            continue
        if _NOTE_OPEN.match(line):
            if ")" in line:
                notes, unread = _read_notes(line, number)
                result.notes.extend(notes)
                result.unread.extend((number, piece) for piece in unread)
            else:
                pending_note = (number, line.strip())
            continue
        if dangling is not None:
            line = dangling[1] + " " + line.strip()
            number = dangling[0]
            dangling = None
        elif _DANGLING.match(line):
            dangling = (number, line.strip())
            continue
        try:
            period = _read_period(line)
        except ValueError:
            result.unread.append((number, line.strip()))  # a date no calendar has
            continue
        if period is not None:
            start, end, rest = period
            if not rest or (end is not None and end < start):
                result.unread.append((number, line.strip()))
                continue
            result.entries.append(
                ResumeEntry(start, end, rest, number, study=bool(_STUDY.search(rest)))
            )
            continue
        if raw[:1].isspace() and result.entries and not re.match(r"^\s*\d{4}", line):
            # The previous period's text, wrapped onto this line by the editor.
            last = result.entries[-1]
            joined = last.text + line.strip()
            result.entries[-1] = ResumeEntry(
                last.start, last.end, joined, last.line, study=bool(_STUDY.search(joined))
            )
            continue
        result.unread.append((number, line.strip()))
    if pending_note is not None:
        result.unread.append(pending_note)
    if dangling is not None:
        result.unread.append(dangling)
    return result
