from datetime import date

import pytest
from pydantic import ValidationError

from graphsvc.id_number import birth_date_problem, check_character, check_digit_problem
from graphsvc.model import (
    EDGE_SPECS,
    NODE_SPECS,
    Assessment,
    Cadre,
    HoldsPost,
    RelativeOf,
    date_fields,
    edge_spec,
    node_spec,
    sensitive_fields,
)
from graphsvc.rows import edge_row, node_row
from graphsvc.vocab import EDUCATION_ALIASES, Education

CADRE = {
    "id": "C1",
    "name": "张三",
    "gender": "男",
    "birth": "1990.05",
    "work_start": "2012.07",
    "education": "大学本科",
    "channel": "选调生",
}


def test_a_cadre_validates_and_normalizes_vocabulary() -> None:
    cadre = Cadre.model_validate({**CADRE, "channel": "到村（社区）工作大学生", "id": 1001.0})
    assert cadre.id == "1001"  # Excel's float ids become text
    assert cadre.channel == "到村(社区)工作大学生"
    assert cadre.birth == date(1990, 5, 1)
    assert cadre.level == "科员" and cadre.status == "在职"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"gender": "未知"}, "gender"),
        ({"birth": "1990.13"}, "birth"),
        ({"id_number": "12345"}, "id_number"),
        ({"channel": "内部推荐"}, "channel"),
        ({"unknown_field": 1}, "unknown_field"),
    ],
)
def test_bad_cadre_fields_are_named(change: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Cadre.model_validate({**CADRE, **change})
    assert field in {str(error["loc"][0]) for error in caught.value.errors()}


def test_cross_field_rules() -> None:
    with pytest.raises(ValidationError, match="Value error, 年度考核（未填季度）须填等次 "):
        Assessment.model_validate({"id": "A1", "cadre_id": "C1", "year": 2024})
    with pytest.raises(ValidationError, match="Value error, 季度考核（已填季度）须填星级 "):
        Assessment.model_validate({"id": "A1", "cadre_id": "C1", "year": 2024, "quarter": 2})
    with pytest.raises(ValidationError, match="Value error, 免职时间早于任职时间 "):
        HoldsPost.model_validate(
            {"cadre_id": "C1", "post_id": "P1", "start": "2020.05", "end": "2019.01"}
        )
    with pytest.raises(ValidationError, match="Value error, 干部不能是自己的亲属 "):
        RelativeOf.model_validate({"cadre_id": "C1", "relative_id": "C1", "relation": "配偶"})


def test_specs_are_consistent() -> None:
    labels = {spec.label for spec in NODE_SPECS}
    tables = [spec.table for spec in NODE_SPECS] + [s.table for s in EDGE_SPECS if s.table]
    assert len(tables) == len(set(tables)), "table names must be unique"
    for spec in EDGE_SPECS:
        assert spec.source in labels and spec.target in labels, spec
        if spec.model is not None:
            fields = spec.model.model_fields
            assert spec.source_field in fields and spec.target_field in fields, spec
            assert set(spec.key_fields) <= set(fields), spec
    for spec in NODE_SPECS:
        assert "id" in spec.model.model_fields
        for ref in spec.references:
            assert ref.field in spec.model.model_fields
            assert edge_spec(ref.edge_type).target == ref.target
    with pytest.raises(KeyError, match="known"):
        node_spec("Person")


def test_field_metadata() -> None:
    assert {"birth", "work_start", "level_since"} <= date_fields(Cadre)
    assert sensitive_fields(Cadre) == {"id_number", "family", "rewards_and_sanctions"}
    assert node_spec("Supervision").sensitive and edge_spec("RELATIVE_OF").sensitive


def test_rows_carry_plain_values_and_keys() -> None:
    cadre = Cadre.model_validate(CADRE)
    row = node_row(node_spec("Cadre"), cadre)
    assert row.id == "C1" and "id" not in row.props
    assert row.props["gender"] == "男" and type(row.props["gender"]) is str
    assert "party_date" not in row.props  # None is left out
    held = HoldsPost.model_validate({"cadre_id": "C1", "post_id": "P1", "start": "2020.05"})
    edge = edge_row(edge_spec("HOLDS"), held)
    assert (edge.source, edge.target, edge.key) == ("C1", "P1", "2020-05-01")
    assert edge.props == {"start": date(2020, 5, 1)}


def test_id_number_check_character_follows_gb_11643() -> None:
    # The standard's own example, and one whose check character is X.
    assert check_character("11010519491231002") == "X"
    assert check_character("44052418800101001") == "4"
    with pytest.raises(ValueError):
        check_character("1234")


def test_id_numbers_are_text_with_an_upper_case_x() -> None:
    cadre = Cadre.model_validate({**CADRE, "id_number": " 11010519491231002x "})
    assert cadre.id_number == "11010519491231002X"
    assert Cadre.model_validate(CADRE).id_number is None
    for excel in ("9.92957E+17", 9.92957e17, 992957199005011234):
        with pytest.raises(ValidationError, match="可能被Excel转成了科学计数法"):
            Cadre.model_validate({**CADRE, "id_number": excel})
    with pytest.raises(ValidationError, match="一代身份证号"):
        Cadre.model_validate({**CADRE, "id_number": "110105491231002"})


def test_id_number_check_digit_and_birth_date() -> None:
    assert check_digit_problem("11010519491231002X") is None
    assert check_digit_problem("110105194912310021") == (
        "身份证号校验码不符：按前17位应为X，这里是1，请核对是否录错"
    )
    number = "11010519491231002X"
    assert birth_date_problem(number, date(1949, 12, 1), with_day=False) is None
    assert birth_date_problem(number, date(1949, 12, 31), with_day=True) is None
    assert birth_date_problem(number, date(1949, 12, 30), with_day=True) == (
        "身份证号中的出生日期1949.12.31与出生年月1949.12.30不一致"
    )
    assert birth_date_problem(number, date(1950, 1, 1), with_day=False) == (
        "身份证号中的出生日期1949.12.31与出生年月1950.01不一致"
    )
    assert "不是有效的出生日期" in str(
        birth_date_problem("110105194913310021", date(1949, 1, 1), with_day=False)
    )


@pytest.mark.parametrize(
    ("written", "meant"),
    [("本科", "大学本科"), ("大学", "大学本科"), ("大专", "大学专科"), ("专科", "大学专科"),
     ("研究生学历", "研究生"), ("硕士研究生", "研究生"), ("中专学历", "中专"),
     ("研究生", "研究生")],
)  # fmt: skip
def test_education_aliases(written: str, meant: str) -> None:
    cadre = Cadre.model_validate({**CADRE, "education": written, "inservice_education": written})
    assert cadre.education == meant and cadre.inservice_education == meant
    assert Education(written) == meant
    assert written in EDUCATION_ALIASES or written == meant
