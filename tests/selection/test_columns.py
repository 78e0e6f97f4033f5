"""History tables and cadre columns: each count on hand-worked cadres, and on the district
against the records it is read from."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from graphsvc.dates import add_months, months_between
from graphsvc.vocab import Level
from queries.selection.candidates import SelectionContext
from queries.selection.columns import (
    CadreColumns,
    Histories,
    add_months_columns,
    date_column,
    months_between_columns,
)
from queries.selection.records import CadreRecord, Stint, Tenure, UnitIndex


def _ordered(context: SelectionContext) -> list[CadreRecord]:
    return [context.records[c] for c in sorted(context.records)]


def test_months_between_columns_equals_months_between() -> None:
    days = [date(2020, 1, 31), date(2020, 2, 29), date(2019, 12, 1), date(1965, 7, 15)]
    ends = [date(2020, 2, 28), date(2021, 2, 28), date(2026, 11, 1), date(2026, 1, 14)]
    got = months_between_columns(date_column(days), date_column(ends)).tolist()
    assert got == [months_between(a, b) for a, b in zip(days, ends, strict=True)]
    assert got[0] == 0  # 01-31 → 02-28 is not a whole month


def test_add_months_columns_clamps_to_the_month_end_as_add_months_does() -> None:
    days = [date(2024, 1, 31), date(2023, 1, 31), date(2024, 3, 31), date(2024, 5, 15),
            date(1968, 5, 31), date(2000, 2, 29), None]  # fmt: skip
    months = [1, 1, -1, 0, 731, 12, 12]
    got = add_months_columns(date_column(days), np.array(months)).tolist()
    assert got == [
        date(2024, 2, 29),  # a leap February
        date(2023, 2, 28),
        date(2024, 2, 29),  # backwards too
        date(2024, 5, 15),
        date(2029, 4, 30),  # 60 years 11 months on: April has 30 days
        date(2001, 2, 28),
        None,  # no day stays none
    ]
    assert got[:-1] == [add_months(d, m) for d, m in zip(days[:-1], months[:-1], strict=True)]


def test_standing_counts_an_equivalent_rank_and_its_date() -> None:
    cadres = [
        # 副科 since 2023.03, 四级主任科员 (相当于副科) since 2020.01: the earlier date, the rank's.
        {"level": "副科", "level_since": date(2023, 3, 1), "rank": "四级主任科员",
         "rank_since": date(2020, 1, 1), "work_start": date(2010, 7, 1)},
        # No leadership post, 二级主任科员 (相当于正科): stands at 正科 from the rank's date.
        {"level": "科员", "rank": "二级主任科员", "rank_since": date(2021, 6, 1),
         "work_start": date(2008, 7, 1)},
        # 正科 above its rank: the post level's own date; appointed on the first day of work.
        {"level": "正科", "level_since": date(2012, 7, 1), "rank": "四级主任科员",
         "rank_since": date(2011, 1, 1), "work_start": date(2012, 7, 1)},
        {"level": "正科", "level_since": date(2019, 5, 1), "work_start": date(2009, 7, 1)},
    ]  # fmt: skip
    columns = CadreColumns.build(cadres)
    levels = [list(Level)[n].value for n in columns.standing]
    assert levels == ["副科", "正科", "正科", "正科"]
    since = [None if np.isnat(d) else d.astype(date) for d in columns.standing_since]
    assert since == [date(2020, 1, 1), date(2021, 6, 1), date(2012, 7, 1), date(2019, 5, 1)]
    assert columns.standing_by_rank.tolist() == [True, True, False, False]
    promoted = [None if np.isnat(d) else d.astype(date) for d in columns.last_promotion()]
    assert promoted == [date(2023, 3, 1), None, None, date(2019, 5, 1)]


def test_months_in_kinds_equal_the_records(context: SelectionContext) -> None:
    ordered = _ordered(context)
    histories = Histories.build(ordered, context.units, as_of=context.as_of)
    by_kind = histories.months_in_kinds({"乡镇", None})
    for row, record in enumerate(ordered):
        months = sum(
            months_between(t.start, min(t.end or context.as_of, context.as_of))
            for t in record.tenures
            if context.units.kind(t.post.get("unit_id")) == "乡镇" and t.start < context.as_of
        )
        assert by_kind["乡镇"][row] == months
    assert by_kind["乡镇"].any()


UNITS = UnitIndex(
    {
        "D": {"id": "D", "kind": "区县"},
        "T": {"id": "T", "kind": "乡镇", "parent_id": "D"},
        "V": {"id": "V", "kind": "村", "parent_id": "T"},
        "B": {"id": "B", "kind": "区直部门", "parent_id": "D"},
    }
)
AS_OF = date(2026, 11, 1)


def _post(post_id: str, unit: str, level: str = "科员", **extra: object) -> dict[str, object]:
    return {"id": post_id, "unit_id": unit, "level": level, "leadership": level != "科员",
            **extra}  # fmt: skip


def test_grassroots_months_merge_overlaps_and_count_secondments() -> None:
    record = CadreRecord(
        {"id": "C1"},
        tenures=[
            Tenure("P1", _post("P1", "T"), date(2015, 1, 1), date(2016, 1, 1)),
            Tenure("P2", _post("P2", "B"), date(2016, 1, 1), None),
        ],
        rotations=[Stint("V", "挂职", date(2015, 7, 1), date(2016, 7, 1))],
    )
    # In the township since 2024-05-10, still there: the run goes on from that day.
    there = CadreRecord(
        {"id": "C2"}, tenures=[Tenure("P3", _post("P3", "T"), date(2024, 5, 10), None)]
    )
    histories = Histories.build([record, there], UNITS, as_of=AS_OF)
    kinds = ["乡镇", "街道", "村", "社区"]
    months, since = histories.grassroots(kinds=kinds)
    assert months.tolist() == [18, 29]  # 2015-01 → 2016-07 merged; 29 whole months
    assert np.isnat(since[0]) and since[1].astype(date) == date(2024, 5, 10)
    alone, _ = histories.grassroots(kinds=kinds, count_secondments=False)
    assert alone.tolist() == [12, 29]


def test_leadership_posts_and_years() -> None:
    record = CadreRecord(
        {"id": "C1"},
        tenures=[
            Tenure("P1", _post("P1", "T", "副科"), date(2016, 1, 1), date(2019, 1, 1)),
            Tenure("P1", _post("P1", "T", "副科"), date(2019, 6, 1), date(2020, 6, 1)),
            Tenure("P2", _post("P2", "T", "正科", principal=True), date(2020, 6, 1), None),
        ],
    )
    staff = CadreRecord(
        {"id": "C2"}, tenures=[Tenure("P3", _post("P3", "B"), date(2018, 1, 1), None)]
    )
    histories = Histories.build([record, staff], UNITS, as_of=AS_OF)
    assert histories.leadership_posts_at(Level.DEPUTY_SECTION).tolist() == [1, 0]
    # 副职 48 months at half weight, 正职 77 months whole: 101 months.
    assert histories.leadership_months(0.5).tolist() == [101.0, 0.0]


def test_performance_reads_the_last_three_grades_and_the_stars() -> None:
    from queries.selection.scores import _performance_of

    grades = (np.array([1, 1, 1, 1, 1, 2]), np.array([2019, 2023, 2021, 2024, 2022, 2024]),
              ["优秀", "基本称职", "称职", "优秀", "称职", "不称职"])  # fmt: skip
    stars = (np.array([1, 1, 1, 3]), np.array([5, 3, 4, 1]))
    got = _performance_of(4, grades, stars).tolist()
    # Cadre 1: 2022-2024 称职, 基本称职, 优秀 → (0.7 + 0.2 + 1) / 3; stars 12 of 15.
    assert got == pytest.approx(
        [0.7 * 0.5 + 0.3 * 0.6, 0.7 * (1.9 / 3) + 0.3 * 0.8, 0.7 * 0.0 + 0.3 * 0.6,
         0.7 * 0.5 + 0.3 * 0.2]
    )  # fmt: skip
