"""Hand-made input for the satisfaction forms: one quarter's key-customer survey.

Figures are worked out here from the counts the way DOMAIN §4 defines them (scores
10/8/6/4/2; 满意率 counts 基本满意 and better), so the tests can say what the paper shows.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from desktop_crm.reports.forms.questionnaire import QuestionnaireSheet, QuestionnaireSurvey
from desktop_crm.reports.forms.satisfaction_report import (
    CompetitorFigures,
    DissatisfiedItem,
    Figures,
    GroupFigures,
    ImprovementAction,
    ItemFigures,
    SatisfactionReport,
    TrendPoint,
)

ITEMS = ("产品功能(主要性能)", "可靠性", "外观", "包装质量", "交货期", "服务质量", "售后服务水平")
SCORES = (10, 8, 6, 4, 2)


def figures(counts: tuple[int, ...] | list[int]) -> Figures:
    """满意度 and 满意率 of these level counts, unrounded."""
    n = sum(counts)
    if n == 0:
        return Figures()
    score = sum(c * s for c, s in zip(counts, SCORES, strict=True))
    good = sum(counts[:3])
    return Figures(Decimal(score) * 100 / (n * 10), Decimal(good) * 100 / n, n)


def weighted(self_part: Figures, survey_part: Figures) -> Figures:
    if self_part.satisfaction is None or survey_part.satisfaction is None:
        return Figures(note="")
    return Figures(
        self_part.satisfaction * Decimal("0.4") + survey_part.satisfaction * Decimal("0.6"),
        self_part.rate * Decimal("0.4") + survey_part.rate * Decimal("0.6"),
        self_part.ratings + survey_part.ratings,
    )


# 调查部分: one row per item (很满意, 满意, 基本满意, 不满意, 很不满意); the first is the
# regulation's worked example (76% / 84%).
SURVEY_COUNTS = {
    "产品功能(主要性能)": (10, 5, 6, 3, 1),
    "可靠性": (12, 8, 4, 1, 0),
    "外观": (8, 10, 6, 1, 0),
    "包装质量": (5, 6, 8, 4, 2),
    "交货期": (9, 9, 5, 2, 0),
    "服务质量": (14, 7, 3, 1, 0),
    "售后服务水平": (11, 8, 5, 1, 0),
}
SELF_COUNTS = {
    "产品功能(主要性能)": (3, 2, 1, 0, 0),
    "可靠性": (2, 3, 1, 0, 0),
    "外观": (2, 2, 2, 0, 0),
    "包装质量": (1, 2, 2, 1, 0),
    "交货期": (2, 2, 1, 1, 0),
    "服务质量": (4, 1, 1, 0, 0),
    "售后服务水平": (3, 2, 1, 0, 0),
}


def _sum(rows: dict[str, tuple[int, ...]]) -> tuple[int, ...]:
    return tuple(sum(r[i] for r in rows.values()) for i in range(5))


def sample_report(*, with_self: bool = True) -> SatisfactionReport:
    survey_part = figures(_sum(SURVEY_COUNTS))
    self_part = figures(_sum(SELF_COUNTS)) if with_self else Figures()
    overall = weighted(self_part, survey_part)
    self_counts = SELF_COUNTS if with_self else {}
    return SatisfactionReport(
        number="MY2026-03",
        name="2026年第三季度重点客户满意度调查",
        kind="常规-重点客户",
        period_from=date(2026, 7, 1),
        period_to=date(2026, 9, 30),
        method="书面问卷（邮寄、上门发放）",
        state="进行中",
        target_satisfaction=Decimal("80"),
        target_rate=Decimal("90"),
        benchmark_satisfaction=Decimal("78.5"),
        questionnaires={"客户": 18, "经销商": 7, "自评": 6 if with_self else 0},
        competitor_questionnaires={"华北化工": 6, "鲁中化肥": 5},
        overall=overall,
        survey_part=survey_part,
        self_part=self_part,
        by_type={
            "客户": figures((50, 38, 27, 9, 2)),
            "经销商": figures((19, 15, 10, 4, 1)),
        },
        groups=[
            GroupFigures("前20名客户", figures((30, 20, 6, 0, 0)), 8, None, Decimal("100")),
            GroupFigures(
                "重点客户", figures((39, 33, 31, 13, 3)), 17, Decimal("80"), Decimal("90")
            ),
        ],
        survey_items=[ItemFigures(n, c, figures(c)) for n, c in SURVEY_COUNTS.items()],
        self_items=[ItemFigures(n, c, figures(c)) for n, c in self_counts.items()],
        trend=[
            TrendPoint("MY2025-03", Figures(Decimal("74.25"), Decimal("86.35"), 180)),
            TrendPoint("MY2025-04", Figures(Decimal("77.5"), Decimal("88"), 170)),
            TrendPoint("MY2026-01", Figures(None, None, 0, "自评部分无答卷")),
            TrendPoint("MY2026-02", Figures(Decimal("79.1"), Decimal("90.2"), 176)),
            TrendPoint("MY2026-03", overall, current=True),
        ],
        competitors=[
            CompetitorFigures(
                "华北化工",
                6,
                figures((8, 12, 14, 6, 2)),
                {n: Decimal(70 + i) for i, n in enumerate(ITEMS)},
            ),
            CompetitorFigures(
                "鲁中化肥",
                5,
                figures((10, 12, 9, 3, 1)),
                {n: Decimal("81.25") - i for i, n in enumerate(ITEMS[:5])},
            ),
        ],
        dissatisfied=[
            DissatisfiedItem(
                "包装质量",
                5,
                2,
                ["包装袋易破", "包装袋易破", "封口不严", "包装袋易破", "破袋率偏高"],
                6,
                1,
            ),
            DissatisfiedItem("产品功能(主要性能)", 3, 1, ["结块", "", "粒度不匀"], 4, 0),
            DissatisfiedItem("交货期", 3, 0, []),
        ],
        improvements=[
            ImprovementAction(
                "包装质量",
                "王强",
                "更换供应商的包装袋，增加封口检验",
                "进货检验增加拉力试验",
                date(2026, 11, 30),
                "破袋投诉下降",
                date(2026, 12, 15),
                "已验证",
            ),
            ImprovementAction("产品功能(主要性能)", "李敏", "调整造粒工艺", "", date(2026, 12, 31)),
        ],
        meeting_on=date(2026, 10, 12),
        meeting_attendees="王强（市场营销部）、李敏（质检部）、赵磊（售后服务部）、孙丽（生产技术部）",
        meeting_notes="包装质量为主要问题，由质检部牵头改进。",
        respondents_planned=30,
        respondents_returned=24,
        warnings=["调查部分只收回 25 份问卷，少于 100 份。"],
        made_by="赵磊",
        made_at=datetime(2026, 10, 15, 9, 30),
    )


def sample_survey(items: tuple[str, ...] = ITEMS) -> QuestionnaireSurvey:
    return QuestionnaireSurvey(
        number="MY2026-03",
        name="2026年第三季度重点客户满意度调查",
        items=items,
        company="河北某某化肥有限公司",
        return_by=date(2026, 9, 20),
    )


def sample_sheets(count: int) -> list[QuestionnaireSheet]:
    competitors = ("华北化工", "鲁中化肥")
    return [
        QuestionnaireSheet(
            customer=f"石家庄第{n}农资有限公司",
            code=f"KH{n:05d}",
            competitor=competitors[n % 2],
        )
        for n in range(1, count + 1)
    ]
