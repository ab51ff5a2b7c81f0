"""客户满意度调查分析报告: one survey's figures, charts and improvement plan (DOMAIN §4, §6
item 4).

The report is drawn from :class:`SatisfactionReport`, plain data built by the caller
(``documents.py`` from the survey services): figures arrive as the computed ``Decimal``
percentages and are shown here with one decimal, rounded half up. A part without answers
shows words, never a number; the overall figure (自评 40% + 调查 60%) likewise.

The layout is :data:`SATISFACTION_REPORT` (data, one place); :func:`report_layout` only
names the competitors in the comparison chart and table. The PDF draws the charts; the
workbook shows each chart's figures as a table.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, BinaryIO

from ..charts import FigureChart
from ..layout import (
    ChartBlock,
    ChartSeries,
    Column,
    Field,
    FieldGrid,
    FormLayout,
    SignatureBlock,
    SignatureLine,
    TableBlock,
    TextBlock,
)
from ..pdf_render import render_pdf
from ..xlsx_render import render_xlsx

#: The five levels in the order a table lists them (DOMAIN §4: scores 10, 8, 6, 4, 2).
LEVELS = ("很满意", "满意", "基本满意", "不满意", "很不满意")
MET, NOT_MET = "达标", "未达标"
NO_TARGET = "—"
NO_ANSWERS = "无答卷"
UNDECIDED = "无法判定"
NO_FIGURE = "无"
MAX_REASONS = 8  # distinct reasons listed per dissatisfied item; the rest are counted
_ONE_DECIMAL = Decimal("0.1")


# --------------------------------------------------------------------------- input data


@dataclass(frozen=True)
class Figures:
    """满意度 and 满意率 in percent as computed (not rounded), over ``ratings`` answers.

    Both are ``None`` when nothing was answered; ``note`` then says why in words (e.g.
    自评部分无答卷，不计算总体满意度), else the form says 无答卷.
    """

    satisfaction: Decimal | None = None
    rate: Decimal | None = None
    ratings: int = 0
    note: str = ""


@dataclass(frozen=True)
class ItemFigures:
    """One questionnaire item: answers per level (in :data:`LEVELS` order) and its figures."""

    name: str
    counts: Sequence[int]
    figures: Figures


@dataclass(frozen=True)
class GroupFigures:
    """A respondent group of the 调查 part (前20名客户, 重点客户, 普通客户) held against its
    own targets (the top-20 group's 满意率 target is 100%); a missing target is not judged."""

    name: str
    figures: Figures
    questionnaires: int | None = None
    target_satisfaction: Decimal | None = None
    target_rate: Decimal | None = None


@dataclass(frozen=True)
class TrendPoint:
    """The overall figures of one survey of the same kind, oldest first; ``current`` marks
    this survey."""

    label: str
    overall: Figures
    current: bool = False


@dataclass(frozen=True)
class CompetitorFigures:
    """One competitor as the customers rated it: figures overall and 满意度 per item name."""

    name: str
    questionnaires: int
    figures: Figures
    items: Mapping[str, Decimal | None] = field(default_factory=dict)


@dataclass(frozen=True)
class DissatisfiedItem:
    """An item rated 不满意 / 很不满意, how often (in all, and in the 调查 and 自评 parts),
    with the reasons the respondents gave."""

    item: str
    unsatisfied: int
    very_unsatisfied: int
    reasons: Sequence[str] = ()
    survey_part: int | None = None
    self_part: int | None = None


@dataclass(frozen=True)
class ImprovementAction:
    """One line of the 改进计划."""

    item: str
    responsible: str = ""
    corrective: str = ""
    preventive: str = ""
    due: date | None = None
    verification: str = ""
    verified_on: date | None = None
    state: str = ""


@dataclass(frozen=True)
class SatisfactionReport:
    """Everything the analysis report prints about one survey.

    ``questionnaires``: returned questionnaires per respondent type (客户, 经销商, 自评);
    ``competitor_questionnaires``: per competitor name. ``by_type``: figures of 客户 and
    经销商 within the 调查 part; ``groups``: the respondent groups, each with its own
    targets. ``respondents_planned`` / ``returned``: the respondent list and how many of it
    answered. ``trend_note``: the service's remark on the trend (printed with the
    conclusion). ``survey_items`` / ``self_items``: per item, in the
    questionnaire's order. ``warnings``: the service's notes (e.g. fewer than 100
    questionnaires), printed as they are.
    """

    number: str
    name: str
    kind: str
    period_from: date | None = None
    period_to: date | None = None
    method: str = ""
    state: str = ""
    target_satisfaction: Decimal | None = None
    target_rate: Decimal | None = None
    benchmark_satisfaction: Decimal | None = None
    benchmark_rate: Decimal | None = None
    questionnaires: Mapping[str, int] = field(default_factory=dict)
    competitor_questionnaires: Mapping[str, int] = field(default_factory=dict)
    overall: Figures = Figures()
    survey_part: Figures = Figures()
    self_part: Figures = Figures()
    by_type: Mapping[str, Figures] = field(default_factory=dict)
    groups: Sequence[GroupFigures] = ()
    survey_items: Sequence[ItemFigures] = ()
    self_items: Sequence[ItemFigures] = ()
    trend: Sequence[TrendPoint] = ()
    competitors: Sequence[CompetitorFigures] = ()
    dissatisfied: Sequence[DissatisfiedItem] = ()
    improvements: Sequence[ImprovementAction] = ()
    meeting_on: date | None = None
    meeting_attendees: str = ""
    meeting_notes: str = ""
    agency: str = ""
    respondents_planned: int | None = None
    respondents_returned: int | None = None
    trend_note: str = ""
    notes: str = ""
    analysis: str = ""
    warnings: Sequence[str] = ()
    made_by: str = ""
    made_at: datetime | None = None


# --------------------------------------------------------------------------- the layout

_FIGURE_COLUMNS = (
    Column("ratings", "评价数", 0.8, "right"),
    Column("satisfaction", "满意度\n(%)", 0.9, "right"),
    Column("rate", "满意率\n(%)", 0.9, "right"),
)
_LEVEL_COLUMNS = tuple(
    Column(f"level{n}", title, 0.8, "right") for n, title in enumerate(LEVELS, start=1)
)

SATISFACTION_REPORT = FormLayout(
    title="客户满意度调查分析报告",
    sheet_name="满意度调查分析报告",
    subject_key="number",
    number_line=(
        Field("number", "调查编号"),
        Field("period_text", "调查期间"),
        Field("report_date", "报告日期"),
    ),
    footer_fields=(Field("made_by", "制表人"), Field("made_at", "制表时间")),
    blocks=(
        FieldGrid(
            "调查概况",
            (
                Field("number", "调查编号"),
                Field("name", "调查名称"),
                Field("kind", "调查类别"),
                Field("state", "调查状态"),
                Field("period_text", "调查期间"),
                Field("method_text", "调查方式"),
                Field("target_text", "指标（目标）"),
                Field("benchmark_text", "企业基准"),
                Field("respondents_text", "调查对象", 2),
                Field("questionnaires_text", "回收问卷", 2),
                Field("competitor_text", "竞争对手问卷", 2),
                Field("warnings_text", "提示", 2),
                Field("notes", "备注", 2),
            ),
        ),
        TableBlock(
            "满意度与满意率（对照指标）",
            "parts",
            (
                Column("name", "部分", 2.0),
                Column("weight", "权重", 0.7, "center"),
                Column("questionnaires", "问卷数", 0.8, "right"),
                Column("ratings", "评价数", 0.8, "right"),
                Column("satisfaction", "满意度\n(%)", 1.0, "right"),
                Column("satisfaction_check", "满意度\n是否达标", 1.0, "center"),
                Column("rate", "满意率\n(%)", 1.0, "right"),
                Column("rate_check", "满意率\n是否达标", 1.0, "center"),
            ),
        ),
        TextBlock("结论", "summary", "结论", min_height_mm=16.0),
        TableBlock(
            "调查部分（客户、经销商）各项目评价",
            "survey_items",
            (Column("name", "评价项目", 2.2), *_LEVEL_COLUMNS, *_FIGURE_COLUMNS),
        ),
        TableBlock(
            "自评部分（销售人员）各项目评价",
            "self_items",
            (Column("name", "评价项目", 2.2), *_LEVEL_COLUMNS, *_FIGURE_COLUMNS),
        ),
        FigureChart(
            "各项目满意度（%）",
            "item_chart",
            "name",
            "评价项目",
            (ChartSeries("survey", "调查部分"), ChartSeries("self", "自评部分")),
            height_mm=72.0,
            value_max=100.0,
            reference_key="target_satisfaction",
            reference_title="满意度指标",
        ),
        FigureChart(
            "总体满意度趋势（历次同类调查，%）",
            "trend_chart",
            "label",
            "调查",
            (ChartSeries("satisfaction", "总体满意度"), ChartSeries("rate", "总体满意率")),
            height_mm=62.0,
            style="line",
            value_max=100.0,
            empty_text="（无数据：尚无同类调查的总体数值）",
        ),
        TableBlock(
            "与竞争对手比较（客户评价）",
            "competitor_rows",
            (
                Column("name", "对象", 2.2),
                Column("questionnaires", "问卷数", 0.9, "right"),
                Column("satisfaction", "满意度\n(%)", 1.0, "right"),
                Column("rate", "满意率\n(%)", 1.0, "right"),
                Column("gap", "本公司满意度\n高(+)/低(-)", 1.3, "right"),
                Column("rate_gap", "本公司满意率\n高(+)/低(-)", 1.3, "right"),
            ),
            blank_rows=1,
        ),
        # Series and columns c1, c2 … are named after the survey's competitors by
        # report_layout(); the layout itself names only our own.
        FigureChart(
            "各项目满意度：本公司与竞争对手（%）",
            "competitor_items",
            "name",
            "评价项目",
            (ChartSeries("us", "本公司"),),
            height_mm=72.0,
            value_max=100.0,
            empty_text="（无数据：未收回竞争对手问卷）",
        ),
        TableBlock(
            "不满意项目及原因",
            "dissatisfied",
            (
                Column("item", "评价项目", 1.6),
                Column("unsatisfied", "不满意", 0.8, "right"),
                Column("very_unsatisfied", "很不满意", 0.8, "right"),
                Column("total", "合计", 0.7, "right"),
                Column("parts", "其中\n调查／自评", 1.0, "center"),
                Column("reasons", "原因", 4.0),
            ),
            blank_rows=2,
            numbered=True,
        ),
        TableBlock(
            "改进计划",
            "improvements",
            (
                Column("item", "评价项目", 1.3),
                Column("responsible", "责任人", 0.9, "center"),
                Column("corrective", "纠正措施", 2.2),
                Column("preventive", "预防措施", 2.2),
                Column("due", "完成期限", 1.1, "center"),
                Column("verification", "验证结果", 1.8),
            ),
            blank_rows=3,
            numbered=True,
        ),
        FieldGrid(
            "分析会议",
            (
                Field("meeting_on", "会议日期"),
                Field("meeting_state", "状态"),
                Field("meeting_attendees", "参加人员", 2),
                Field("meeting_notes", "会议纪要", 2),
            ),
        ),
        SignatureBlock((SignatureLine("售后服务部（编制）"), SignatureLine("日期"))),
        SignatureBlock((SignatureLine("审批（经理）"), SignatureLine("日期"))),
    ),
)


def report_layout(report: SatisfactionReport) -> FormLayout:
    """:data:`SATISFACTION_REPORT` with the comparison chart naming this survey's
    competitors (one bar per competitor beside our own, keys ``c1``, ``c2`` …)."""
    series = (
        ChartSeries("us", "本公司"),
        *(ChartSeries(f"c{n}", c.name) for n, c in enumerate(report.competitors, start=1)),
    )
    blocks = tuple(
        dataclasses.replace(block, series=series)
        if isinstance(block, ChartBlock) and block.data_key == "competitor_items"
        else block
        for block in SATISFACTION_REPORT.blocks
    )
    return dataclasses.replace(SATISFACTION_REPORT, blocks=blocks)


# --------------------------------------------------------------------------- formatting


def percent(value: Decimal | None) -> Decimal | None:
    """A percentage as printed: one decimal, rounded half up (76.25 → 76.3)."""
    if value is None:
        return None
    return Decimal(value).quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP)


def percent_text(value: Decimal | None) -> str:
    """``76.3%``, or an empty string for no figure."""
    shown = percent(value)
    return "" if shown is None else f"{shown}%"


def check_text(value: Decimal | None, target: Decimal | None) -> str:
    """达标 / 未达标 against the target — the figure as printed (one decimal) is held
    against it, as the survey screens do —; — without a target, 无法判定 without a figure."""
    if target is None:
        return NO_TARGET
    shown = percent(value)
    if shown is None:
        return UNDECIDED
    return MET if shown >= target else NOT_MET


def _chart_value(value: Decimal | None) -> Decimal | str:
    """A chart's figure: the rounded percentage, or 无 (a gap in the chart, a word in the
    workbook's table — never a zero)."""
    shown = percent(value)
    return NO_FIGURE if shown is None else shown


def _figure_cell(value: Decimal | None) -> Decimal | str:
    """A table's figure: the rounded percentage, or 无答卷 in words."""
    shown = percent(value)
    return shown if shown is not None else NO_ANSWERS


def _count_text(counts: Mapping[str, int], unit: str = "份") -> str:
    parts = [f"{name} {count} {unit}" for name, count in counts.items()]
    if len(parts) > 1:
        parts.append(f"合计 {sum(counts.values())} {unit}")
    return "，".join(parts)


def _period_text(report: SatisfactionReport) -> str:
    if report.period_from is None and report.period_to is None:
        return ""
    start = f"{report.period_from:%Y-%m-%d}" if report.period_from else ""
    end = f"{report.period_to:%Y-%m-%d}" if report.period_to else ""
    return f"{start} 至 {end}"


def _pair_text(satisfaction: Decimal | None, rate: Decimal | None) -> str:
    parts = []
    if satisfaction is not None:
        parts.append(f"满意度 {percent_text(satisfaction)}")
    if rate is not None:
        parts.append(f"满意率 {percent_text(rate)}")
    return "，".join(parts) or "未设定"


def reasons_text(reasons: Sequence[str], limit: int = MAX_REASONS) -> str:
    """Identical reasons once with their count, most frequent first: 包装破损（3 次）；…"""
    counted = Counter(text.strip() for text in reasons if text and text.strip())
    if not counted:
        return "（未说明原因）"
    ranked = counted.most_common()
    shown = [name if n == 1 else f"{name}（{n} 次）" for name, n in ranked[:limit]]
    rest = sum(n for _name, n in ranked[limit:])
    if rest:
        shown.append(f"另有 {rest} 条其他原因")
    return "；".join(shown)


# --------------------------------------------------------------------------- data mapping


def _part_row(
    name: str,
    figures: Figures,
    targets: tuple[Decimal | None, Decimal | None],
    *,
    weight: str = "",
    questionnaires: int | None = None,
) -> dict[str, Any]:
    return {
        "name": name,
        "weight": weight,
        "questionnaires": questionnaires,
        "ratings": figures.ratings if figures.ratings or questionnaires is not None else None,
        "satisfaction": _figure_cell(figures.satisfaction),
        "satisfaction_check": check_text(figures.satisfaction, targets[0]),
        "rate": _figure_cell(figures.rate),
        "rate_check": check_text(figures.rate, targets[1]),
    }


def _parts(report: SatisfactionReport) -> list[dict[str, Any]]:
    counts = report.questionnaires
    targets = (report.target_satisfaction, report.target_rate)
    survey_count = sum(n for kind, n in counts.items() if kind != "自评")
    rows = [
        _part_row(
            "调查部分（客户、经销商）",
            report.survey_part,
            targets,
            weight="60%",
            questionnaires=survey_count,
        )
    ]
    for kind, figures in report.by_type.items():
        rows.append(
            _part_row(f"　其中：{kind}", figures, targets, questionnaires=counts.get(kind, 0))
        )
    for group in report.groups:
        rows.append(
            _part_row(
                f"　分组：{group.name}",
                group.figures,
                (group.target_satisfaction, group.target_rate),
                questionnaires=group.questionnaires,
            )
        )
    rows.append(
        _part_row(
            "自评部分（销售人员）",
            report.self_part,
            targets,
            weight="40%",
            questionnaires=counts.get("自评", 0),
        )
    )
    overall = _part_row("总体（加权）", report.overall, targets, weight="100%")
    if report.overall.satisfaction is None:
        overall["satisfaction"] = overall["rate"] = "无法计算"
    rows.append(overall)
    return rows


def _overall_reason(report: SatisfactionReport) -> str:
    if report.overall.note:
        return report.overall.note
    survey_empty = report.survey_part.satisfaction is None
    self_empty = report.self_part.satisfaction is None
    if survey_empty and self_empty:
        return "调查部分和自评部分均无答卷，不计算总体满意度和满意率"
    missing = "自评部分" if self_empty else "调查部分"
    return f"{missing}无答卷，不计算总体满意度和满意率（缺少的部分不以零计）"


def _figures_sentence(name: str, figures: Figures, report: SatisfactionReport) -> str:
    if figures.satisfaction is None:
        return f"{name}：{figures.note or '无答卷，无满意度和满意率数值'}。"
    parts = []
    for label, value, target in (
        ("满意度", figures.satisfaction, report.target_satisfaction),
        ("满意率", figures.rate, report.target_rate),
    ):
        text = f"{label} {percent_text(value)}"
        if target is not None:
            text += f"（指标 {percent_text(target)}，{check_text(value, target)}）"
        parts.append(text)
    return f"{name}：" + "，".join(parts) + "。"


def _group_sentence(group: GroupFigures) -> str | None:
    """A group with a target of its own, e.g. 前20名客户：满意率 96.0%（指标 100.0%，未达标）。"""
    parts = []
    for label, value, target in (
        ("满意度", group.figures.satisfaction, group.target_satisfaction),
        ("满意率", group.figures.rate, group.target_rate),
    ):
        if target is None:
            continue
        shown = percent_text(value) or NO_ANSWERS
        parts.append(f"{label} {shown}（指标 {percent_text(target)}，{check_text(value, target)}）")
    return f"{group.name}：" + "，".join(parts) + "。" if parts else None


def _trend_sentence(report: SatisfactionReport) -> str | None:
    known = [p for p in report.trend if p.overall.satisfaction is not None]
    current = next((p for p in known if p.current), None)
    earlier = [p for p in known if not p.current]
    if current is None or not earlier:
        return None
    last = earlier[-1]
    change = percent(current.overall.satisfaction) - percent(last.overall.satisfaction)
    if change == 0:
        return f"与上次同类调查（{last.label}）相比，总体满意度持平。"
    word = "上升" if change > 0 else "下降"
    return f"与上次同类调查（{last.label}）相比，总体满意度{word} {abs(change)} 个百分点。"


def _competitor_sentence(report: SatisfactionReport) -> str | None:
    ours = report.survey_part.satisfaction
    rated = [c for c in report.competitors if c.figures.satisfaction is not None]
    if ours is None or not rated:
        return None
    higher = [c.name for c in rated if percent(ours) > percent(c.figures.satisfaction)]
    lower = [c.name for c in rated if percent(ours) < percent(c.figures.satisfaction)]
    parts = []
    if higher:
        parts.append(f"高于{'、'.join(higher)}")
    if lower:
        parts.append(f"低于{'、'.join(lower)}")
    same = len(rated) - len(higher) - len(lower)
    if same:
        parts.append(f"与 {same} 家持平")
    return "客户评价的本公司满意度" + "，".join(parts) + "。"


def summary_text(report: SatisfactionReport) -> str:
    """The conclusion in words: overall and per part against the targets, then trend,
    competitors and benchmark, then the office's own analysis."""
    lines = []
    if report.overall.satisfaction is None:
        lines.append(f"总体：{_overall_reason(report)}。")
    else:
        lines.append(_figures_sentence("总体（自评 40%＋调查 60%）", report.overall, report))
    lines.append(_figures_sentence("调查部分", report.survey_part, report))
    lines.append(_figures_sentence("自评部分", report.self_part, report))
    for group in report.groups:
        sentence = _group_sentence(group)
        if sentence:
            lines.append(sentence)
    for sentence in (_trend_sentence(report), report.trend_note, _competitor_sentence(report)):
        if sentence:
            lines.append(sentence)
    if report.benchmark_satisfaction is not None and report.overall.satisfaction is not None:
        word = check_text(report.overall.satisfaction, report.benchmark_satisfaction)
        word = "达到" if word == MET else "未达到"
        lines.append(f"总体满意度{word}企业基准（{percent_text(report.benchmark_satisfaction)}）。")
    if report.analysis.strip():
        lines.append(report.analysis.strip())
    return "\n".join(lines)


def _item_rows(
    items: Sequence[ItemFigures], total: Figures, names: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """One row per item and a 合计 row; a part without answers lists ``names`` with no
    counts, so the table says 无答卷 per item instead of staying blank."""
    if not items:
        items = [ItemFigures(name, (0,) * len(LEVELS), Figures()) for name in names]
    rows = []
    sums = [0] * len(LEVELS)
    for item in items:
        counts = list(item.counts)[: len(LEVELS)] + [0] * (len(LEVELS) - len(item.counts))
        sums = [a + b for a, b in zip(sums, counts, strict=True)]
        row: dict[str, Any] = {f"level{n}": c for n, c in enumerate(counts, start=1)}
        row.update(
            name=item.name,
            ratings=sum(counts),
            satisfaction=_figure_cell(item.figures.satisfaction),
            rate=_figure_cell(item.figures.rate),
        )
        rows.append(row)
    if rows:
        row = {f"level{n}": c for n, c in enumerate(sums, start=1)}
        row.update(
            name="合计",
            ratings=sum(sums),
            satisfaction=_figure_cell(total.satisfaction),
            rate=_figure_cell(total.rate),
        )
        rows.append(row)
    return rows


def _item_chart(report: SatisfactionReport) -> list[dict[str, Any]]:
    names = [i.name for i in report.survey_items]
    names += [i.name for i in report.self_items if i.name not in names]
    survey = {i.name: i.figures.satisfaction for i in report.survey_items}
    own = {i.name: i.figures.satisfaction for i in report.self_items}
    return [
        {"name": n, "survey": _chart_value(survey.get(n)), "self": _chart_value(own.get(n))}
        for n in names
    ]


def _trend_chart(report: SatisfactionReport) -> list[dict[str, Any]]:
    return [
        {
            "label": f"{p.label}（本次）" if p.current else p.label,
            "satisfaction": _chart_value(p.overall.satisfaction),
            "rate": _chart_value(p.overall.rate),
        }
        for p in report.trend
    ]


def _gap(ours: Decimal | None, theirs: Decimal | None) -> str:
    """Our lead in percentage points as printed: +11.1 / -0.5 / 0.0, — without a figure."""
    if ours is None or theirs is None:
        return "—"
    difference = percent(ours) - percent(theirs)
    return f"{difference:+}" if difference else "0.0"


def _competitor_rows(report: SatisfactionReport) -> list[dict[str, Any]]:
    if not report.competitors:
        return []
    ours = report.survey_part
    survey_count = sum(n for kind, n in report.questionnaires.items() if kind != "自评")
    rows = [
        {
            "name": "本公司（调查部分）",
            "questionnaires": survey_count,
            "satisfaction": _figure_cell(ours.satisfaction),
            "rate": _figure_cell(ours.rate),
            "gap": "",
            "rate_gap": "",
        }
    ]
    for competitor in report.competitors:
        figures = competitor.figures
        rows.append(
            {
                "name": competitor.name,
                "questionnaires": competitor.questionnaires,
                "satisfaction": _figure_cell(figures.satisfaction),
                "rate": _figure_cell(figures.rate),
                "gap": _gap(ours.satisfaction, figures.satisfaction),
                "rate_gap": _gap(ours.rate, figures.rate),
            }
        )
    return rows


def _competitor_items(report: SatisfactionReport) -> list[dict[str, Any]]:
    if not report.competitors:
        return []
    rows = []
    for item in report.survey_items:
        row: dict[str, Any] = {"name": item.name, "us": _chart_value(item.figures.satisfaction)}
        for n, competitor in enumerate(report.competitors, start=1):
            row[f"c{n}"] = _chart_value(competitor.items.get(item.name))
        rows.append(row)
    return rows


def _dissatisfied_row(item: DissatisfiedItem) -> dict[str, Any]:
    parts = ""
    if item.survey_part is not None or item.self_part is not None:
        parts = f"{item.survey_part or 0}／{item.self_part or 0}"
    return {
        "item": item.item,
        "unsatisfied": item.unsatisfied,
        "very_unsatisfied": item.very_unsatisfied,
        "total": item.unsatisfied + item.very_unsatisfied,
        "parts": parts,
        "reasons": reasons_text(item.reasons),
    }


def _respondents_text(report: SatisfactionReport) -> str:
    planned, returned = report.respondents_planned, report.respondents_returned
    if not planned:
        return "未列名单"
    text = f"名单 {planned} 家"
    if returned is not None:
        rate = percent_text(Decimal(returned * 100) / Decimal(planned))
        text += f"，已收回 {returned} 家（回收率 {rate}）"
    return text


def _improvement_row(action: ImprovementAction) -> dict[str, Any]:
    verification = action.verification
    if action.verified_on:
        verification = f"{verification}（{action.verified_on:%Y-%m-%d} 验证）".strip()
    if action.state and action.state not in verification:
        verification = f"{verification}\n{action.state}".strip()
    return {
        "item": action.item,
        "responsible": action.responsible,
        "corrective": action.corrective,
        "preventive": action.preventive,
        "due": action.due,
        "verification": verification,
    }


def report_data(report: SatisfactionReport) -> dict[str, Any]:
    """The mapping :data:`SATISFACTION_REPORT` is drawn from (figures rounded here)."""
    competitor_counts = dict(report.competitor_questionnaires)
    survey_names = [item.name for item in report.survey_items]
    self_names = [item.name for item in report.self_items]
    return {
        "number": report.number,
        "name": report.name,
        "kind": report.kind,
        "state": report.state,
        "method": report.method,
        "method_text": report.method + (f"（委托：{report.agency}）" if report.agency else ""),
        "respondents_text": _respondents_text(report),
        "notes": report.notes,
        "period_text": _period_text(report),
        "report_date": (report.made_at or datetime.now()).date(),
        "target_text": _pair_text(report.target_satisfaction, report.target_rate),
        "benchmark_text": _pair_text(report.benchmark_satisfaction, report.benchmark_rate),
        "target_satisfaction": percent(report.target_satisfaction),
        "questionnaires_text": _count_text(dict(report.questionnaires)) or "未收回问卷",
        "competitor_text": _count_text(competitor_counts) or "未收回竞争对手问卷",
        "warnings_text": "\n".join(report.warnings) or "无",
        "parts": _parts(report),
        "summary": summary_text(report),
        "survey_items": _item_rows(report.survey_items, report.survey_part, self_names),
        "self_items": _item_rows(report.self_items, report.self_part, survey_names),
        "item_chart": _item_chart(report),
        "trend_chart": _trend_chart(report),
        "competitor_rows": _competitor_rows(report),
        "competitor_items": _competitor_items(report),
        "dissatisfied": [_dissatisfied_row(d) for d in report.dissatisfied],
        "improvements": [_improvement_row(a) for a in report.improvements],
        "meeting_on": report.meeting_on,
        "meeting_state": "已召开" if report.meeting_on else "未召开（未记录）",
        "meeting_attendees": report.meeting_attendees,
        "meeting_notes": report.meeting_notes,
        "made_by": report.made_by,
        "made_at": report.made_at,
    }


# --------------------------------------------------------------------------- output


def render_report_pdf(
    report: SatisfactionReport, target: str | Path | BinaryIO, font_path: str | None = None
) -> None:
    """Write the analysis report as an A4 PDF (charts drawn)."""
    render_pdf(report_layout(report), report_data(report), target, font_path)


def render_report_xlsx(report: SatisfactionReport, target: str | Path | BinaryIO) -> None:
    """Write the analysis report as a workbook (each chart's figures as a table)."""
    render_xlsx(report_layout(report), report_data(report), target)


__all__ = [
    "LEVELS",
    "SATISFACTION_REPORT",
    "CompetitorFigures",
    "DissatisfiedItem",
    "Figures",
    "GroupFigures",
    "ImprovementAction",
    "ItemFigures",
    "SatisfactionReport",
    "TrendPoint",
    "check_text",
    "percent",
    "percent_text",
    "reasons_text",
    "render_report_pdf",
    "render_report_xlsx",
    "report_data",
    "report_layout",
    "summary_text",
]
