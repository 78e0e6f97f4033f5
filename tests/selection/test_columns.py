"""History tables: each count equals its per-record counterpart, cadre by cadre."""

from __future__ import annotations

from datetime import date

import numpy as np

from graphsvc.dates import months_between
from graphsvc.vocab import Level
from queries.selection.candidates import SelectionContext
from queries.selection.columns import (
    CadreColumns,
    Histories,
    date_column,
    months_between_columns,
)
from queries.selection.eligibility import grassroots_months, last_promotion, level_standing
from queries.selection.records import CadreRecord, Stint, Tenure, UnitIndex


def _ordered(context: SelectionContext) -> list[CadreRecord]:
    return [context.records[c] for c in sorted(context.records)]


def test_months_between_columns_equals_months_between() -> None:
    days = [date(2020, 1, 31), date(2020, 2, 29), date(2019, 12, 1), date(1965, 7, 15)]
    ends = [date(2020, 2, 28), date(2021, 2, 28), date(2026, 11, 1), date(2026, 1, 14)]
    got = months_between_columns(date_column(days), date_column(ends)).tolist()
    assert got == [months_between(a, b) for a, b in zip(days, ends, strict=True)]
    assert got[0] == 0  # 01-31 → 02-28 is not a whole month


def test_standing_and_last_promotion_equal_the_rules(context: SelectionContext) -> None:
    ordered = _ordered(context)
    columns = CadreColumns.build([r.cadre for r in ordered])
    levels = list(Level)
    promoted = columns.last_promotion()
    for row, record in enumerate(ordered):
        standing = level_standing(record.cadre)
        assert levels[columns.standing[row]] == standing.level
        since = columns.standing_since[row]
        assert (None if np.isnat(since) else since.astype(date)) == standing.since
        last = promoted[row]
        assert (None if np.isnat(last) else last.astype(date)) == last_promotion(record.cadre)


def test_grassroots_and_similar_months_equal_the_records(context: SelectionContext) -> None:
    ordered = _ordered(context)
    histories = Histories.build(ordered, context.units, as_of=context.as_of)
    kinds = context.policy.rules.grassroots_years.unit_kinds
    for secondments in (True, False):
        got = histories.grassroots(
            ordered, context.units, kinds=kinds, count_secondments=secondments
        )
        expected = [
            grassroots_months(
                r, context.units, kinds=kinds, as_of=context.as_of, count_secondments=secondments
            )
            for r in ordered
        ]
        assert got.tolist() == expected
        assert any(expected)
    by_kind = histories.months_in_kinds({"乡镇", None})
    for row, record in enumerate(ordered):
        months = sum(
            months_between(t.start, min(t.end or context.as_of, context.as_of))
            for t in record.tenures
            if context.units.kind(t.post.get("unit_id")) == "乡镇" and t.start < context.as_of
        )
        assert by_kind["乡镇"][row] == months
    assert by_kind["乡镇"].any()


def test_a_span_that_ends_before_it_starts_is_counted_as_the_record_counts_it() -> None:
    units = UnitIndex({"T": {"id": "T", "kind": "乡镇"}, "V": {"id": "V", "kind": "村"}})
    town = {"id": "P1", "unit_id": "T", "level": "副科", "leadership": True}
    record = CadreRecord(
        {"id": "C1"},
        tenures=[
            Tenure("P1", town, date(2010, 1, 1), date(2015, 1, 1)),
            Tenure("P1", town, date(2012, 6, 1), date(2011, 1, 1)),  # bad order
            Tenure("P2", {**town, "id": "P2"}, date(2016, 3, 5), None),
        ],
        rotations=[Stint("V", "挂职", date(2014, 1, 1), date(2017, 1, 1))],
    )
    clean = CadreRecord(
        {"id": "C2"}, tenures=[Tenure("P1", town, date(2018, 1, 1), date(2020, 1, 1))]
    )
    as_of = date(2026, 11, 1)
    histories = Histories.build([record, clean], units, as_of=as_of)
    got = histories.grassroots([record, clean], units, kinds=["乡镇", "村"]).tolist()
    assert got == [
        grassroots_months(r, units, kinds=["乡镇", "村"], as_of=as_of) for r in (record, clean)
    ]
    assert histories.leadership_posts_at(Level.DEPUTY_SECTION).tolist() == [2, 1]


def test_performance_arrays_equal_performance_part() -> None:
    from queries.selection.ranking import performance_part
    from queries.selection.vectorized import _performance

    records = [
        CadreRecord({"id": "A"}),
        CadreRecord(
            {"id": "B"},
            annual_grades={
                2019: "优秀",
                2023: "基本称职",
                2021: "称职",
                2024: "优秀",
                2022: "称职",
            },
            stars=[5, 3, 4],
        ),
        CadreRecord({"id": "C"}, annual_grades={2024: "不称职"}),
        CadreRecord({"id": "D"}, stars=[1]),
        CadreRecord({"id": "E"}, annual_grades={2023: "称职", 2024: "未知等次"}, stars=[2, 2]),
    ]
    got = _performance(records).tolist()
    assert got == [performance_part(r)[0] for r in records]
    assert len(set(got)) == len(got)
