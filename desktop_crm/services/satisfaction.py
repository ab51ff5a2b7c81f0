"""The regulation's satisfaction figures (DOMAIN §4), in Decimal arithmetic, without a
database: everything is built on `score_levels` / `Score`.

- Five levels and their scores: 很满意 10, 满意 8, 基本满意 6, 不满意 4, 很不满意 2.
- 满意度 = sum of scores ÷ (number of ratings × 10) × 100 %.
- 满意率 = number of ratings at 基本满意 or better ÷ number of ratings × 100 %.
- Missing answers (None) are left out of the counts, never counted as zero.
- 总体 = 自评 × 40 % + 调查 × 60 %, for 满意度 and 满意率 alike; when one part has no
  answers the overall figure is not invented: `Overall.reason` says why there is none.

Figures are exact Decimals (2/3 stays 66.666…); `percent_text` shows them with one
decimal, rounded half up. Counts can come from level names (`Score.of_levels`) or from
(level → count) maps such as a SQL GROUP BY returns (`Score.of_counts`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# ------------------------------------------------------------------ the vocabulary

VERY_SATISFIED, SATISFIED, FAIRLY_SATISFIED, DISSATISFIED, VERY_DISSATISFIED = (
    "很满意",
    "满意",
    "基本满意",
    "不满意",
    "很不满意",
)
LEVELS = (VERY_SATISFIED, SATISFIED, FAIRLY_SATISFIED, DISSATISFIED, VERY_DISSATISFIED)
SCORES: dict[str, int] = {
    VERY_SATISFIED: 10,
    SATISFIED: 8,
    FAIRLY_SATISFIED: 6,
    DISSATISFIED: 4,
    VERY_DISSATISFIED: 2,
}
MAX_SCORE = 10
# 满意率 counts these (基本满意 and better)
SATISFIED_LEVELS = LEVELS[:3]
DISSATISFIED_LEVELS = LEVELS[3:]
# Stored level codes: 1 很满意 … 5 很不满意 (the order of DOMAIN §4 and of the paper form).
LEVEL_CODES: dict[int, str] = {code: name for code, name in enumerate(LEVELS, start=1)}
CODE_OF: dict[str, int] = {name: code for code, name in LEVEL_CODES.items()}
# Words other forms use for the same levels.
ALIASES = {
    "非常满意": VERY_SATISFIED,
    "比较满意": SATISFIED,
    "较满意": SATISFIED,
    "一般": FAIRLY_SATISFIED,
    "较不满意": DISSATISFIED,
    "非常不满意": VERY_DISSATISFIED,
    # single characters that name one level only
    "满": SATISFIED,
    "基": FAIRLY_SATISFIED,
    "不": DISSATISFIED,
}

PART_SURVEY, PART_SELF = "调查", "自评"  # 调查部分 (customers and dealers), 自评部分 (sales staff)
PARTS = (PART_SURVEY, PART_SELF)
WEIGHT_SELF = Decimal("0.4")
WEIGHT_SURVEY = Decimal("0.6")
HUNDRED = Decimal(100)
ONE_DECIMAL = Decimal("0.1")


def parse_level(value: object) -> str | None:
    """A level name from what a person typed or a cell holds: the name, a code 1–5
    (1 很满意 … 5 很不满意), or a word other forms use (一般, 非常满意, …). None for empty;
    ValueError (Chinese message) for anything else."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(level_hint(value))
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
        if number == number.to_integral_value() and int(number) in LEVEL_CODES:
            return LEVEL_CODES[int(number)]
        raise ValueError(level_hint(value))
    text = str(value).strip().replace(" ", "").replace("\u3000", "")
    if not text:
        return None
    if text in SCORES:
        return text
    if text in ALIASES:
        return ALIASES[text]
    if text.isdigit() and int(text) in LEVEL_CODES:
        return LEVEL_CODES[int(text)]
    raise ValueError(level_hint(value))


def level_hint(value: object) -> str:
    return f"「{value}」不是满意程度，应为：{'、'.join(LEVELS)}（或 1–5）。"


# ------------------------------------------------------------------ counting


@dataclass(frozen=True, slots=True)
class Score:
    """How many ratings fell on each level (in LEVELS order) and the figures they give."""

    counts: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)

    @classmethod
    def of_levels(cls, levels: Iterable[str | None]) -> Score:
        """Count level names; None (a missing answer) is skipped. ValueError for a name
        that is not a level."""
        counts = [0, 0, 0, 0, 0]
        for level in levels:
            if level is None:
                continue
            if level not in SCORES:
                raise ValueError(level_hint(level))
            counts[CODE_OF[level] - 1] += 1
        return cls(tuple(counts))  # type: ignore[arg-type]

    @classmethod
    def of_counts(cls, counts: Mapping[str, int] | Mapping[int, int]) -> Score:
        """From (level → count), the level as its name or its code 1–5 (a GROUP BY row)."""
        tally = [0, 0, 0, 0, 0]
        for level, count in counts.items():
            name = LEVEL_CODES.get(level) if isinstance(level, int) else level  # type: ignore[arg-type]
            if name not in SCORES or count < 0:
                raise ValueError(level_hint(level))
            tally[CODE_OF[name] - 1] += int(count)
        return cls(tuple(tally))  # type: ignore[arg-type]

    def __add__(self, other: Score) -> Score:
        return Score(tuple(a + b for a, b in zip(self.counts, other.counts, strict=True)))  # type: ignore[arg-type]

    def count(self, level: str) -> int:
        return self.counts[CODE_OF[level] - 1]

    @property
    def by_level(self) -> dict[str, int]:
        return dict(zip(LEVELS, self.counts, strict=True))

    @property
    def n(self) -> int:
        """The number of ratings (missing answers not counted)."""
        return sum(self.counts)

    @property
    def score_sum(self) -> int:
        return sum(SCORES[level] * count for level, count in zip(LEVELS, self.counts, strict=True))

    @property
    def satisfied(self) -> int:
        """Ratings at 基本满意 or better."""
        return sum(self.counts[:3])

    @property
    def dissatisfied(self) -> int:
        """Ratings at 不满意 or 很不满意."""
        return sum(self.counts[3:])

    @property
    def degree(self) -> Decimal | None:
        """满意度 in percent: sum of scores ÷ (n × 10) × 100; None without ratings."""
        if self.n == 0:
            return None
        return Decimal(self.score_sum * 100) / Decimal(self.n * MAX_SCORE)

    @property
    def rate(self) -> Decimal | None:
        """满意率 in percent: ratings at 基本满意 or better ÷ n × 100; None without ratings."""
        if self.n == 0:
            return None
        return Decimal(self.satisfied * 100) / Decimal(self.n)

    @property
    def figures(self) -> tuple[Decimal | None, Decimal | None]:
        return self.degree, self.rate


EMPTY = Score()


def score_levels(levels: Iterable[str | None]) -> tuple[Decimal | None, Decimal | None]:
    """(满意度, 满意率) of level names as Decimal percentages; None for a missing answer is
    skipped; (None, None) when nothing was answered.

    >>> score_levels(["很满意"] * 10 + ["满意"] * 5 + ["基本满意"] * 6 + ["不满意"] * 3 + ["很不满意"])
    (Decimal('76'), Decimal('84'))
    """
    return Score.of_levels(levels).figures


def score_counts(
    counts: Mapping[str, int] | Mapping[int, int],
) -> tuple[Decimal | None, Decimal | None]:
    """(满意度, 满意率) from (level → count), the level as its name or its code 1–5."""
    return Score.of_counts(counts).figures


def total(scores: Iterable[Score]) -> Score:
    result = EMPTY
    for score in scores:
        result = result + score
    return result


# ------------------------------------------------------------------ the overall figure


@dataclass(frozen=True, slots=True)
class Overall:
    """总体满意度 and 总体满意率 (自评 40 %, 调查 60 %), or None with the reason (Chinese)."""

    survey: Score
    self_assessment: Score
    degree: Decimal | None
    rate: Decimal | None
    reason: str | None = None

    @property
    def available(self) -> bool:
        return self.degree is not None


def weighted(self_value: Decimal, survey_value: Decimal) -> Decimal:
    return self_value * WEIGHT_SELF + survey_value * WEIGHT_SURVEY


def overall(survey: Score, self_assessment: Score) -> Overall:
    """The overall figures: 自评 × 40 % + 调查 × 60 %. When a part has no answers there is
    no overall figure, and `reason` says which part is missing."""
    missing = [
        label
        for label, score in (
            ("调查部分（客户和经销商）", survey),
            ("自评部分（销售人员）", self_assessment),
        )
        if score.n == 0
    ]
    if missing:
        reason = f"{'和'.join(missing)}没有答卷，无法按“自评 40%＋调查 60%”计算总体满意度和满意率。"
        return Overall(survey, self_assessment, None, None, reason)
    assert survey.degree is not None and survey.rate is not None
    assert self_assessment.degree is not None and self_assessment.rate is not None
    return Overall(
        survey,
        self_assessment,
        weighted(self_assessment.degree, survey.degree),
        weighted(self_assessment.rate, survey.rate),
    )


# ------------------------------------------------------------------ showing


def rounded(value: Decimal | None) -> Decimal | None:
    """One decimal, rounded half up (76.25 → 76.3)."""
    if value is None:
        return None
    return value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def percent_text(value: Decimal | None, missing: str = "—", sign: bool = False) -> str:
    """76 → "76.0%", 66.666… → "66.7%", None → "—"; `sign` writes +1.5% / -0.5%."""
    if value is None:
        return missing
    shown = rounded(value)
    assert shown is not None
    if shown == 0:
        shown = abs(shown)  # never "-0.0%"
    return f"{shown:+}%" if sign else f"{shown}%"


def points_text(value: Decimal | None, missing: str = "—") -> str:
    """A difference in percentage points: +1.5 个百分点 / -0.5 个百分点."""
    if value is None:
        return missing
    shown = rounded(value)
    assert shown is not None
    if shown == 0:
        return "持平"
    return f"{shown:+} 个百分点"


# ------------------------------------------------------------------ comparing


@dataclass(frozen=True, slots=True)
class TargetCheck:
    """A figure held against its target (or a benchmark): the difference in percentage
    points, and whether it is met (None when there is no figure or no target)."""

    label: str
    value: Decimal | None
    target: Decimal | None
    difference: Decimal | None
    met: bool | None

    @property
    def text(self) -> str:
        if self.value is None:
            return "无数据"
        if self.target is None:
            return "未设"
        verdict = "达到" if self.met else "未达到"
        return f"{verdict}（{points_text(self.difference)}）"


def check_target(label: str, value: Decimal | None, target: Decimal | None) -> TargetCheck:
    """Met when the figure, shown with one decimal, is at least the target."""
    if value is None or target is None:
        return TargetCheck(label, value, target, None, None)
    difference = value - target
    shown = rounded(value)
    assert shown is not None
    return TargetCheck(label, value, target, difference, shown >= target)


def difference(value: Decimal | None, other: Decimal | None) -> Decimal | None:
    if value is None or other is None:
        return None
    return value - other


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One survey's figures on the trend line (earlier surveys of the same kind)."""

    survey_id: int
    number: str
    name: str
    label: str  # the period, for a chart's axis: 2026Q1, 2026上半年, 2026-03
    degree: Decimal | None
    rate: Decimal | None
    change_degree: Decimal | None = None  # against the point before
    change_rate: Decimal | None = None


def trend(points: Sequence[TrendPoint]) -> list[TrendPoint]:
    """The points in the given (time) order, each with its change against the one before
    that has a figure."""
    result: list[TrendPoint] = []
    last_degree: Decimal | None = None
    last_rate: Decimal | None = None
    for point in points:
        result.append(
            TrendPoint(
                point.survey_id,
                point.number,
                point.name,
                point.label,
                point.degree,
                point.rate,
                difference(point.degree, last_degree),
                difference(point.rate, last_rate),
            )
        )
        if point.degree is not None:
            last_degree = point.degree
        if point.rate is not None:
            last_rate = point.rate
    return result


def propose_target(figures: Iterable[Decimal | None]) -> Decimal | None:
    """The "average-advanced" target (平均先进值, DOMAIN §4): the mean of the better half of
    the given figures (the last surveys'; with an odd count the middle one is in the better
    half), one decimal rounded half up; None without figures."""
    values = sorted((v for v in figures if v is not None), reverse=True)
    if not values:
        return None
    better = values[: (len(values) + 1) // 2]
    return rounded(sum(better, Decimal(0)) / Decimal(len(better)))
