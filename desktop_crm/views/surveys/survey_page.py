"""满意度调查: the list of surveys (objectName `surveyTable`) — SQL-backed, filtered by kind,
state and year, with each survey's 满意度, 满意率 and 达标 counted in one query per page —
and the list's actions: 新建调查…, 打开, 打印报告, 导出答卷, 导入答卷 (as the rights allow)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_crm import documents
from desktop_crm.services import rights, surveys
from desktop_crm.services.errors import PermissionDenied, ServiceError
from desktop_crm.services.listing import ListQuery
from desktop_crm.services.satisfaction import percent_text
from desktop_crm.services.survey_list import (
    COLUMNS,
    SURVEY_LIST,
    ListFigures,
    list_figures,
    survey_query,
)

from ..context import AppContext
from ..pdf_preview import preview_form
from ..sql_list_model import SqlListModel
from . import answers_io
from .survey_dialog import SurveyDialog

SEARCH_DELAY_MS = 150
MISSED_TEXT = QColor("#a93226")
MET_TEXT = QColor("#1e7b34")
# Where each column's value sits in a row of the model: (id, *values).
_AT = {column.key: position + 1 for position, column in enumerate(COLUMNS)}
# The list's own column heads where they differ from the service's (the export keeps those).
TITLES = {
    "number": "编号",
    "name": "名称",
    "kind": "类别",
    "period_from": "期间",
    "target_degree": "目标",
}
HIDDEN = ("period_to", "method", "target_rate", "created_by")
FIGURE_COLUMNS = (("degree", "满意度"), ("rate", "满意率"), ("met", "达标"))
Index = QModelIndex | QPersistentModelIndex


class SurveyListModel(SqlListModel):
    """The SQL list plus three counted columns (满意度, 满意率, 达标), figured for the rows
    loaded so far in one query (surveys are few: a handful a year)."""

    def __init__(self, context: AppContext, query: ListQuery, parent: QWidget, cell_hook) -> None:  # noqa: ANN001
        super().__init__(context.session_factory, query, parent, cell_hook)
        self._context = context
        self._figures: dict[int, ListFigures] = {}

    @property
    def base_columns(self) -> int:
        return len(self.query.columns)

    def set_query(self, query: ListQuery) -> None:
        self._figures = {}
        super().set_query(query)

    def figures_of(self, row: int) -> ListFigures | None:
        survey_id = self.row_id(row)
        if survey_id not in self._figures:
            wanted = [self.row_id(r) for r in range(self.rowCount())]
            try:
                with self._context.session() as session:
                    found = list_figures(session, self._context.actor(session), wanted)
            except ServiceError:
                found = {}
            self._figures.update(found)
            for missing in wanted:
                self._figures.setdefault(missing, ListFigures(None, None, True, None))
        return self._figures.get(survey_id)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self.base_columns + len(FIGURE_COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if section >= self.base_columns:
                extra = section - self.base_columns
                return FIGURE_COLUMNS[extra][1] if extra < len(FIGURE_COLUMNS) else None
            if 0 <= section < self.base_columns:
                key = self.query.columns[section].key
                return TITLES.get(key, self.query.columns[section].title)
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            if section >= self.base_columns:
                return "总体（自评 40%＋调查 60%）；只有一部分有答卷时为该部分的数值（带 *）"
        return super().headerData(section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.column() < self.base_columns:
            return super().data(index, role)
        if index.row() >= self.rowCount():
            return None
        key = FIGURE_COLUMNS[index.column() - self.base_columns][0]
        figures = self.figures_of(index.row())
        if figures is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "met":
                return {None: "—", True: "✓ 达标", False: "✗ 未达标"}[figures.met]
            value = figures.degree if key == "degree" else figures.rate
            mark = " *" if figures.partial and value is not None else ""
            return percent_text(value) + mark
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if key == "met":
                return Qt.AlignmentFlag.AlignCenter
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.ForegroundRole and key == "met" and figures.met is not None:
            return QBrush(MET_TEXT if figures.met else MISSED_TEXT)
        if role == Qt.ItemDataRole.FontRole and key == "met" and figures.met is False:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "met" and figures.missed:
                return "未达到：" + "；".join(figures.missed)
            if figures.partial and figures.degree is not None:
                return "只有一部分有答卷：显示该部分的满意度和满意率"
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if column < self.base_columns:
            super().sort(column, order)


class SurveyPage(QWidget):
    """The survey list with its filters and actions; opens the survey dialog itself."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("surveyPage")
        self._context = context
        self.dialogs: list[SurveyDialog] = []
        self.current_form: QWidget | None = None
        self.search = QLineEdit(self, objectName="surveySearch")
        self.search.setPlaceholderText(self.tr("查找调查：调查编号或名称"))
        self.search.setClearButtonEnabled(True)
        self.count_label = QLabel(objectName="surveyCount")
        self.message_label = QLabel(objectName="surveyMessage")
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableView(objectName="surveyTable")
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self.model = SurveyListModel(context, self._query(), self, self._cell)
        self.model.sig_count_changed.connect(self._show_count)
        self._build()
        self._apply_rights()
        self._size_columns()
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self._search_timer.timeout.connect(self.apply)
        hub = context.hub
        hub.sig_user_changed.connect(self._user_changed)
        hub.sig_customers_changed.connect(self.refresh)

    # ----------------------------------------------------------------- building

    def _build(self) -> None:
        self.kind_filter = self._combo("filter_kind", self.tr("全部类别"), surveys.KINDS)
        self.state_filter = self._combo("filter_state", self.tr("全部状态"), surveys.STATES)
        this_year = date.today().year
        self.year_filter = self._combo(
            "filter_year",
            self.tr("全部年份"),
            [str(y) for y in range(this_year + 1, this_year - 8, -1)],
        )
        clear = QPushButton(self.tr("清除筛选"), objectName="surveyClearFilters")
        clear.clicked.connect(self.clear_filters)
        filters = QHBoxLayout()
        for widget in (self.kind_filter, self.state_filter, self.year_filter, clear):
            filters.addWidget(widget)
        filters.addStretch(1)

        self.new_button = QPushButton(self.tr("新建调查…"), objectName="surveyNew")
        self.new_button.clicked.connect(lambda: self.open_survey(None))
        self.open_button = QPushButton(self.tr("打开"), objectName="surveyOpen")
        self.open_button.clicked.connect(self.open_selected)
        self.print_button = QPushButton(self.tr("打印报告"), objectName="surveyPrintReport")
        self.print_button.clicked.connect(self.print_selected)
        self.export_button = QPushButton(self.tr("导出答卷"), objectName="surveyExportAnswers")
        self.export_button.clicked.connect(self.export_selected)
        self.import_button = QPushButton(self.tr("导入答卷"), objectName="surveyImportAnswers")
        self.import_button.clicked.connect(self.import_selected)
        actions = QHBoxLayout()
        actions.addWidget(self.search, 1)
        for button in (
            self.new_button,
            self.open_button,
            self.print_button,
            self.export_button,
            self.import_button,
        ):
            actions.addWidget(button)

        self.table.setModel(self.model)
        self.table.horizontalHeader().setSortIndicator(
            list(_AT).index("period_from"), Qt.SortOrder.DescendingOrder
        )
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.sortIndicatorChanged.connect(self._sort_changed)
        self.table.doubleClicked.connect(self._open_index)
        self.table.activated.connect(self._open_index)
        base = len(COLUMNS)
        for key in HIDDEN:
            self.table.setColumnHidden(list(_AT).index(key), True)
        # 满意度 and 满意率 between 回收问卷 and 目标, 达标 last
        after = header.visualIndex(list(_AT).index("questionnaires"))
        for offset in range(2):
            header.moveSection(header.visualIndex(base + offset), after + 1 + offset)
        header.moveSection(header.visualIndex(base + 2), header.count() - 1)

        status = QHBoxLayout()
        status.addWidget(self.message_label, 1)
        status.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addLayout(actions)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(status)

    def _combo(self, name: str, everything: str, choices) -> QComboBox:  # noqa: ANN001
        combo = QComboBox(objectName=name)
        combo.addItem(everything, None)
        for choice in choices:
            combo.addItem(choice, choice)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.currentIndexChanged.connect(self.apply)
        return combo

    def _size_columns(self) -> None:
        unit = self.fontMetrics().horizontalAdvance("中") / 2 + 1
        widths = {"period_from": 23, "target_degree": 14, "name": 30}
        for index, column in enumerate(COLUMNS):
            self.table.setColumnWidth(index, int(widths.get(column.key, column.width) * unit) + 12)
        for offset in range(len(FIGURE_COLUMNS)):
            self.table.setColumnWidth(len(COLUMNS) + offset, int(10 * unit) + 12)

    def _apply_rights(self) -> None:
        with self._context.session() as session:
            actor = self._context.actor(session)
            allowed = {
                action: rights.may(session, actor, "surveys", action)
                for action in ("create", "print", "export", "import")
            }
        self.new_button.setVisible(allowed["create"])
        self.print_button.setVisible(allowed["print"])
        self.export_button.setVisible(allowed["export"])
        self.import_button.setVisible(allowed["import"])

    # ----------------------------------------------------------------- the query

    def current_filters(self) -> dict[str, object]:
        chosen: dict[str, object] = {}
        for key, combo in (
            ("kind", self.kind_filter),
            ("state", self.state_filter),
            ("year", self.year_filter),
        ):
            if combo.currentData() is not None:
                chosen[key] = combo.currentData()
        return chosen

    def current_query(self) -> ListQuery:
        header = self.table.horizontalHeader()
        section = header.sortIndicatorSection()
        if not 0 <= section < len(COLUMNS):
            section = list(_AT).index("period_from")
        descending = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        return self._query(
            self.search.text(), self.current_filters(), COLUMNS[section].key, descending
        )

    def _query(
        self,
        search: str = "",
        filters: dict[str, object] | None = None,
        sort_key: str | None = None,
        descending: bool = False,
    ) -> ListQuery:
        with self._context.session() as session:
            try:
                return survey_query(
                    session, self._context.actor(session), search, filters, sort_key, descending
                )
            except PermissionDenied:
                return ListQuery.nothing(SURVEY_LIST)

    def _sort_changed(self, section: int, order: Qt.SortOrder) -> None:
        """The counted columns do not sort (they are not in SQL): the indicator goes back."""
        if section >= len(COLUMNS):
            header = self.table.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(list(_AT).index("period_from"), Qt.SortOrder.DescendingOrder)
            header.blockSignals(False)

    def apply(self) -> None:
        self._search_timer.stop()
        self.message_label.clear()
        self.model.set_query(self.current_query())

    def refresh(self) -> None:
        self.apply()

    def _user_changed(self) -> None:
        self._apply_rights()
        self.refresh()

    def clear_filters(self) -> None:
        for combo in (self.kind_filter, self.state_filter, self.year_filter):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.apply()

    def _cell(self, row: tuple[Any, ...], key: str, role: int) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if key == "period_from":
            start, end = row[_AT["period_from"]], row[_AT["period_to"]]
            return f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}" if start and end else None
        if key == "target_degree":
            return f"{percent_text(row[_AT['target_degree']])} / {percent_text(row[_AT['target_rate']])}"
        return None

    def _show_count(self, total: int) -> None:
        self.count_label.setText(self.tr("共 {0} 次调查").replace("{0}", f"{total:,}"))

    # ----------------------------------------------------------------- actions

    def selected_survey(self) -> tuple[int, str] | None:
        """(id, 调查编号) of the selected survey, or None (and the page says so)."""
        index = self.table.currentIndex()
        if not index.isValid():
            self.message_label.setText(self.tr("请先在列表中选中一次调查。"))
            return None
        row = index.row()
        number = self.model.data(self.model.index(row, list(_AT).index("number")))
        return self.model.row_id(row), str(number)

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_survey(self.model.row_id(index.row()))

    def open_selected(self) -> None:
        chosen = self.selected_survey()
        if chosen is not None:
            self.open_survey(chosen[0])

    def open_survey(
        self, survey_id: int | None, tab: int | None = None, improvement_id: int | None = None
    ) -> SurveyDialog:
        """The survey dialog (None: a new survey), modeless; the list follows its saves."""
        dialog = SurveyDialog(
            self._context, survey_id, parent=self, tab=tab, improvement_id=improvement_id
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_changed.connect(self.refresh)
        self.dialogs.append(dialog)
        dialog.destroyed.connect(lambda _o=None, d=dialog: self._forget(d))
        dialog.show()
        dialog.raise_()
        return dialog

    def _forget(self, dialog: SurveyDialog) -> None:
        if dialog in self.dialogs:
            self.dialogs.remove(dialog)

    def print_selected(self) -> None:
        chosen = self.selected_survey()
        if chosen is None:
            return
        survey_id, number = chosen
        self.current_form = preview_form(
            self,
            self._context,
            lambda s, a: documents.satisfaction_report_pdf(s, a, survey_id),
            lambda s, a: documents.satisfaction_report_xlsx(s, a, survey_id),
            self.tr("客户满意度调查分析报告"),
            f"客户满意度调查分析报告-{number}.pdf",
        )

    def export_selected(self, path: str | None = None) -> None:
        chosen = self.selected_survey()
        if chosen is not None:
            answers_io.export_answers(
                self, self._context, chosen[0], chosen[1], self.message_label.setText, path
            )

    def import_selected(self, path: str | None = None, ask=None) -> None:  # noqa: ANN001
        chosen = self.selected_survey()
        if chosen is None:
            return

        def done(text: str) -> None:
            self.refresh()
            self.message_label.setText(text)

        answers_io.import_answers(self, self._context, chosen[0], done, path, ask)
