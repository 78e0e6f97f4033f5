"""Reading what an import is given: files and folders, or uploads, into form records.

``.lrmx`` and ``.lrm`` are forms (an ``.lrm``'s photo is the ``.pic`` beside it, or the
upload of the same name); ``.xlsx`` is a roster workbook. A folder is searched for them;
a workbook in a folder that is no roster (a review report saved beside the forms) is
skipped with a warning, one named on its own is a problem.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from loaders.forms.lrm import read_lrm, read_lrm_bytes
from loaders.forms.lrmx import read_lrmx, read_lrmx_bytes
from loaders.forms.record import FormProblem, FormRecord, FormUnreadable
from loaders.forms.roster import read_roster

__all__ = ["FORM_SUFFIXES", "UPLOAD_SUFFIXES", "Read", "read_paths", "read_uploads"]

FORM_SUFFIXES = (".lrmx", ".lrm", ".xlsx")
UPLOAD_SUFFIXES = (*FORM_SUFFIXES, ".pic")


@dataclass
class Read:
    """Records read, with the problems (nothing is written) and warnings found reading."""

    records: list[FormRecord] = field(default_factory=list)
    problems: list[FormProblem] = field(default_factory=list)
    warnings: list[FormProblem] = field(default_factory=list)
    files: int = 0


def _read_file(path: Path) -> Read:
    suffix = path.suffix.lower()
    try:
        if suffix == ".lrmx":
            return Read([read_lrmx(path)])
        if suffix == ".lrm":
            return Read([read_lrm(path)])
        roster = read_roster(path)
        return Read(roster.records, roster.problems, roster.warnings)
    except FormUnreadable as error:
        return Read(problems=[error.problem])
    except OSError as error:
        reason = f"无法读取文件：{error.strerror}"
        return Read(problems=[FormProblem(str(path), None, None, reason)])


def _files(paths: Iterable[Path]) -> tuple[list[Path], list[FormProblem]]:
    found: list[Path] = []
    problems: list[FormProblem] = []
    for path in paths:
        if not path.exists():
            problems.append(FormProblem(str(path), None, None, "文件或文件夹不存在"))
        elif path.is_dir():
            inside = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in FORM_SUFFIXES
                and not p.name.startswith((".", "~$"))
            )
            if not inside:
                problems.append(
                    FormProblem(str(path), None, None, "文件夹中没有 .lrmx/.lrm/.xlsx 文件")
                )
            found.extend(inside)
        elif path.suffix.lower() in FORM_SUFFIXES:
            found.append(path)
        else:
            problems.append(
                FormProblem(
                    str(path), None, path.suffix, "不是 .lrmx、.lrm 任免审批表或 .xlsx 花名册"
                )
            )
    return found, problems


def read_paths(paths: list[Path]) -> Read:
    """Every form and roster row in ``paths`` (files, or folders searched for them)."""
    files, problems = _files(paths)
    named = {path.resolve() for path in paths}
    result = Read(problems=problems, files=len(files))
    for path in files:
        read = _read_file(path)
        if path.suffix.lower() == ".xlsx" and path.resolve() not in named and not read.records:
            # A workbook that happens to sit in a folder of forms (a review report) is no roster.
            result.warnings.extend(
                FormProblem(p.file, p.field, p.value, p.reason + "；不是花名册，已跳过")
                for p in read.problems
            )
            continue
        result.records.extend(read.records)
        result.problems.extend(read.problems)
        result.warnings.extend(read.warnings)
    return result


def read_uploads(files: list[tuple[str, bytes]]) -> Read:
    """Forms and rosters uploaded as (file name, content); a ``.pic`` is the photo of the
    ``.lrm`` of the same name."""
    photos = {
        Path(name).stem.lower(): data for name, data in files if Path(name).suffix.lower() == ".pic"
    }
    result = Read(files=len(files))
    for name, data in files:
        suffix = Path(name).suffix.lower()
        try:
            if suffix == ".lrmx":
                result.records.append(read_lrmx_bytes(data, name))
            elif suffix == ".lrm":
                photo = photos.get(Path(name).stem.lower())
                result.records.append(read_lrm_bytes(data, name, photo=photo))
            elif suffix == ".xlsx":
                roster = read_roster(io.BytesIO(data), source=name)
                result.records.extend(roster.records)
                result.problems.extend(roster.problems)
                result.warnings.extend(roster.warnings)
            elif suffix != ".pic":
                reason = "只接受 .lrmx、.lrm（及其 .pic 照片）任免审批表或 .xlsx 花名册"
                result.problems.append(FormProblem(name, None, suffix, reason))
        except FormUnreadable as error:
            result.problems.append(error.problem)
    return result
