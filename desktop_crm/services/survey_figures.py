"""A survey's figures, counted in SQL and scored by `satisfaction` (DOMAIN §4).

One GROUP BY over the survey's answers (respondent type × competitor × item × level; a
few hundred rows at most, whatever the number of questionnaires) feeds every figure:
per part (调查 = 客户 + 经销商, 自评), per item, per respondent type, per competitor, and
the overall figure (自评 40 % + 调查 60 %). A second GROUP BY gives the figures per
respondent group (重点客户, 普通客户, 前20名). Answers to retired items are left out.

No rights here: the callers (services.surveys, survey_report) check them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_crm.models import (
    Survey,
    SurveyAnswer,
    SurveyCompetitor,
    SurveyItem,
    SurveyQuestionnaire,
)

from . import satisfaction, settings
from .satisfaction import EMPTY, Overall, Score, TargetCheck, check_target

CUSTOMER, DEALER, STAFF = "客户", "经销商", "自评"
RESPONDENT_TYPES = (CUSTOMER, DEALER, STAFF)
SURVEY_TYPES = (CUSTOMER, DEALER)  # the 调查部分
GROUP_KEY, GROUP_ORDINARY, GROUP_TOP20 = "重点客户", "普通客户", "前20名"
GROUPS = (GROUP_TOP20, GROUP_KEY, GROUP_ORDINARY)  # a customer in several: the first wins
KIND_KEY, KIND_ORDINARY, KIND_SPECIAL = "常规-重点客户", "常规-普通客户", "特殊"
KINDS = (KIND_KEY, KIND_ORDINARY, KIND_SPECIAL)
ROUTINE_KINDS = (KIND_KEY, KIND_ORDINARY)


@dataclass(frozen=True, slots=True)
class ItemFigures:
    """One questionnaire item: its ratings per part and per respondent type."""

    item_id: int
    name: str
    survey: Score = EMPTY  # 调查部分 (客户 + 经销商), about us
    self_assessment: Score = EMPTY  # 自评部分
    by_type: Mapping[str, Score] = field(default_factory=dict)

    @property
    def all(self) -> Score:
        """Every rating of the item about us (both parts)."""
        return self.survey + self.self_assessment

    @property
    def overall(self) -> Overall:
        return satisfaction.overall(self.survey, self.self_assessment)


@dataclass(frozen=True, slots=True)
class CompetitorFigures:
    """The ratings customers gave one competitor: overall and per item."""

    competitor_id: int
    name: str
    questionnaires: int
    score: Score
    by_item: Mapping[int, Score] = field(default_factory=dict)


@dataclass(frozen=True)
class SurveyFigures:
    """Everything counted for one survey. Percentages are exact Decimals; show them with
    `satisfaction.percent_text`."""

    survey_id: int
    survey: Score  # 调查部分 (客户 + 经销商), about us
    self_assessment: Score  # 自评部分
    overall: Overall
    by_type: Mapping[str, Score]  # 客户 / 经销商 / 自评 (about us)
    by_item: tuple[ItemFigures, ...]  # active items in questionnaire order
    competitors: tuple[CompetitorFigures, ...]  # in the survey's order
    by_group: Mapping[str, Score]  # 前20名 / 重点客户 / 普通客户 (调查部分, planned respondents)
    questionnaires: Mapping[str, int]  # returned sheets about us per respondent type
    competitor_questionnaires: int
    targets: tuple[TargetCheck, ...]
    benchmarks: tuple[TargetCheck, ...]
    warnings: tuple[str, ...]

    @property
    def customer_questionnaires(self) -> int:
        """Sheets about us from customers and dealers (what the ≥ 100 rule counts)."""
        return sum(self.questionnaires.get(t, 0) for t in SURVEY_TYPES)

    @property
    def total_questionnaires(self) -> int:
        return sum(self.questionnaires.values()) + self.competitor_questionnaires

    @property
    def below_target(self) -> bool:
        """A figure held against a target misses it (see `target_checks`)."""
        return any(check.met is False for check in self.targets if check.label in DECISIVE)

    @property
    def us(self) -> Score:
        """Every rating about us (调查 and 自评 together)."""
        return self.survey + self.self_assessment

    def item(self, item_id: int) -> ItemFigures | None:
        return next((i for i in self.by_item if i.item_id == item_id), None)

    @property
    def dissatisfied_items(self) -> tuple[ItemFigures, ...]:
        """Items rated 不满意 or 很不满意 at least once (about us, either part)."""
        return tuple(i for i in self.by_item if i.all.dissatisfied > 0)


# The checks that decide whether a survey is below its targets: the overall figures when
# both parts have answers, else the part that has them; and the top-20 group's 满意率.
OVERALL_DEGREE, OVERALL_RATE = "总体满意度", "总体满意率"
SURVEY_DEGREE, SURVEY_RATE = "调查部分满意度", "调查部分满意率"
SELF_DEGREE, SELF_RATE = "自评部分满意度", "自评部分满意率"
TOP20_RATE = "前20名客户满意率"
DECISIVE = (OVERALL_DEGREE, OVERALL_RATE, TOP20_RATE, "满意度", "满意率")


def target_checks(survey: Survey, overall: Overall, top20: Score) -> tuple[TargetCheck, ...]:
    """The figures against the survey's targets: 总体 (or, while a part has no answers,
    the part that has them, labelled 满意度/满意率), the two parts, the top-20 group."""
    checks: list[TargetCheck] = []
    if overall.available:
        checks.append(check_target(OVERALL_DEGREE, overall.degree, survey.target_degree))
        checks.append(check_target(OVERALL_RATE, overall.rate, survey.target_rate))
    else:
        present = overall.survey if overall.survey.n else overall.self_assessment
        checks.append(check_target("满意度", present.degree, survey.target_degree))
        checks.append(check_target("满意率", present.rate, survey.target_rate))
    checks.append(check_target(SURVEY_DEGREE, overall.survey.degree, survey.target_degree))
    checks.append(check_target(SURVEY_RATE, overall.survey.rate, survey.target_rate))
    checks.append(check_target(SELF_DEGREE, overall.self_assessment.degree, survey.target_degree))
    checks.append(check_target(SELF_RATE, overall.self_assessment.rate, survey.target_rate))
    if top20.n and survey.target_top20 is not None:
        checks.append(check_target(TOP20_RATE, top20.rate, survey.target_top20))
    return tuple(checks)


def benchmark_checks(survey: Survey, overall: Overall) -> tuple[TargetCheck, ...]:
    """The figures against the company benchmark (企业基准), when one is set."""
    degree = overall.degree if overall.available else overall.survey.degree
    rate = overall.rate if overall.available else overall.survey.rate
    checks = []
    if survey.benchmark_degree is not None:
        checks.append(check_target("满意度 对比企业基准", degree, survey.benchmark_degree))
    if survey.benchmark_rate is not None:
        checks.append(check_target("满意率 对比企业基准", rate, survey.benchmark_rate))
    return tuple(checks)


def count_warnings(
    session: Session, survey: Survey, customer_sheets: int, competitor_sheets: int
) -> tuple[str, ...]:
    """Warnings, never refusals: a routine survey wants at least 100 questionnaires from
    customers and dealers and at least 10 about competitors (settings)."""
    if survey.kind not in ROUTINE_KINDS:
        return ()
    values = settings.values(session)
    least = values["survey.min_questionnaires"]
    least_competitor = values["survey.min_competitor_questionnaires"]
    warnings = []
    if customer_sheets < least:
        warnings.append(
            f"常规调查应至少回收 {least} 份客户和经销商问卷，目前只有 {customer_sheets} 份。"
        )
    if competitor_sheets < least_competitor:
        warnings.append(
            f"常规调查应至少回收 {least_competitor} 份竞争对手问卷，目前只有 {competitor_sheets} 份。"
        )
    return tuple(warnings)


def _active_items(session: Session, survey_id: int) -> list[tuple[int, str]]:
    return [
        (row.id, row.name)
        for row in session.execute(
            select(SurveyItem.id, SurveyItem.name)
            .where(SurveyItem.survey_id == survey_id, SurveyItem.active.is_(True))
            .order_by(SurveyItem.sort_order, SurveyItem.id)
        )
    ]


def level_counts(session: Session, survey_ids: int | Sequence[int]) -> list[tuple[Any, ...]]:
    """(survey id, respondent type, competitor id, respondent group, item id, level, count)
    of the answers of one or several surveys: one GROUP BY read in the order of
    ix_survey_answer_figures (no join, no temporary sort)."""
    a = SurveyAnswer
    ids = [survey_ids] if isinstance(survey_ids, int) else sorted(set(survey_ids))
    columns = (
        a.survey_id,
        a.respondent_type,
        a.competitor_id,
        a.respondent_group,
        a.item_id,
        a.level,
    )
    query = (
        select(*columns, func.count())
        .where(a.survey_id.in_(ids) if len(ids) > 1 else a.survey_id == ids[0])
        .group_by(*columns)
    )
    return [tuple(row) for row in session.execute(query)]


def questionnaire_counts(session: Session, survey_id: int) -> list[tuple[str, int | None, int]]:
    """(respondent type, competitor id, returned sheets) of one survey."""
    q = SurveyQuestionnaire
    query = (
        select(q.respondent_type, q.competitor_id, func.count())
        .where(q.survey_id == survey_id)
        .group_by(q.respondent_type, q.competitor_id)
    )
    return [tuple(row) for row in session.execute(query)]  # type: ignore[misc]


def compute(session: Session, survey: Survey) -> SurveyFigures:
    """Count and score one survey (no rights checked: the caller did)."""
    items = _active_items(session, survey.id)
    active = {item_id for item_id, _ in items}
    # (type, competitor, item) → {level: count}; (group, level) → count for the 调查部分
    cells: dict[tuple[str, int | None, int], dict[int, int]] = defaultdict(dict)
    groups: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for _, rtype, competitor_id, group, item_id, level, count in level_counts(session, survey.id):
        if item_id not in active:
            continue
        cell = cells[(rtype, competitor_id, item_id)]
        cell[level] = cell.get(level, 0) + count
        if competitor_id is None and rtype in SURVEY_TYPES and group is not None:
            groups[group][level] += count
    scores = {key: Score.of_counts(counts) for key, counts in cells.items()}
    by_group = {g: Score.of_counts(groups[g]) for g in GROUPS if g in groups}

    by_item = []
    for item_id, name in items:
        by_type = {rtype: scores.get((rtype, None, item_id), EMPTY) for rtype in RESPONDENT_TYPES}
        survey_part = by_type[CUSTOMER] + by_type[DEALER]
        by_item.append(ItemFigures(item_id, name, survey_part, by_type[STAFF], by_type))
    by_type_total = {
        rtype: satisfaction.total(i.by_type[rtype] for i in by_item) for rtype in RESPONDENT_TYPES
    }
    survey_part = by_type_total[CUSTOMER] + by_type_total[DEALER]
    self_part = by_type_total[STAFF]
    overall = satisfaction.overall(survey_part, self_part)

    sheets: dict[tuple[str, int | None], int] = {}
    for rtype, competitor_id, count in questionnaire_counts(session, survey.id):
        sheets[(rtype, competitor_id)] = count
    questionnaires = {rtype: sheets.get((rtype, None), 0) for rtype in RESPONDENT_TYPES}
    competitor_sheets = sum(n for (_, cid), n in sheets.items() if cid is not None)

    competitors = []
    for competitor in survey.competitors:
        per_item = {
            item_id: satisfaction.total(
                scores.get((rtype, competitor.id, item_id), EMPTY) for rtype in SURVEY_TYPES
            )
            for item_id, _ in items
        }
        competitors.append(
            CompetitorFigures(
                competitor.id,
                competitor.name,
                sum(n for (_, cid), n in sheets.items() if cid == competitor.id),
                satisfaction.total(per_item.values()),
                per_item,
            )
        )

    customer_sheets = questionnaires[CUSTOMER] + questionnaires[DEALER]
    return SurveyFigures(
        survey_id=survey.id,
        survey=survey_part,
        self_assessment=self_part,
        overall=overall,
        by_type=by_type_total,
        by_item=tuple(by_item),
        competitors=tuple(competitors),
        by_group=by_group,
        questionnaires=questionnaires,
        competitor_questionnaires=competitor_sheets,
        targets=target_checks(survey, overall, by_group.get(GROUP_TOP20, EMPTY)),
        benchmarks=benchmark_checks(survey, overall),
        warnings=count_warnings(session, survey, customer_sheets, competitor_sheets),
    )


def part_scores(session: Session, survey_ids: Iterable[int]) -> dict[int, Overall]:
    """The overall figures of several surveys in one GROUP BY (for the trend and for
    target proposals): per survey, its 调查 and 自评 parts (active items, about us)."""
    ids = sorted(set(survey_ids))
    if not ids:
        return {}
    active = set(
        session.scalars(
            select(SurveyItem.id).where(SurveyItem.survey_id.in_(ids), SurveyItem.active.is_(True))
        )
    )
    tallies: dict[tuple[int, bool], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for survey_id, rtype, competitor_id, _, item_id, level, count in level_counts(session, ids):
        if competitor_id is None and item_id in active:
            tallies[(survey_id, rtype == STAFF)][level] += count
    return {
        survey_id: satisfaction.overall(
            Score.of_counts(tallies.get((survey_id, False), {})),
            Score.of_counts(tallies.get((survey_id, True), {})),
        )
        for survey_id in ids
    }


def competitor_names(session: Session, survey_id: int) -> dict[int, str]:
    return dict(
        session.execute(
            select(SurveyCompetitor.id, SurveyCompetitor.name).where(
                SurveyCompetitor.survey_id == survey_id
            )
        ).all()
    )


def period_label(kind: str, period_from: object) -> str:
    """A survey's period as a chart axis reads it: 2026Q1, 2026上半年, 2026-03."""
    day = period_from
    year, month = day.year, day.month  # type: ignore[attr-defined]
    if kind == KIND_KEY:
        return f"{year}Q{(month - 1) // 3 + 1}"
    if kind == KIND_ORDINARY:
        return f"{year}{'上半年' if month <= 6 else '下半年'}"
    return f"{year}-{month:02d}"


def decimal_or_none(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))
