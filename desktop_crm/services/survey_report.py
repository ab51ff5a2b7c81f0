"""What the 客户满意度调查分析报告 shows (DOMAIN §4, §6 form 4), as plain data: the survey's
facts, the overall and per-part figures against the targets, a table per item for 调查
and 自评 separately, the per-item figures, the trend over earlier surveys of the same kind,
us against the competitors, the dissatisfied items with their reasons and the
improvement actions. `documents` turns it into the form's PDF and XLSX.

Percentages are exact Decimals (None: no answers); show them with
`satisfaction.percent_text` (one decimal, half up).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_crm.models import Survey, SurveyQuestionnaire, SurveyRespondent, User, local_now

from . import audit, rights, satisfaction
from . import survey_figures as figures_module
from .satisfaction import LEVELS, Score, TargetCheck, TrendPoint
from .survey_figures import CUSTOMER, DEALER, SurveyFigures
from .survey_improvements import (
    DissatisfiedItem,
    ImprovementRow,
    dissatisfied_items,
    improvement_rows,
)
from .surveys import get_survey, label_of

TREND_SURVEYS = 8  # this survey and up to seven before it


@dataclass(frozen=True, slots=True)
class FigureLine:
    """One line of the figures table: 总体 / 调查部分 / 自评部分 (or a respondent type or
    group), its ratings, 满意度 and 满意率, against the targets."""

    label: str
    ratings: int
    degree: Decimal | None
    rate: Decimal | None
    target_degree: Decimal | None
    target_rate: Decimal | None
    degree_met: bool | None
    rate_met: bool | None
    note: str = ""  # e.g. why there is no overall figure


@dataclass(frozen=True, slots=True)
class ItemLine:
    """One item in one part: the count per level (LEVELS order), ratings, 满意度,
    满意率, and the dissatisfied count."""

    item_id: int
    name: str
    counts: tuple[int, int, int, int, int]
    ratings: int
    degree: Decimal | None
    rate: Decimal | None
    dissatisfied: int


@dataclass(frozen=True, slots=True)
class ItemBar:
    """One item on the per-item chart: 调查, 自评 and overall 满意度 (None: no data)."""

    name: str
    survey_degree: Decimal | None
    self_degree: Decimal | None
    overall_degree: Decimal | None
    survey_rate: Decimal | None
    self_rate: Decimal | None
    overall_rate: Decimal | None


@dataclass(frozen=True, slots=True)
class CompanyLine:
    """Us (本公司: the customers' and dealers' questionnaires about us) or a competitor:
    questionnaires, 满意度 and 满意率 overall and per item (in item order)."""

    name: str
    is_us: bool
    questionnaires: int
    degree: Decimal | None
    rate: Decimal | None
    item_degrees: tuple[Decimal | None, ...]
    difference_degree: Decimal | None = None  # us minus this competitor
    difference_rate: Decimal | None = None


@dataclass(frozen=True)
class SurveyFacts:
    number: str
    name: str
    kind: str
    period_from: date
    period_to: date
    method: str
    agency: str
    state: str
    created_by: str
    created_at: datetime
    completed_at: datetime | None
    respondents_planned: int
    respondents_returned: int  # planned customers whose questionnaire about us came back
    questionnaires: dict[str, int]  # about us, per respondent type (客户, 经销商, 自评)
    competitor_questionnaires: int
    competitors: tuple[str, ...]
    items: tuple[str, ...]
    target_degree: Decimal
    target_rate: Decimal
    target_top20: Decimal | None
    benchmark_degree: Decimal | None
    benchmark_rate: Decimal | None
    meeting_on: date | None
    meeting_attendees: str
    meeting_notes: str
    notes: str

    @property
    def period_text(self) -> str:
        return f"{self.period_from:%Y-%m-%d} 至 {self.period_to:%Y-%m-%d}"

    @property
    def return_rate(self) -> Decimal | None:
        """Share of the planned respondents whose questionnaire came back, in percent."""
        if not self.respondents_planned:
            return None
        return Decimal(self.respondents_returned * 100) / Decimal(self.respondents_planned)


@dataclass(frozen=True)
class SurveyReportData:
    facts: SurveyFacts
    figures: tuple[FigureLine, ...]  # 总体, 调查部分, 自评部分, then 客户, 经销商, groups
    overall_note: str  # why there is no overall figure ("" when there is)
    targets: tuple[TargetCheck, ...]
    benchmarks: tuple[TargetCheck, ...]
    survey_items: tuple[ItemLine, ...]  # the 调查部分 per item
    self_items: tuple[ItemLine, ...]  # the 自评部分 per item
    item_bars: tuple[ItemBar, ...]
    trend: tuple[TrendPoint, ...]  # earlier surveys of the kind, then this one
    trend_note: str
    companies: tuple[CompanyLine, ...]  # us first, then each competitor
    dissatisfied: tuple[DissatisfiedItem, ...]
    improvements: tuple[ImprovementRow, ...]
    warnings: tuple[str, ...]
    levels: tuple[str, ...] = LEVELS  # the column heads of the item tables
    printed_by: str = ""
    printed_at: datetime | None = None


def _line(label: str, score: Score, survey: Survey, note: str = "") -> FigureLine:
    degree = satisfaction.check_target(label, score.degree, survey.target_degree)
    rate = satisfaction.check_target(label, score.rate, survey.target_rate)
    return FigureLine(
        label, score.n, score.degree, score.rate, survey.target_degree, survey.target_rate,
        degree.met, rate.met, note,
    )  # fmt: skip


def _item_line(item_id: int, name: str, score: Score) -> ItemLine:
    return ItemLine(
        item_id, name, score.counts, score.n, score.degree, score.rate, score.dissatisfied
    )


def figure_lines(survey: Survey, figures: SurveyFigures) -> tuple[FigureLine, ...]:
    overall = figures.overall
    top20_target = survey.target_top20
    lines = [
        FigureLine(
            "总体（自评 40%＋调查 60%）",
            overall.survey.n + overall.self_assessment.n,
            overall.degree,
            overall.rate,
            survey.target_degree,
            survey.target_rate,
            satisfaction.check_target("", overall.degree, survey.target_degree).met,
            satisfaction.check_target("", overall.rate, survey.target_rate).met,
            overall.reason or "",
        ),
        _line("调查部分（客户和经销商）", figures.survey, survey),
        _line("自评部分（销售人员）", figures.self_assessment, survey),
        _line("其中：客户", figures.by_type.get(CUSTOMER, satisfaction.EMPTY), survey),
        _line("其中：经销商", figures.by_type.get(DEALER, satisfaction.EMPTY), survey),
    ]
    for group in figures_module.GROUPS:
        score = figures.by_group.get(group)
        if score is None:
            continue
        line = _line(f"名单分组：{group}", score, survey)
        if group == figures_module.GROUP_TOP20 and top20_target is not None:
            rate = satisfaction.check_target("", score.rate, top20_target)
            line = FigureLine(
                line.label, line.ratings, line.degree, line.rate, line.target_degree,
                top20_target, line.degree_met, rate.met, "前20名客户满意率指标",
            )  # fmt: skip
        lines.append(line)
    return tuple(lines)


def trend_points(
    session: Session, survey: Survey, figures: SurveyFigures
) -> tuple[tuple[TrendPoint, ...], str]:
    """The overall figures of up to seven earlier surveys of the same kind and this one;
    where a survey has no overall figure (a part without answers) its 调查部分 stands in,
    and the note says so."""
    earlier = list(
        session.scalars(
            select(Survey)
            .where(
                Survey.kind == survey.kind,
                Survey.id != survey.id,
                Survey.period_from <= survey.period_from,
            )
            .order_by(Survey.period_from.desc(), Survey.id.desc())
            .limit(TREND_SURVEYS - 1)
        )
    )
    earlier.reverse()
    overalls = figures_module.part_scores(session, [s.id for s in earlier])
    overalls[survey.id] = figures.overall
    points, stand_ins = [], []
    for item in [*earlier, survey]:
        overall = overalls[item.id]
        degree, rate = overall.degree, overall.rate
        if not overall.available and overall.survey.n:
            degree, rate = overall.survey.degree, overall.survey.rate
            stand_ins.append(item.number)
        points.append(
            TrendPoint(
                item.id,
                item.number,
                item.name,
                figures_module.period_label(item.kind, item.period_from),
                degree,
                rate,
            )
        )
    note = ""
    if stand_ins:
        note = f"{'、'.join(stand_ins)} 缺少一个部分的答卷，趋势中以调查部分的数值代替总体。"
    if len(points) == 1:
        note = (note + " " if note else "") + "没有更早的同类调查可比较。"
    return tuple(satisfaction.trend(points)), note


def company_lines(figures: SurveyFigures) -> tuple[CompanyLine, ...]:
    us = figures.survey
    lines = [
        CompanyLine(
            "本公司",
            True,
            figures.customer_questionnaires,
            us.degree,
            us.rate,
            tuple(item.survey.degree for item in figures.by_item),
        )
    ]
    for competitor in figures.competitors:
        lines.append(
            CompanyLine(
                competitor.name,
                False,
                competitor.questionnaires,
                competitor.score.degree,
                competitor.score.rate,
                tuple(
                    competitor.by_item.get(item.item_id, satisfaction.EMPTY).degree
                    for item in figures.by_item
                ),
                satisfaction.difference(us.degree, competitor.score.degree),
                satisfaction.difference(us.rate, competitor.score.rate),
            )
        )
    return tuple(lines)


def facts_of(session: Session, survey: Survey, figures: SurveyFigures) -> SurveyFacts:
    planned = (
        session.scalar(select(func.count()).where(SurveyRespondent.survey_id == survey.id)) or 0
    )
    returned = (
        session.scalar(
            select(func.count(func.distinct(SurveyRespondent.customer_id)))
            .select_from(SurveyRespondent)
            .join(
                SurveyQuestionnaire,
                (SurveyQuestionnaire.survey_id == SurveyRespondent.survey_id)
                & (SurveyQuestionnaire.customer_id == SurveyRespondent.customer_id)
                & SurveyQuestionnaire.competitor_id.is_(None),
            )
            .where(SurveyRespondent.survey_id == survey.id)
        )
        or 0
    )
    creator = session.get(User, survey.created_by_id) if survey.created_by_id else None
    return SurveyFacts(
        number=survey.number,
        name=survey.name,
        kind=survey.kind,
        period_from=survey.period_from,
        period_to=survey.period_to,
        method=survey.method or "",
        agency=survey.agency or "",
        state=survey.state,
        created_by=creator.name if creator else "",
        created_at=survey.created_at,
        completed_at=survey.completed_at,
        respondents_planned=planned,
        respondents_returned=returned,
        questionnaires=dict(figures.questionnaires),
        competitor_questionnaires=figures.competitor_questionnaires,
        competitors=tuple(c.name for c in survey.competitors),
        items=tuple(item.name for item in figures.by_item),
        target_degree=survey.target_degree,
        target_rate=survey.target_rate,
        target_top20=survey.target_top20,
        benchmark_degree=survey.benchmark_degree,
        benchmark_rate=survey.benchmark_rate,
        meeting_on=survey.meeting_on,
        meeting_attendees=survey.meeting_attendees or "",
        meeting_notes=survey.meeting_notes or "",
        notes=survey.notes or "",
    )


def report_data(
    session: Session, actor: User, survey_id: int, record_print: bool = False
) -> SurveyReportData:
    """Everything the analysis report shows (surveys·print). `record_print` writes the
    print to the audit log and commits (the document glue sets it when a file is made)."""
    rights.require(session, actor, "surveys", "print")
    survey = get_survey(session, actor, survey_id, "print")
    figures = figures_module.compute(session, survey)
    trend, trend_note = trend_points(session, survey, figures)
    data = SurveyReportData(
        facts=facts_of(session, survey, figures),
        figures=figure_lines(survey, figures),
        overall_note=figures.overall.reason or "",
        targets=figures.targets,
        benchmarks=figures.benchmarks,
        survey_items=tuple(_item_line(i.item_id, i.name, i.survey) for i in figures.by_item),
        self_items=tuple(_item_line(i.item_id, i.name, i.self_assessment) for i in figures.by_item),
        item_bars=tuple(
            ItemBar(
                i.name,
                i.survey.degree,
                i.self_assessment.degree,
                i.overall.degree,
                i.survey.rate,
                i.self_assessment.rate,
                i.overall.rate,
            )
            for i in figures.by_item
        ),
        trend=trend,
        trend_note=trend_note,
        companies=company_lines(figures),
        dissatisfied=tuple(dissatisfied_items(session, actor, survey.id)),
        improvements=tuple(improvement_rows(session, actor, survey.id)),
        warnings=figures.warnings,
        printed_by=actor.name,
        printed_at=local_now(),
    )
    if record_print:
        audit.record(
            session, actor, audit.PRINT, "survey", survey.id, label_of(survey),
            detail="客户满意度调查分析报告",
        )  # fmt: skip
        session.commit()
    return data


@dataclass(frozen=True)
class SurveyStatistics:
    """What the survey dialog's 统计 tab shows (surveys·view, unlike the printed report):
    the figure lines against the targets, the per-item tables of both parts, us against
    the competitors, the trend over earlier surveys of the kind, and the count warnings."""

    figures: tuple[FigureLine, ...]
    overall_note: str
    targets: tuple[TargetCheck, ...]
    benchmarks: tuple[TargetCheck, ...]
    survey_items: tuple[ItemLine, ...]
    self_items: tuple[ItemLine, ...]
    companies: tuple[CompanyLine, ...]
    trend: tuple[TrendPoint, ...]
    trend_note: str
    questionnaires: dict[str, int]
    competitor_questionnaires: int
    warnings: tuple[str, ...]
    below_target: bool


def statistics(session: Session, actor: User, survey_id: int) -> SurveyStatistics:
    """The survey's figures as the 统计 tab shows them, read afresh after each saved
    questionnaire (surveys·view; a few GROUP BY queries)."""
    survey = get_survey(session, actor, survey_id)
    figures = figures_module.compute(session, survey)
    trend, trend_note = trend_points(session, survey, figures)
    return SurveyStatistics(
        figures=figure_lines(survey, figures),
        overall_note=figures.overall.reason or "",
        targets=figures.targets,
        benchmarks=figures.benchmarks,
        survey_items=tuple(_item_line(i.item_id, i.name, i.survey) for i in figures.by_item),
        self_items=tuple(_item_line(i.item_id, i.name, i.self_assessment) for i in figures.by_item),
        companies=company_lines(figures),
        trend=trend,
        trend_note=trend_note,
        questionnaires=dict(figures.questionnaires),
        competitor_questionnaires=figures.competitor_questionnaires,
        warnings=figures.warnings,
        below_target=figures.below_target,
    )


__all__ = [
    "BlankQuestionnaire",
    "blank_questionnaires",
    "CompanyLine",
    "FigureLine",
    "ItemBar",
    "ItemLine",
    "SurveyFacts",
    "SurveyReportData",
    "SurveyStatistics",
    "report_data",
    "statistics",
]


# ------------------------------------------------------------------ blank questionnaires


@dataclass(frozen=True, slots=True)
class BlankQuestionnaire:
    """One 客户满意度调查问卷 to hand out: the survey, the respondent's name filled in
    (empty for a spare sheet), the items in order, the levels as the boxes to tick, and
    the competitors the sheet also asks about."""

    survey_number: str
    survey_name: str
    period_text: str
    respondent_code: str
    respondent_name: str
    group: str
    items: tuple[str, ...]
    levels: tuple[str, ...]
    competitors: tuple[str, ...]


def blank_questionnaires(
    session: Session,
    actor: User,
    survey_id: int,
    customer_ids: Sequence[int] | None = None,
    spare: int = 0,
) -> list[BlankQuestionnaire]:
    """One blank questionnaire per planned respondent within `actor`'s reach (or per
    customer in `customer_ids`, in that order), plus `spare` sheets without a name
    (surveys·print)."""
    from desktop_crm.models import Customer

    from .survey_respondents import respondent_rows

    rights.require(session, actor, "surveys", "print")
    survey = get_survey(session, actor, survey_id, "print")
    items = tuple(item.name for item in survey.items if item.active)
    competitors = tuple(c.name for c in survey.competitors)
    period = f"{survey.period_from:%Y-%m-%d} 至 {survey.period_to:%Y-%m-%d}"

    def sheet(code: str, name: str, group: str) -> BlankQuestionnaire:
        return BlankQuestionnaire(
            survey.number, survey.name, period, code, name, group, items, LEVELS, competitors
        )

    sheets: list[BlankQuestionnaire] = []
    if customer_ids is None:
        for row in respondent_rows(session, actor, survey.id):
            sheets.append(sheet(row.customer_code, row.customer_name, row.group))
    else:
        from . import access

        found = {
            c.id: c
            for c in session.scalars(select(Customer).where(Customer.id.in_(list(customer_ids))))
        }
        for customer_id in customer_ids:
            customer = found.get(customer_id)
            if customer is None:
                continue
            access.check(
                session, actor, "surveys", "print", customer.owner_id,
                audit.customer_label(customer.code, customer.name),
            )  # fmt: skip
            sheets.append(sheet(customer.code, customer.name, ""))
    sheets.extend(sheet("", "", "") for _ in range(max(0, spare)))
    return sheets
