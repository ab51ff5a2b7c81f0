"""The regulation's satisfaction figures (DOMAIN §4) in pure Decimal arithmetic: the worked
example, the 40/60 weighting, a missing part, missing answers, half-up display, the
target proposal, and properties that hold for any answers (hypothesis)."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_crm.services import satisfaction
from desktop_crm.services.satisfaction import (
    LEVELS,
    Score,
    check_target,
    overall,
    parse_level,
    percent_text,
    propose_target,
    score_counts,
    score_levels,
)

# DOMAIN §4: 25 ratings — 10 很满意, 5 满意, 6 基本满意, 3 不满意, 1 很不满意
WORKED = ["很满意"] * 10 + ["满意"] * 5 + ["基本满意"] * 6 + ["不满意"] * 3 + ["很不满意"]


def test_the_regulations_worked_example_gives_76_and_84() -> None:
    degree, rate = score_levels(WORKED)
    assert degree == Decimal("76") and rate == Decimal("84")
    assert (str(degree), str(rate)) == ("76", "84")  # exact, not 75.99…
    score = Score.of_levels(WORKED)
    assert (score.n, score.score_sum, score.satisfied) == (25, 190, 21)


def test_missing_answers_are_skipped_not_counted_as_zero() -> None:
    assert score_levels([*WORKED, None, None, None]) == (Decimal("76"), Decimal("84"))
    assert score_levels([None, None]) == (None, None)
    assert score_levels([]) == (None, None)


def test_counts_from_a_group_by_give_the_same_figures() -> None:
    by_name = {"很满意": 10, "满意": 5, "基本满意": 6, "不满意": 3, "很不满意": 1}
    by_code = {1: 10, 2: 5, 3: 6, 4: 3, 5: 1}  # the stored codes: 1 很满意 … 5 很不满意
    assert score_counts(by_name) == score_counts(by_code) == (Decimal("76"), Decimal("84"))
    assert Score.of_counts(by_code) == Score.of_levels(WORKED)
    assert score_counts({}) == (None, None)


def test_each_level_scores_as_the_regulation_says() -> None:
    for level, expected in zip(LEVELS, (100, 80, 60, 40, 20), strict=True):
        degree, rate = score_levels([level])
        assert degree == Decimal(expected)
        assert rate == (Decimal(100) if level in ("很满意", "满意", "基本满意") else Decimal(0))


def test_overall_weights_self_assessment_40_and_survey_60() -> None:
    survey = Score.of_levels(WORKED)  # 76 / 84
    self_part = Score.of_levels(["满意"] * 4)  # 80 / 100
    result = overall(survey, self_part)
    assert result.available and result.reason is None
    assert result.degree == Decimal("77.6")  # 80 × 0.4 + 76 × 0.6
    assert result.rate == Decimal("90.4")  # 100 × 0.4 + 84 × 0.6


@pytest.mark.parametrize(
    ("survey", "self_part", "missing"),
    [
        (WORKED, [], "自评部分"),
        ([], ["满意"], "调查部分"),
        ([None], [None], "调查部分（客户和经销商）和自评部分"),
    ],
)
def test_overall_says_so_when_a_part_has_no_answers(survey, self_part, missing) -> None:  # noqa: ANN001
    result = overall(Score.of_levels(survey), Score.of_levels(self_part))
    assert not result.available
    assert result.degree is None and result.rate is None  # never an invented number
    assert missing in result.reason and "无法" in result.reason


def test_percentages_show_one_decimal_rounded_half_up() -> None:
    assert percent_text(Decimal("76")) == "76.0%"
    assert percent_text(Decimal("76.25")) == "76.3%"  # half up, not to even (76.2)
    assert percent_text(Decimal("76.35")) == "76.4%"
    assert percent_text(Decimal("76.349")) == "76.3%"
    assert percent_text(Decimal(200) / Decimal(3)) == "66.7%"
    assert percent_text(None) == "—"
    assert percent_text(Decimal("1.25"), sign=True) == "+1.3%"
    assert satisfaction.points_text(Decimal("-0.04")) == "持平"


def test_targets_are_met_by_the_figure_as_shown() -> None:
    assert check_target("满意度", Decimal("89.96"), Decimal("90")).met is True  # shows 90.0%
    missed = check_target("满意度", Decimal("89.94"), Decimal("90"))
    assert missed.met is False and missed.text.startswith("未达到")
    assert check_target("满意度", None, Decimal("90")).met is None


def test_target_proposal_is_the_mean_of_the_better_half() -> None:
    figures = [Decimal("80"), Decimal("90"), Decimal("85"), Decimal("70")]
    assert propose_target(figures) == Decimal("87.5")  # (90 + 85) / 2
    assert propose_target([Decimal("80"), Decimal("90"), Decimal("85")]) == Decimal("87.5")
    assert propose_target([Decimal("81")]) == Decimal("81.0")
    assert propose_target([None, None]) is None


def test_trend_gives_each_point_its_change() -> None:
    points = [
        satisfaction.TrendPoint(1, "MY2025-01", "a", "2025Q1", Decimal("80"), Decimal("90")),
        satisfaction.TrendPoint(2, "MY2025-02", "b", "2025Q2", None, None),
        satisfaction.TrendPoint(3, "MY2025-03", "c", "2025Q3", Decimal("83.5"), Decimal("88")),
    ]
    result = satisfaction.trend(points)
    assert result[0].change_degree is None
    assert result[2].change_degree == Decimal("3.5") and result[2].change_rate == Decimal("-2")


@pytest.mark.parametrize(
    ("typed", "level"),
    [("很满意", "很满意"), ("1", "很满意"), (5, "很不满意"), ("一般", "基本满意"), (" 满意 ", "满意"),
     ("不", "不满意"), ("", None), (None, None)],
)  # fmt: skip
def test_levels_are_read_from_what_people_type(typed, level) -> None:  # noqa: ANN001
    assert parse_level(typed) == level


@pytest.mark.parametrize("typed", ["很", "6", 0, "很好", True, 2.5])
def test_anything_else_is_refused_in_chinese(typed) -> None:  # noqa: ANN001
    with pytest.raises(ValueError, match="不是满意程度"):
        parse_level(typed)


answers = st.lists(st.sampled_from([*LEVELS, None]), max_size=300)


@given(answers)
def test_figures_stay_between_0_and_100(levels: list[str | None]) -> None:
    degree, rate = score_levels(levels)
    if all(level is None for level in levels):
        assert (degree, rate) == (None, None)
        return
    assert Decimal(20) <= degree <= Decimal(100)  # the lowest score is 2 of 10
    assert Decimal(0) <= rate <= Decimal(100)


@given(answers, st.integers(min_value=0, max_value=2**32))
def test_figures_do_not_change_when_answers_are_reordered(levels, seed) -> None:  # noqa: ANN001
    shuffled = list(levels)
    random.Random(seed).shuffle(shuffled)
    assert score_levels(shuffled) == score_levels(levels)


@given(answers, answers)
def test_overall_lies_between_its_parts(survey, self_part) -> None:  # noqa: ANN001
    result = overall(Score.of_levels(survey), Score.of_levels(self_part))
    a, b = score_levels(survey)[0], score_levels(self_part)[0]
    if a is None or b is None:
        assert not result.available
    else:
        assert min(a, b) <= result.degree <= max(a, b)
