"""The policy: one source of defaults, generated files kept current, department overrides."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from queries.selection.policy import (
    DEFAULT_POLICY,
    PolicyError,
    SelectionPolicy,
    load_policy,
)

ROOT = Path(__file__).resolve().parents[2]


def test_the_default_file_and_the_settings_reference_are_generated_from_the_model() -> None:
    check = subprocess.run(
        [sys.executable, "tools/gen_policy.py", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    as_written = SelectionPolicy.model_validate(tomllib.loads(DEFAULT_POLICY.read_text("utf-8")))
    assert as_written == SelectionPolicy() == load_policy()


def test_every_setting_has_its_meaning_and_default_in_the_reference() -> None:
    reference = (ROOT / "docs" / "policy.md").read_text("utf-8")
    for name in ("retire_within_years", "min_years_to_retire", "allow_far", "many_to_one"):
        assert f"| `{name}` |" in reference
    assert "## `retirement.male`" in reference and "| `base_age` | `60` |" in reference
    assert "| `allow_far` | `false` | suggest mentors" in reference


def test_posts_below_and_training_warn_by_default_in_model_and_file() -> None:
    policy = SelectionPolicy()
    assert policy.rules.posts_below.warn and policy.rules.training.warn
    data = tomllib.loads(DEFAULT_POLICY.read_text("utf-8"))
    assert data["rules"]["posts_below"]["warn"] and data["rules"]["training"]["warn"]


def test_a_department_adds_replaces_and_removes_map_entries(tmp_path: Path) -> None:
    file = tmp_path / "ours.toml"
    file.write_text(
        "[rules.effect_period.months]\n"
        '"诫勉" = false\n'  # removed: this department counts no effect period for it
        '"谈话函询" = 3\n'  # added
        '"记过" = 18\n'  # replaced
        "[teams.needed_categories]\n"
        '"街道" = false\n'
        '"村" = ["农业"]\n'
        "[rules.probation]\nenabled = false\n",  # a switch set to false stays a switch
        encoding="utf-8",
    )
    policy = load_policy(file)
    months = policy.rules.effect_period.months
    assert "诫勉" not in months and months["谈话函询"] == 3 and months["记过"] == 18
    assert months["记大过"] == 18  # untouched defaults stay
    assert "街道" not in policy.teams.needed_categories
    assert policy.teams.needed_categories["村"] == ["农业"]
    assert policy.teams.needed_categories["乡镇"] == ["农业", "规划", "社会治理", "经济"]
    assert policy.rules.probation.enabled is False


def test_a_bad_setting_is_named(tmp_path: Path) -> None:
    file = tmp_path / "bad.toml"
    file.write_text('[retirement.male]\nfirst_cohort = "1965"\n', encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_policy(file)
    assert str(caught.value) == (
        f"选拔政策文件 {file} 的设置有误：retirement.male.first_cohort："
        "格式不对：应符合^\\d{4}-\\d{2}$，这里是“1965”"
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "[rules.service_years]\nmin_yers = 3\n",
            "rules.service_years.min_yers：没有这项设置，请检查拼写",
        ),
        (
            "[rules.education]\ncounty_warn = 'x'\n",
            "rules.education.county_warn：应填 true 或 false，这里是“x”",
        ),
        (
            "[rules.training]\ncounty_hours_5y = 'many'\n",
            "rules.training.county_hours_5y：应为数字，这里是“many”",
        ),
    ],
)
def test_a_bad_setting_is_said_in_chinese_with_its_dotted_name(
    tmp_path: Path, text: str, problem: str
) -> None:
    file = tmp_path / "bad.toml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_policy(file)
    assert str(caught.value) == f"选拔政策文件 {file} 的设置有误：{problem}"


def test_a_missing_policy_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as caught:
        load_policy(tmp_path / "none.toml")
    assert str(caught.value) == f"选拔政策文件 {tmp_path / 'none.toml'} 不存在，请检查路径"
