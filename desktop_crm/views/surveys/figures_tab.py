"""统计: the survey's figures against its targets (overall and per part, per respondent type
and group), the per-item tables of the 调查 and 自评 parts, us against the competitors, and
the trend over earlier surveys of the kind. Read afresh after every saved questionnaire."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QGroupBox,
    QHeaderView,
    QScrollArea,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.services import survey_report
from desktop_crm.services.satisfaction import LEVELS, percent_text, points_text
from desktop_crm.services.survey_report import ItemLine, SurveyStatistics

from ..context import AppContext
from ..service_call import FAILED, run_service
from .parts import HINT_STYLE, WARNING_STYLE, fill_table, fit_height, note_label, read_only_table

FIGURE_HEADERS = ["项目", "评价数", "满意度", "满意度指标", "满意度达标", "满意率", "满意率指标",
                  "满意率达标", "说明"]  # fmt: skip
ITEM_HEADERS = ["调查项目", *LEVELS, "评价数", "满意度", "满意率", "不满意次数"]
COMPANY_HEADERS = ["公司", "问卷", "满意度", "满意率", "本公司比对方（满意度）",
                   "本公司比对方（满意率）"]  # fmt: skip
TREND_HEADERS = ["期间", "调查编号", "调查名称", "满意度", "较上次", "满意率", "较上次"]


def met_text(met: bool | None) -> str:
    """Not colour alone: the verdict in words with a sign."""
    if met is None:
        return "—"
    return "✓ 达标" if met else "✗ 未达标"


def _item_rows(lines: Sequence[ItemLine]) -> list[tuple[object, ...]]:
    return [
        (line.name, *line.counts, line.ratings, percent_text(line.degree), percent_text(line.rate),
         line.dissatisfied)
        for line in lines
    ]  # fmt: skip


class FiguresTab(QWidget):
    """The 统计 tab (objectName `surveyFigures`); `load(survey_id)` reads the figures."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("surveyFigures")
        self.context = context
        self.survey_id: int | None = None
        self.stats: SurveyStatistics | None = None

        page = QWidget()
        self.summary = note_label(page, "figuresSummary", HINT_STYLE)
        self.warnings = note_label(page, "figuresWarnings", WARNING_STYLE)
        self.warnings.hide()
        self.figures = read_only_table(page, "figuresTable", FIGURE_HEADERS)
        self.overall_note = note_label(page, "figuresOverallNote", HINT_STYLE)
        self.benchmarks = note_label(page, "figuresBenchmarks", HINT_STYLE)
        self.survey_items = read_only_table(page, "figuresSurveyItems", ITEM_HEADERS)
        self.self_items = read_only_table(page, "figuresSelfItems", ITEM_HEADERS)
        self.companies = read_only_table(page, "figuresCompanies", COMPANY_HEADERS)
        self.trend = read_only_table(page, "figuresTrend", TREND_HEADERS)
        self.trend_note = note_label(page, "figuresTrendNote", HINT_STYLE)
        for table in self._tables():
            header = table.horizontalHeader()
            header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            stretch = table.columnCount() - 1 if table is self.figures else 0
            header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)

        layout = QVBoxLayout(page)
        layout.addWidget(self.summary)
        layout.addWidget(self.warnings)
        layout.addWidget(self._box(page, "满意度、满意率与指标", self.figures, self.overall_note,
                                   self.benchmarks))  # fmt: skip
        layout.addWidget(self._box(page, "各项目：调查部分（客户和经销商）", self.survey_items))
        layout.addWidget(self._box(page, "各项目：自评部分（销售人员）", self.self_items))
        layout.addWidget(self._box(page, "与竞争对手比较（调查部分）", self.companies))
        layout.addWidget(self._box(page, "与以往同类调查比较（趋势）", self.trend, self.trend_note))
        layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def _tables(self) -> tuple[QTableWidget, ...]:
        return (self.figures, self.survey_items, self.self_items, self.companies, self.trend)

    def _box(self, parent: QWidget, title: str, *widgets: QWidget) -> QGroupBox:
        box = QGroupBox(self.tr(title), parent)
        layout = QVBoxLayout(box)
        for widget in widgets:
            layout.addWidget(widget)
        return box

    # ----------------------------------------------------------------- reading

    def load(self, survey_id: int) -> bool:
        self.survey_id = survey_id
        found = run_service(
            self, self.context, lambda s, a: survey_report.statistics(s, a, survey_id)
        )
        if found is FAILED:
            return False
        self.show_statistics(found)  # type: ignore[arg-type]
        return True

    def show_statistics(self, stats: SurveyStatistics) -> None:
        self.stats = stats
        sheets = stats.questionnaires
        verdict = "未达到指标" if stats.below_target else "达到指标"
        if all(line.degree is None for line in stats.figures):
            verdict = "还没有答卷"
        self.summary.setText(
            self.tr(
                "已回收问卷：客户 {c} 份，经销商 {d} 份，自评 {s} 份，关于竞争对手 {k} 份。　结论："
            )
            .replace("{c}", str(sheets.get("客户", 0)))
            .replace("{d}", str(sheets.get("经销商", 0)))
            .replace("{s}", str(sheets.get("自评", 0)))
            .replace("{k}", str(stats.competitor_questionnaires))
            + verdict
        )
        self.warnings.setText("⚠ " + "\n⚠ ".join(stats.warnings) if stats.warnings else "")
        self.warnings.setVisible(bool(stats.warnings))
        fill_table(
            self.figures,
            [
                (
                    line.label,
                    line.ratings,
                    percent_text(line.degree),
                    percent_text(line.target_degree),
                    met_text(line.degree_met),
                    percent_text(line.rate),
                    percent_text(line.target_rate),
                    met_text(line.rate_met),
                    line.note,
                )
                for line in stats.figures
            ],  # fmt: skip
            right=range(1, 8),
        )
        self.overall_note.setText(stats.overall_note)
        self.overall_note.setVisible(bool(stats.overall_note))
        benchmark = "；".join(f"{c.label}：{c.text}" for c in stats.benchmarks)
        self.benchmarks.setText(self.tr("企业基准：") + benchmark if benchmark else "")
        self.benchmarks.setVisible(bool(benchmark))
        numbers = range(1, len(ITEM_HEADERS))
        fill_table(self.survey_items, _item_rows(stats.survey_items), right=numbers)
        fill_table(self.self_items, _item_rows(stats.self_items), right=numbers)
        fill_table(
            self.companies,
            [
                (
                    c.name,
                    c.questionnaires,
                    percent_text(c.degree),
                    percent_text(c.rate),
                    "" if c.is_us else points_text(c.difference_degree),
                    "" if c.is_us else points_text(c.difference_rate),
                )
                for c in stats.companies
            ],  # fmt: skip
            right=range(1, 6),
        )
        fill_table(
            self.trend,
            [
                (
                    p.label,
                    p.number,
                    p.name,
                    percent_text(p.degree),
                    points_text(p.change_degree) if p.change_degree is not None else "",
                    percent_text(p.rate),
                    points_text(p.change_rate) if p.change_rate is not None else "",
                )
                for p in stats.trend
            ],  # fmt: skip
            right=range(3, 7),
        )
        self.trend_note.setText(stats.trend_note)
        self.trend_note.setVisible(bool(stats.trend_note))
        for table in self._tables():
            fit_height(table)

    def text_of_table(self, table: QTableWidget) -> list[list[str]]:
        """What a table shows, row by row (for tests and copying)."""
        return [
            [
                table.item(r, c).text() if table.item(r, c) else ""
                for c in range(table.columnCount())
            ]
            for r in range(table.rowCount())
        ]


__all__ = ["FiguresTab", "met_text"]
