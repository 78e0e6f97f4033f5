"""Reading a form's 简历 (career history): one period a line, notes in brackets.

``2009.07--2012.03  某某镇党政办科员`` is a post held. Dates are written ``2009.07``,
``2009.7``, ``2009.07.15``, ``200907`` or ``20090715``; between them ``--``, ``-``, ``—``,
``－``, ``～`` or ``至``; the last period is open (``2019.05--``, ``--至今``, ``-今`` or a
start alone). Full-width digits, spaces and punctuation, a leading space, and invisible
characters copied from other systems are read as if they were not there.

``(其间: 2014.03--2015.03在东江区财政局挂职任副局长)`` (or ``期间``), on its own line or
at the end of a period's, is a secondment or rotation: its kind (挂职, 轮岗, 交流), place
and role; a period whose own text is a 挂职 is read the same way. Periods that end in
学习/就读 are study, not posts. A period whose text runs on to the next line is joined
back; a line no rule can read is returned in ``unread`` with the period it follows, never
dropped. A line reads the same whatever the graph holds: matching is done later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from loaders.forms.fields import CHANNEL_WORDS
from loaders.forms.record import clean_text
from loaders.forms.units import split_unit_role, strip_verbs

__all__ = [
    "ResumeEntry",
    "ResumeNote",
    "ResumeParse",
    "normalize_resume_text",
    "parse_resume",
]


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
    """A secondment, rotation or transfer: ``(其间: ...)`` or a period that is a 挂职."""

    kind: str  # 挂职 / 轮岗 / 交流
    start: date
    end: date | None
    text: str  # the place, as written (东江区财政局)
    line: int
    role: str = ""  # the post held there, as written (副局长); "" when none is named


@dataclass
class ResumeParse:
    entries: list[ResumeEntry] = field(default_factory=list)
    notes: list[ResumeNote] = field(default_factory=list)
    unread: list[tuple[int, str]] = field(default_factory=list)  # (line number, text)

    @property
    def posts(self) -> list[ResumeEntry]:
        return [entry for entry in self.entries if not entry.study]

    def anchors(self) -> list[tuple[date | None, str]]:
        """Each unread line with the start of the post it follows (``None``: the top)."""
        found = []
        for number, text in self.unread:
            before = [entry for entry in self.posts if entry.line < number]
            found.append((max(before, key=lambda e: e.line).start if before else None, text))
        return found


_FULL_WIDTH = str.maketrans(
    {
        **{chr(0xFF10 + digit): str(digit) for digit in range(10)},
        "\u3000": " ",
        "．": ".",
        "－": "-",
        "—": "-",
        "–": "-",
        "―": "-",
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

# A date as 简历 write it: 2009.07, 2009.7, 2009.07.15, 2009年7月, 200907, 20090715.
_DATE = r"(\d{4}\s*[./年]\s*\d{1,2}(?:\s*[./]\s*\d{1,2}(?!\d))?\s*[月日]?|\d{8}(?!\d)|\d{6}(?!\d))"
_TO = r"\s*(?:-{1,3}|至|到)\s*"
_NOW = r"(至今|今)"
_PERIOD = re.compile(rf"^\s*{_DATE}{_TO}(?:{_DATE}|{_NOW})?\s*(.*)$")
_START_ONLY = re.compile(rf"^\s*{_DATE}\s+(\S.*)$")
_DANGLING = re.compile(rf"^\s*{_DATE}{_TO}$")  # 2009.07-- and nothing else
_NOTE = r"\(\s*(?:其间|期间)"
_NOTE_OPEN = re.compile(rf"^\s*{_NOTE}")
_NOTE_INLINE = re.compile(rf"{_NOTE}.*$")
_NOTE_PERIOD = re.compile(rf"{_DATE}{_TO}(?:{_DATE}|{_NOW})?")
# A period's own remark on how the cadre came (``(选调生)``): said again by 录用渠道, not
# part of the post's name.
_CHANNEL_NOTE = re.compile(
    r"\([^()]*(?:"
    + "|".join(w for words in CHANNEL_WORDS.values() for w in words if "(" not in w)
    + r")[^()]*\)"
)
_STUDY = re.compile(r"(学习|就读|读书|进修|攻读|求学)\s*$")
# The kinds a note can name, most telling first (交流 is also a word in unit names).
_KINDS = [re.compile(rf"({kind})(锻炼|任职|工作)?") for kind in ("挂职", "轮岗", "交流")]


def normalize_resume_text(text: str) -> str:
    """Full-width digits, spaces and punctuation as ASCII; no invisible characters; line
    ends unified."""
    return clean_text(text).translate(_FULL_WIDTH).replace("\r\n", "\n").replace("\r", "\n")


def _date(text: str) -> date:
    """A date token of :data:`_DATE`; ``ValueError`` for a month no calendar has."""
    digits = re.findall(r"\d+", text)
    if len(digits) == 1:  # 200907 or 20090715
        digits = [digits[0][:4], digits[0][4:6]]
    return date(int(digits[0]), int(digits[1]), 1)


def _read_period(line: str) -> tuple[date, date | None, str] | None:
    match = _PERIOD.match(line)
    if match:
        first, second, _now, rest = match.groups()
        return _date(first), (_date(second) if second else None), rest.strip()
    match = _START_ONLY.match(line)
    if match:
        first, rest = match.groups()
        return _date(first), None, rest.strip()
    return None


def _place_and_role(text: str) -> tuple[str, str, str] | None:
    """(kind, place, role) of a secondment's text: ``在白沙镇石门村挂职村党支部副书记``,
    ``挂职东江区财政局副局长``, ``东江区财政局副局长(挂职)``; None when it names no kind."""
    kind = None
    for pattern in _KINDS:
        found = list(pattern.finditer(text))
        if found:  # 挂职 as first written; 交流 as last (对外交流中心交流: the second)
            kind = found[0] if pattern is _KINDS[0] else found[-1]
            break
    if kind is None:
        return None
    before = strip_verbs(text[: kind.start()].strip(" (,，"))
    after = strip_verbs(text[kind.end() :].strip(" ),，"))
    if before and after:
        return kind.group(1), before, after
    place, role = split_unit_role(before or after)
    return kind.group(1), place, role


def _read_notes(text: str, line: int) -> tuple[list[ResumeNote], list[str]]:
    """Notes inside ``(其间: ...)``; pieces without a readable period or kind come back as text."""
    body = re.sub(rf"^\s*{_NOTE}\s*:?\s*", "", text).rstrip().removesuffix(")").strip()
    notes: list[ResumeNote] = []
    unread: list[str] = []
    for piece in re.split(r"[;。]\s*", body):
        piece = piece.strip().strip(",，")
        if not piece:
            continue
        match = _NOTE_PERIOD.search(piece)
        found = _place_and_role(piece[match.end() :]) if match else None
        if _STUDY.search(piece) and found is None:
            continue  # study within a period: education, not a post or a rotation
        if match is None or found is None or not found[1]:
            unread.append(piece)
            continue
        first, second, _now = match.groups()
        try:
            start, end = _date(first), (_date(second) if second else None)
        except ValueError:
            unread.append(piece)
            continue
        kind, place, role = found
        notes.append(ResumeNote(kind, start, end, place, line, role))
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

    def note(number: int, body: str) -> None:
        notes, unread = _read_notes(body, number)
        result.notes.extend(notes)
        result.unread.extend((number, piece) for piece in unread)

    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip()
        if not line.strip():
            continue
        if pending_note is not None:
            pending_note = (pending_note[0], pending_note[1] + line.strip())
            if ")" in line:
                note(*pending_note)
                pending_note = None
            continue
        if _NOTE_OPEN.match(line):
            if ")" in line:
                note(number, line)
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
            inline = _NOTE_INLINE.search(rest)
            if inline:  # 2012.03--2016.06 白沙镇副镇长(其间:2014.03--2015.03在...挂职)
                rest = rest[: inline.start()].strip()
                if ")" in inline.group(0):
                    note(number, inline.group(0))
                else:
                    pending_note = (number, inline.group(0))
            if not rest or (end is not None and end < start):
                result.unread.append((number, line.strip()))
                continue
            secondment = _place_and_role(rest) if "挂职" in rest else None
            if secondment is not None and secondment[1]:
                kind, place, role = secondment
                result.notes.append(ResumeNote(kind, start, end, place, number, role))
                continue
            text = _CHANNEL_NOTE.sub("", strip_verbs(rest)).strip()
            result.entries.append(
                ResumeEntry(start, end, text, number, study=bool(_STUDY.search(text)))
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
