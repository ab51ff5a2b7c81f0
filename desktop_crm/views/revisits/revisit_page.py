"""回访: the page with its lists — 回访计划 (plans, with the week's routine plans made in
one click, 改期, the visit brief and the printed plan), 回访记录 (records), 回访报告 (the
客户回访报告表 to write, overdue, to review), 回访汇总 (the period summary, printed and
exported) and 服务不到位 (customers not served for months, to be handed to someone else).
Every list is SQL-backed and paged; every act is one service call; the summary and the
printed lists are made in a worker.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QDate,
    QObject,
    QRunnable,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTableView,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session, sessionmaker

from desktop_crm.models import User
from desktop_crm.services import lookups, revisit_reports, revisits, settings, staff
from desktop_crm.services.customer_list import customer_query
from desktop_crm.services.errors import PermissionDenied, ValidationError
from desktop_crm.services.listing import ListQuery, ListSpec
from desktop_crm.views.context import AppContext
from desktop_crm.views.customers.card_widgets import (
    ERROR_COLOR,
    HELP_COLOR,
    error_label,
    list_table,
    plain_button,
    read_only_item,
    tr_data,
)
from desktop_crm.views.list_export import ask_xlsx_path
from desktop_crm.views.pdf_preview import PdfPreviewDialog
from desktop_crm.views.service_call import FAILED, run_service
from desktop_crm.views.sql_list_model import SqlListModel
from desktop_crm.views.widgets import DATE_FORMAT, OptionalDateEdit
from desktop_crm.views.workers import run_job

from .revisit_dialog import RevisitDialog

log = logging.getLogger(__name__)

SEARCH_DELAY_MS = 150
PLAN_TAB, RECORD_TAB, REPORT_TAB, SUMMARY_TAB, NOT_SERVED_TAB = 0, 1, 2, 3, 4
OVERDUE_COLOR = QColor(ERROR_COLOR)


# ------------------------------------------------------------------ models


class _CountSignals(QObject):
    sig_counted = Signal(object, object, int)  # the signals object itself, query, total


# Count jobs in flight. Their signal objects live in the GUI thread and are released there
# once the count arrived, so no Qt object is destroyed from a worker thread.
_counting: set[_CountSignals] = set()
_counting_lock = threading.Lock()


class _CountRunner(QRunnable):
    def __init__(
        self, factory: sessionmaker[Session], query: ListQuery, signals: _CountSignals
    ) -> None:
        super().__init__()
        self._factory, self._query, self._signals = factory, query, signals

    def run(self) -> None:
        try:
            with self._factory() as session:
                total = self._query.count(session)
        except Exception:  # the count is a nicety: the list itself is shown already
            log.exception("counting a list failed")
            total = -1
        with _counting_lock:
            signals, self._signals = self._signals, None  # type: ignore[assignment]
            signals.sig_counted.emit(signals, self._query, total)
            del signals


def _release(signals: object, _query: object, _total: int) -> None:
    with _counting_lock:
        _counting.discard(signals)  # type: ignore[arg-type]


class ListModel(SqlListModel):
    """The shared SQL list model, plus: columns that may not be sorted on, row colours, and
    (optionally) counting in a worker thread, for lists whose count costs more than a glance
    at a million customers (服务不到位: 0.5–2 s; a department's 500,000 plans: ~2 s). A list
    that fits in its first page is counted at once, as before."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        query: ListQuery,
        parent: QObject | None = None,
        unsortable: tuple[str, ...] = (),
        count_in_background: bool = False,
        row_color: Callable[[tuple[Any, ...]], QColor | None] | None = None,
    ) -> None:
        self._unsortable = unsortable
        self._background = count_in_background
        self._row_color = row_color
        self._counting_query: ListQuery | None = None
        super().__init__(session_factory, query, parent)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if (
            0 <= column < len(self.query.columns)
            and self.query.columns[column].key in self._unsortable
        ):
            return
        super().sort(column, order)

    def is_sortable(self, column: int) -> bool:
        return self.query.columns[column].key not in self._unsortable

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and self._row_color and index.isValid():
            return self._row_color(self._rows[index.row()])
        return super().data(index, role)

    def column_position(self, key: str) -> int:
        """The position of column `key` in a row tuple (the id is at 0)."""
        return [c.key for c in self.query.columns].index(key) + 1

    def row_value(self, row: int, key: str) -> Any:
        return self._rows[row][self.column_position(key)]

    # ------------------------------------------------------------- counting

    def _count(self) -> None:
        if not self._background:
            super()._count()
            return
        query, self._count_due = self._count_due, None
        if query is None or query is not self._query:
            return
        self._counting_query = query
        signals = _CountSignals()
        signals.sig_counted.connect(self._counted)
        signals.sig_counted.connect(_release)
        with _counting_lock:
            _counting.add(signals)
        QThreadPool.globalInstance().start(_CountRunner(self._session_factory, query, signals))

    def _counted(self, _signals: object, query: ListQuery, total: int) -> None:
        if query is self._query and query is self._counting_query:
            self._counting_query = None
            if total >= 0:
                self._publish_count(total)

    def counting(self) -> bool:
        return self._count_due is not None or self._counting_query is not None

    def count_now(self) -> int:
        if self._background and self._counting_query is self._query:
            self._counting_query = None
            with self._session_factory() as session:
                self._publish_count(self._query.count(session))
            return self.total
        return super().count_now()


def _table(name: str, parent: QWidget) -> QTableView:
    table = QTableView(parent)
    table.setObjectName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    return table


def _attach(table: QTableView, model: ListModel, sort_column: int, order: Qt.SortOrder) -> None:
    table.setModel(model)
    header = table.horizontalHeader()
    # Indicator first, then sorting on: the list loads once, in its default order.
    header.setSortIndicator(sort_column, order)
    table.setSortingEnabled(True)
    unit = table.fontMetrics().horizontalAdvance("中") / 2 + 1
    for position, column in enumerate(model.query.columns):
        table.setColumnWidth(position, int(column.width * unit) + 12)
    shown = {"section": sort_column, "order": order}

    def keep_sortable(section: int, new_order: Qt.SortOrder) -> None:
        # A column that cannot be sorted keeps the previous indicator (and order).
        if model.is_sortable(section):
            shown.update(section=section, order=new_order)
            return
        header.blockSignals(True)
        header.setSortIndicator(shown["section"], shown["order"])
        header.blockSignals(False)

    header.sortIndicatorChanged.connect(keep_sortable)


def _sort_of(table: QTableView, model: ListModel) -> tuple[str, bool]:
    header = table.horizontalHeader()
    column = model.query.columns[header.sortIndicatorSection()]
    return column.key, header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder


def _combo(name: str, parent: QWidget, everything: str, items: list[tuple[str, Any]]) -> QComboBox:
    combo = QComboBox(parent)
    combo.setObjectName(name)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(6)
    combo.addItem(everything, None)
    for label, value in items:
        combo.addItem(label, value)
    return combo


def _fill_staff(combo: QComboBox, people: list[tuple[int, str]], everything: str) -> None:
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(everything, None)
    for user_id, name in people:
        combo.addItem(name, user_id)
    combo.setCurrentIndex(max(combo.findData(current), 0) if current is not None else 0)
    combo.blockSignals(False)


# ------------------------------------------------------------------ the page


class RevisitPage(QWidget):
    """回访计划 · 回访记录 · 回访报告 · 回访汇总 · 服务不到位. `sig_open_customer(id)` asks the
    window to open a customer's card (from 服务不到位)."""

    sig_open_customer = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("revisitPage")
        self._context = context
        self._not_served_loaded = False
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.apply)
        self.current_form: QWidget | None = None  # a preview opened from the page
        self.summary: revisit_reports.RevisitSummary | None = None  # as last worked out

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("revisitTabs")
        self.tabs.addTab(self._build_plans(), self.tr("回访计划"))
        self.tabs.addTab(self._build_records(), self.tr("回访记录"))
        self.tabs.addTab(self._build_reports(), self.tr("回访报告"))
        self.tabs.addTab(self._build_summary(), self.tr("回访汇总"))
        self.tabs.addTab(self._build_not_served(), self.tr("服务不到位"))
        self.tabs.currentChanged.connect(self._tab_shown)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("revisitStatus")
        self.status_label.setStyleSheet(f"color: {HELP_COLOR};")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status_label)

        self._fill_filters()
        hub = context.hub
        hub.sig_customers_changed.connect(self.refresh)
        if hasattr(hub, "sig_complaints_changed"):
            hub.sig_complaints_changed.connect(self.refresh)
        hub.sig_user_changed.connect(self.apply)
        hub.sig_staff_changed.connect(self._fill_filters)

    # ============================================================= 回访计划

    def _build_plans(self) -> QWidget:
        tab = QWidget(self)
        self.plan_state = _combo(
            "revisitPlanState", tab, self.tr("全部状态"),
            [(tr_data(state), state) for state in revisits.PLAN_STATES],
        )  # fmt: skip
        self.plan_state.setCurrentIndex(1)  # 计划: what is still to do
        self.plan_assigned = _combo("revisitPlanAssigned", tab, self.tr("全部回访人"), [])
        self.plan_overdue = QCheckBox(self.tr("只看逾期"), tab)
        self.plan_overdue.setObjectName("revisitPlanOverdue")
        self.plan_overdue.setToolTip(self.tr("计划日期已过、仍未回访的计划"))
        self.plan_from = OptionalDateEdit(tab)
        self.plan_from.setObjectName("revisitPlanFrom")
        self.plan_to = OptionalDateEdit(tab)
        self.plan_to.setObjectName("revisitPlanTo")
        self.plan_search = QLineEdit(tab)
        self.plan_search.setObjectName("revisitPlanSearch")
        self.plan_search.setPlaceholderText(self.tr("客户名称、拼音或投诉编号"))
        self.plan_search.setClearButtonEnabled(True)
        for combo in (self.plan_state, self.plan_assigned):
            combo.currentIndexChanged.connect(self.apply)
        self.plan_overdue.toggled.connect(self._overdue_toggled)
        for edit in (self.plan_from, self.plan_to):
            edit.sig_changed.connect(self.apply)
        self.plan_search.textChanged.connect(lambda _text: self._timer.start())

        self.generate_button = plain_button(tab, self.tr("生成本周定期回访计划"), "revisitGenerate")
        self.generate_button.setToolTip(
            self.tr("按客户等级的拜访频次（设置中可改）为合作客户生成本周的定期回访计划；"
                    "本周已有计划的客户跳过")
        )  # fmt: skip
        self.generate_button.clicked.connect(self.generate_week)
        self.new_plan_button = plain_button(tab, self.tr("新建计划…"), "revisitNewPlan")
        self.new_plan_button.clicked.connect(self.new_plan)
        self.record_plan_button = plain_button(tab, self.tr("记录回访…"), "revisitRecordPlan")
        self.record_plan_button.clicked.connect(self.record_selected_plan)
        self.cancel_plan_button = plain_button(tab, self.tr("取消计划…"), "revisitCancelPlan")
        self.cancel_plan_button.clicked.connect(self.cancel_selected_plan)
        self.reschedule_button = plain_button(tab, self.tr("改期…"), "revisitReschedule")
        self.reschedule_button.setToolTip(self.tr("把选中的计划改到另一天（须写明原因）"))
        self.reschedule_button.clicked.connect(self.reschedule_selected_plan)
        self.brief_button = plain_button(tab, self.tr("拜访简报…"), "revisitBrief")
        self.brief_button.setToolTip(
            self.tr("打印选中计划的客户拜访简报：客户概况、联系人、购货、跟进、投诉和回访")
        )
        self.brief_button.clicked.connect(self.print_brief)
        self.print_plans_button = plain_button(tab, self.tr("打印计划表…"), "revisitPrintPlans")
        self.print_plans_button.setToolTip(
            self.tr("打印「从…到…」日期范围内的客户回访计划（未选日期时为本月）")
        )
        self.print_plans_button.clicked.connect(self.print_plans)
        self.plan_count = QLabel(tab)
        self.plan_count.setObjectName("revisitPlanCount")

        self.plan_table = _table("revisitPlanTable", tab)
        overdue_at = 0

        def overdue_color(row: tuple[Any, ...]) -> QColor | None:
            return OVERDUE_COLOR if row[overdue_at] else None

        self.plan_model = ListModel(
            self._context.session_factory,
            self._plan_query(),
            self,
            count_in_background=True,
            row_color=overdue_color,
        )
        overdue_at = self.plan_model.column_position("overdue")
        self.plan_model.sig_count_changed.connect(
            lambda total: self.plan_count.setText(
                self.tr("共 {0} 条计划").replace("{0}", f"{total:,}")
            )
        )
        _attach(self.plan_table, self.plan_model, 0, Qt.SortOrder.AscendingOrder)
        self.plan_table.doubleClicked.connect(lambda _index: self.record_selected_plan())
        self.plan_table.activated.connect(lambda _index: self.record_selected_plan())

        filters = QHBoxLayout()
        for widget in (self.plan_state, self.plan_assigned, self.plan_overdue):
            filters.addWidget(widget)
        filters.addWidget(QLabel(self.tr("从"), tab))
        filters.addWidget(self.plan_from)
        filters.addWidget(QLabel(self.tr("到"), tab))
        filters.addWidget(self.plan_to)
        filters.addWidget(self.plan_search, 1)
        actions = QHBoxLayout()
        for button in (
            self.generate_button, self.new_plan_button, self.record_plan_button,
            self.reschedule_button, self.cancel_plan_button, self.brief_button,
            self.print_plans_button,
        ):  # fmt: skip
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.plan_count)
        layout = QVBoxLayout(tab)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.plan_table, 1)
        return tab

    def _overdue_toggled(self, on: bool) -> None:
        # 逾期 means still 计划: the state filter does not apply meanwhile.
        self.plan_state.setEnabled(not on)
        self.apply()

    def _plan_query(self) -> ListQuery:
        def build(session: Session, actor: User) -> ListQuery:
            sort_key, descending = (
                _sort_of(self.plan_table, self.plan_model)
                if hasattr(self, "plan_model")
                else (None, False)
            )
            return revisits.plan_query(
                session,
                actor,
                state=self.plan_state.currentData(),
                assigned_id=self.plan_assigned.currentData(),
                overdue=self.plan_overdue.isChecked(),
                date_from=self.plan_from.value(),
                date_to=self.plan_to.value(),
                search=self.plan_search.text(),
                sort_key=sort_key,
                descending=descending,
            )

        return self._query(build, revisits.plan_list_spec())

    # ============================================================= 回访记录

    def _build_records(self) -> QWidget:
        tab = QWidget(self)
        self.record_kind = _combo(
            "revisitKindFilter", tab, self.tr("全部类型"), [(tr_data(k), k) for k in revisits.KINDS]
        )
        self.record_satisfaction = _combo(
            "revisitSatisfactionFilter", tab, self.tr("全部满意度"),
            [(tr_data(level), level) for level in revisits.SATISFACTION_LEVELS]
            + [(tr_data(revisits.UNSATISFIED_FILTER), revisits.UNSATISFIED_FILTER)],
        )  # fmt: skip
        self.record_from = OptionalDateEdit(tab)
        self.record_from.setObjectName("revisitFrom")
        self.record_to = OptionalDateEdit(tab)
        self.record_to.setObjectName("revisitTo")
        self.record_search = QLineEdit(tab)
        self.record_search.setObjectName("revisitSearch")
        self.record_search.setPlaceholderText(self.tr("回访编号、投诉编号、客户名称或拼音"))
        self.record_search.setClearButtonEnabled(True)
        for combo in (self.record_kind, self.record_satisfaction):
            combo.currentIndexChanged.connect(self.apply)
        for edit in (self.record_from, self.record_to):
            edit.sig_changed.connect(self.apply)
        self.record_search.textChanged.connect(lambda _text: self._timer.start())

        self.new_record_button = plain_button(tab, self.tr("记录回访…"), "revisitNew")
        self.new_record_button.clicked.connect(lambda: self.record_revisit())
        self.open_record_button = plain_button(tab, self.tr("查看…"), "revisitOpen")
        self.open_record_button.clicked.connect(self.open_selected_record)
        self.record_count = QLabel(tab)
        self.record_count.setObjectName("revisitCount")

        self.record_table = _table("revisitTable", tab)
        satisfaction_at = 0

        def unhappy_color(row: tuple[Any, ...]) -> QColor | None:
            return OVERDUE_COLOR if row[satisfaction_at] in revisits.UNSATISFIED else None

        self.record_model = ListModel(
            self._context.session_factory,
            self._record_query(),
            self,
            count_in_background=True,
            row_color=unhappy_color,
        )
        satisfaction_at = self.record_model.column_position("satisfaction")
        self.record_model.sig_count_changed.connect(
            lambda total: self.record_count.setText(
                self.tr("共 {0} 条回访记录").replace("{0}", f"{total:,}")
            )
        )
        _attach(self.record_table, self.record_model, 1, Qt.SortOrder.DescendingOrder)
        self.record_table.doubleClicked.connect(lambda _index: self.open_selected_record())
        self.record_table.activated.connect(lambda _index: self.open_selected_record())

        filters = QHBoxLayout()
        filters.addWidget(self.record_kind)
        filters.addWidget(self.record_satisfaction)
        filters.addWidget(QLabel(self.tr("回访日期从"), tab))
        filters.addWidget(self.record_from)
        filters.addWidget(QLabel(self.tr("到"), tab))
        filters.addWidget(self.record_to)
        filters.addWidget(self.record_search, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.new_record_button)
        actions.addWidget(self.open_record_button)
        actions.addStretch(1)
        actions.addWidget(self.record_count)
        layout = QVBoxLayout(tab)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.record_table, 1)
        return tab

    def _record_query(self) -> ListQuery:
        def build(session: Session, actor: User) -> ListQuery:
            sort_key, descending = (
                _sort_of(self.record_table, self.record_model)
                if hasattr(self, "record_model")
                else (None, True)
            )
            return revisits.revisit_query(
                session,
                actor,
                kind=self.record_kind.currentData(),
                satisfaction=self.record_satisfaction.currentData(),
                date_from=self.record_from.value(),
                date_to=self.record_to.value(),
                search=self.record_search.text(),
                sort_key=sort_key,
                descending=descending,
            )

        return self._query(build, revisits.REVISIT_LIST)

    # ============================================================= 回访报告

    def _build_reports(self) -> QWidget:
        tab = QWidget(self)
        self.report_filter = QComboBox(tab)
        self.report_filter.setObjectName("revisitReportFilter")
        for which in revisit_reports.FILTERS:
            self.report_filter.addItem(tr_data(which), which)
        self.report_filter.setCurrentIndex(
            self.report_filter.findData(self._default_report_filter())
        )
        self.report_filter.setToolTip(
            self.tr(
                "我的待写：我回访、尚未填写报告的；逾期未写：回访次一工作日仍未填写的；"
                "待审阅：已填写、等待客户服务主管审阅的"
            )
        )
        self.report_from = OptionalDateEdit(tab)
        self.report_from.setObjectName("revisitReportFrom")
        self.report_to = OptionalDateEdit(tab)
        self.report_to.setObjectName("revisitReportTo")
        self.report_search = QLineEdit(tab)
        self.report_search.setObjectName("revisitReportSearch")
        self.report_search.setPlaceholderText(self.tr("回访编号、投诉编号、客户名称或拼音"))
        self.report_search.setClearButtonEnabled(True)
        self.report_filter.currentIndexChanged.connect(self.apply)
        for edit in (self.report_from, self.report_to):
            edit.sig_changed.connect(self.apply)
        self.report_search.textChanged.connect(lambda _text: self._timer.start())

        self.open_report_button = plain_button(tab, self.tr("填写/审阅报告…"), "revisitReportOpen")
        self.open_report_button.clicked.connect(self.open_selected_report)
        self.print_report_button = plain_button(tab, self.tr("打印报告…"), "revisitReportPrint")
        self.print_report_button.clicked.connect(self.print_selected_report)
        self.report_count = QLabel(tab)
        self.report_count.setObjectName("revisitReportCount")

        self.report_table = _table("revisitReportTable", tab)
        state_at = 0

        def late_color(row: tuple[Any, ...]) -> QColor | None:
            return OVERDUE_COLOR if row[state_at] == revisit_reports.OVERDUE else None

        self.report_model = ListModel(
            self._context.session_factory,
            self._report_query(),
            self,
            count_in_background=True,
            row_color=late_color,
        )
        state_at = self.report_model.column_position("report_state")
        self.report_model.sig_count_changed.connect(
            lambda total: self.report_count.setText(
                self.tr("共 {0} 份").replace("{0}", f"{total:,}")
            )
        )
        _attach(self.report_table, self.report_model, 1, Qt.SortOrder.DescendingOrder)
        self.report_table.doubleClicked.connect(lambda _index: self.open_selected_report())
        self.report_table.activated.connect(lambda _index: self.open_selected_report())

        hint = QLabel(
            self.tr(
                "客户回访报告表：回访人于回访次一工作日填写（过程与结果概述、评价），"
                "客户服务主管审阅并写指导意见；逾期未写的以红色显示。"
            ),
            tab,
        )
        hint.setObjectName("revisitReportHint")
        hint.setWordWrap(True)
        hint.setStyleSheet(f"color: {HELP_COLOR};")
        filters = QHBoxLayout()
        filters.addWidget(self.report_filter)
        filters.addWidget(QLabel(self.tr("回访日期从"), tab))
        filters.addWidget(self.report_from)
        filters.addWidget(QLabel(self.tr("到"), tab))
        filters.addWidget(self.report_to)
        filters.addWidget(self.report_search, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.open_report_button)
        actions.addWidget(self.print_report_button)
        actions.addStretch(1)
        actions.addWidget(self.report_count)
        layout = QVBoxLayout(tab)
        layout.addWidget(hint)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.report_table, 1)
        return tab

    def _default_report_filter(self) -> str:
        """Reviewers start on 待审阅, everyone else on their own reports to write."""
        try:
            with self._context.session() as session:
                actor = self._context.actor(session)
                if revisit_reports.may_review_any(session, actor):
                    return revisit_reports.FILTER_TO_REVIEW
        except Exception:  # the page opens anyway; the list says what it shows
            log.exception("reading the reviewer's rights failed")
        return revisit_reports.FILTER_MINE

    def _report_query(self) -> ListQuery:
        def build(session: Session, actor: User) -> ListQuery:
            sort_key, descending = (
                _sort_of(self.report_table, self.report_model)
                if hasattr(self, "report_model")
                else (None, True)
            )
            return revisit_reports.report_query(
                session,
                actor,
                self.report_filter.currentData() or revisit_reports.FILTER_ALL,
                search=self.report_search.text(),
                date_from=self.report_from.value(),
                date_to=self.report_to.value(),
                sort_key=sort_key,
                descending=descending,
            )

        return self._query(build, revisit_reports.report_list_spec(date.today()))

    def open_selected_report(self) -> None:
        revisit_id = self._selected(self.report_table, self.report_model)
        if revisit_id is None:
            self._say(self.tr("请先在列表中选中一份回访报告"))
            return
        self.open_report(revisit_id)

    def open_report(self, revisit_id: int) -> RevisitDialog:
        """The revisit on its 回访报告 tab; the lists are read again afterwards."""
        dialog = RevisitDialog(self._context, parent=self, revisit_id=revisit_id, show_report=True)
        dialog.exec()
        self.report_model.refresh()
        return dialog

    def print_selected_report(self) -> None:
        revisit_id = self._selected(self.report_table, self.report_model)
        if revisit_id is None:
            self._say(self.tr("请先在列表中选中一份回访报告"))
            return
        from desktop_crm import documents

        row = self.report_table.currentIndex().row()
        number = self.report_model.row_value(row, "number")
        pdf = run_service(
            self,
            self._context,
            lambda session, actor: documents.revisit_report_pdf(session, actor, revisit_id),
            refusal_title=self.tr("无法打印"),
        )
        if pdf is FAILED:
            return
        self._preview(
            pdf,  # type: ignore[arg-type]
            revisit_reports.REPORT_TITLE,
            f"{revisit_reports.REPORT_TITLE}-{number}.pdf",
            lambda session, actor: documents.revisit_report_xlsx(session, actor, revisit_id),
        )

    # ============================================================= 回访汇总

    def _build_summary(self) -> QWidget:
        tab = QWidget(self)
        today = date.today()
        self.summary_from = QDateEdit(QDate(today.year, today.month, 1), tab)
        self.summary_from.setObjectName("revisitSummaryFrom")
        self.summary_to = QDateEdit(QDate(today.year, today.month, today.day), tab)
        self.summary_to.setObjectName("revisitSummaryTo")
        for edit in (self.summary_from, self.summary_to):
            edit.setDisplayFormat(DATE_FORMAT)
            edit.setCalendarPopup(True)
        self.summary_run = plain_button(tab, self.tr("统计"), "revisitSummaryRun")
        self.summary_run.setDefault(False)
        self.summary_run.clicked.connect(self.run_summary)
        self.summary_print = plain_button(tab, self.tr("预览/打印…"), "revisitSummaryPrint")
        self.summary_print.clicked.connect(self.print_summary)
        self.summary_export = plain_button(tab, self.tr("导出 Excel…"), "revisitSummaryExport")
        self.summary_export.clicked.connect(self.export_summary)
        self.summary_totals = QLabel(
            self.tr("选择回访日期范围后点击「统计」。"), tab, objectName="revisitSummaryTotals"
        )
        self.summary_totals.setWordWrap(True)
        self.summary_totals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        def table(name: str, headers: list[str]) -> QTableWidget:
            widget = list_table(tab, name, [self.tr(h) for h in headers])
            widget.setSortingEnabled(False)
            return widget

        self.summary_tables = {
            "kinds": table("revisitSummaryKinds", ["回访类型", "次数", "占比"]),
            "methods": table("revisitSummaryMethods", ["回访方式", "次数", "占比"]),
            "satisfaction": table(
                "revisitSummarySatisfaction", ["满意程度", "分值", "次数", "占比"]
            ),
            "staff": table(
                "revisitSummaryStaff",
                [
                    "回访人",
                    "回访",
                    "报告已写",
                    "按时",
                    "逾期补写",
                    "逾期未写",
                    "未到期",
                    "已审阅",
                    "按时率",
                ],
            ),  # fmt: skip
        }

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("回访日期从"), tab))
        top.addWidget(self.summary_from)
        top.addWidget(QLabel(self.tr("到"), tab))
        top.addWidget(self.summary_to)
        top.addWidget(self.summary_run)
        top.addStretch(1)
        top.addWidget(self.summary_print)
        top.addWidget(self.summary_export)
        grid = QGridLayout()
        for column, key in enumerate(("kinds", "methods", "satisfaction")):
            grid.addWidget(self.summary_tables[key], 0, column)
        grid.addWidget(self.summary_tables["staff"], 1, 0, 1, 3)
        grid.setRowStretch(1, 1)
        layout = QVBoxLayout(tab)
        layout.addLayout(top)
        layout.addWidget(self.summary_totals)
        layout.addLayout(grid, 1)
        return tab

    def summary_period(self) -> tuple[date, date]:
        start, end = self.summary_from.date(), self.summary_to.date()
        return (
            date(start.year(), start.month(), start.day()),
            date(end.year(), end.month(), end.day()),
        )

    def run_summary(self) -> None:
        """Work the summary out in a worker (a year of revisits takes a second or two)."""
        start, end = self.summary_period()

        def job(session: Session, actor: User, _control: object) -> object:
            return revisit_reports.period_summary(session, actor, start, end)

        run_job(self, self._context, self.tr("正在统计回访…"), job, self.show_summary)

    def show_summary(self, summary: revisit_reports.RevisitSummary) -> None:
        self.summary = summary
        percent = revisit_reports.percent
        lines = [
            self.tr("{start} 至 {end}（{scope}）：回访 {total} 次；满意度 {index}，满意率 {rate}"
                    "（{rated} 次记录了满意程度）")
            .replace("{start}", f"{summary.start:%Y-%m-%d}")
            .replace("{end}", f"{summary.end:%Y-%m-%d}")
            .replace("{scope}", summary.scope_text)
            .replace("{total}", f"{summary.total:,}")
            .replace("{index}", percent(summary.satisfaction_index))
            .replace("{rate}", percent(summary.satisfaction_rate))
            .replace("{rated}", f"{summary.rated:,}"),
            self.tr("回访报告：已写 {written}（按时 {on_time}，逾期补写 {late}），逾期未写 "
                    "{overdue}，未到期 {pending}，按时率 {on_time_rate}；已审阅 {reviewed}，"
                    "待审阅 {to_review}")
            .replace("{written}", f"{summary.written:,}")
            .replace("{on_time}", f"{summary.on_time:,}")
            .replace("{late}", f"{summary.late:,}")
            .replace("{overdue}", f"{summary.overdue:,}")
            .replace("{pending}", f"{summary.pending:,}")
            .replace("{on_time_rate}", percent(summary.on_time_rate))
            .replace("{reviewed}", f"{summary.reviewed:,}")
            .replace("{to_review}", f"{summary.to_review:,}"),
        ]  # fmt: skip
        self.summary_totals.setText("\n".join(lines))
        share_rows = {
            key: [(tr_data(x.name), x.count, percent(x.share)) for x in getattr(summary, key)]
            for key in ("kinds", "methods")
        }
        share_rows["satisfaction"] = [
            (tr_data(x.name), revisits.SATISFACTION_SCORES.get(x.name), x.count, percent(x.share))
            for x in summary.satisfaction
        ]
        share_rows["staff"] = [
            (x.name, x.total, x.written, x.on_time, x.late, x.overdue, x.pending, x.reviewed,
             percent(x.on_time_rate))
            for x in summary.staff
        ]  # fmt: skip
        for key, rows in share_rows.items():
            widget = self.summary_tables[key]
            widget.setRowCount(len(rows))
            for row, values in enumerate(rows):
                for column, value in enumerate(values):
                    item = read_only_item("" if value is None else str(value))
                    if column:
                        item.setTextAlignment(
                            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                        )
                    widget.setItem(row, column, item)
            widget.resizeColumnsToContents()

    def print_summary(self) -> None:
        """客户回访汇总表 of the chosen period in the preview (print, save as PDF or Excel)."""
        from desktop_crm import documents

        start, end = self.summary_period()

        def job(session: Session, actor: User, _control: object) -> bytes:
            return documents.revisit_summary_pdf(session, actor, start, end)

        def done(pdf: bytes) -> None:
            self._preview(
                pdf,
                revisit_reports.SUMMARY_TITLE,
                f"{revisit_reports.SUMMARY_TITLE}-{start:%Y%m%d}-{end:%Y%m%d}.pdf",
                lambda session, actor: documents.revisit_summary_xlsx(session, actor, start, end),
            )

        run_job(self, self._context, self.tr("正在生成客户回访汇总表…"), job, done)

    def export_summary(self, path: str | None = None) -> None:
        """客户回访汇总表 of the chosen period to a workbook, made in a worker."""
        from desktop_crm import documents

        start, end = self.summary_period()
        title = revisit_reports.SUMMARY_TITLE
        path = path or ask_xlsx_path(
            self, self.tr("导出客户回访汇总表"), f"{title}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
        )
        if not path:
            return
        target = path

        def job(session: Session, actor: User, _control: object) -> str:
            _write_file(target, documents.revisit_summary_xlsx(session, actor, start, end))
            return target

        def failed(error: BaseException) -> bool:
            if isinstance(error, OSError):
                QMessageBox.warning(
                    self,
                    self.tr("导出失败"),
                    self.tr("无法写入文件：") + f"{target}\n{error.strerror or error}",
                )
                return True
            return False

        run_job(
            self, self._context, self.tr("正在导出客户回访汇总表…"), job,
            lambda done: self._say(self.tr("已导出到 {0}").replace("{0}", done)),
            on_failed=failed,
        )  # fmt: skip

    # ============================================================= printing

    def _preview(
        self,
        pdf: bytes,
        title: str,
        file_name: str,
        make_xlsx: Callable[[Session, User], bytes] | None = None,
    ) -> PdfPreviewDialog:
        def xlsx() -> bytes:
            assert make_xlsx is not None
            with self._context.session() as session:
                return make_xlsx(session, self._context.actor(session))

        preview = PdfPreviewDialog(
            pdf, self.tr(title), file_name, self, xlsx if make_xlsx else None
        )
        preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        preview.finished.connect(lambda _result: setattr(self, "current_form", None))
        self.current_form = preview
        preview.open()
        return preview

    def plans_period(self) -> tuple[date, date]:
        """The printed plan's days: the list's 从/到, or the current month."""
        today = date.today()
        start = self.plan_from.value() or today.replace(day=1)
        end = self.plan_to.value()
        if end is None:
            following = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
            end = following - timedelta(days=1)
        return start, end

    def print_plans(self) -> None:
        """客户回访计划 of the list's date range (or this month), in the preview."""
        from desktop_crm import documents

        start, end = self.plans_period()

        def job(session: Session, actor: User, _control: object) -> bytes:
            return documents.revisit_plans_pdf(session, actor, start, end)

        def done(pdf: bytes) -> None:
            self._preview(
                pdf,
                revisit_reports.PLAN_LIST_TITLE,
                f"{revisit_reports.PLAN_LIST_TITLE}-{start:%Y%m%d}-{end:%Y%m%d}.pdf",
                lambda session, actor: documents.revisit_plans_xlsx(session, actor, start, end),
            )

        run_job(self, self._context, self.tr("正在生成客户回访计划…"), job, done)

    def print_brief(self) -> None:
        """客户拜访简报 of the selected plan, in the preview."""
        plan_id = self._selected(self.plan_table, self.plan_model)
        if plan_id is None:
            self._say(self.tr("请先在列表中选中一条回访计划"))
            return
        from desktop_crm import documents

        row = self.plan_table.currentIndex().row()
        customer = self.plan_model.row_value(row, "customer")
        pdf = run_service(
            self,
            self._context,
            lambda session, actor: documents.visit_brief_pdf(session, actor, plan_id),
            refusal_title=self.tr("无法打印"),
        )
        if pdf is FAILED:
            return
        self._preview(
            pdf,  # type: ignore[arg-type]
            revisit_reports.BRIEF_TITLE,
            f"{revisit_reports.BRIEF_TITLE}-{customer}.pdf",
            lambda session, actor: documents.visit_brief_xlsx(session, actor, plan_id),
        )

    # ============================================================= 服务不到位

    def _build_not_served(self) -> QWidget:
        tab = QWidget(self)
        self.not_served_hint = QLabel(tab)
        self.not_served_hint.setObjectName("notServedHint")
        self.not_served_hint.setWordWrap(True)
        self.not_served_owner = _combo("notServedOwner", tab, self.tr("全部客户经理"), [])
        self.not_served_grade = _combo("notServedGrade", tab, self.tr("全部等级"), [])
        for combo in (self.not_served_owner, self.not_served_grade):
            combo.currentIndexChanged.connect(self.apply)
        self.not_served_record = plain_button(tab, self.tr("记录回访…"), "notServedRecord")
        self.not_served_record.clicked.connect(self.record_for_not_served)
        self.not_served_open = plain_button(tab, self.tr("打开客户卡片（移交）…"), "notServedOpen")
        self.not_served_open.setToolTip(
            self.tr("在客户卡片中把「客户经理」改为其他人即完成移交，变更会记入客户档案")
        )
        self.not_served_open.clicked.connect(self.open_not_served_customer)
        self.not_served_count = QLabel(tab)
        self.not_served_count.setObjectName("notServedCount")

        self.not_served_table = _table("notServedTable", tab)
        self.not_served_model = ListModel(
            self._context.session_factory,
            ListQuery.nothing(revisits.NOT_SERVED_LIST),
            self,
            unsortable=revisits.UNSORTABLE_COLUMNS["customers_not_served"],
            count_in_background=True,
        )
        self.not_served_model.sig_count_changed.connect(self._show_not_served_count)
        _attach(self.not_served_table, self.not_served_model, 1, Qt.SortOrder.AscendingOrder)
        self.not_served_table.doubleClicked.connect(lambda _index: self.open_not_served_customer())

        filters = QHBoxLayout()
        filters.addWidget(self.not_served_owner)
        filters.addWidget(self.not_served_grade)
        filters.addWidget(self.not_served_record)
        filters.addWidget(self.not_served_open)
        filters.addStretch(1)
        filters.addWidget(self.not_served_count)
        layout = QVBoxLayout(tab)
        layout.addWidget(self.not_served_hint)
        layout.addLayout(filters)
        layout.addWidget(self.not_served_table, 1)
        return tab

    def _not_served_query(self) -> ListQuery:
        def build(session: Session, actor: User) -> ListQuery:
            sort_key, descending = _sort_of(self.not_served_table, self.not_served_model)
            months = settings.value(session, "service.gap_months")
            self.not_served_hint.setText(
                self.tr(
                    "以下客户已超过 {months} 个月没有任何跟进、回访或拜访（服务不到位，"
                    "不含已淘汰、未成交的客户）。按规定可移交给其他客户经理：打开客户卡片修改"
                    "「客户经理」，或用「管理 → 客户移交」整体移交。"
                ).replace("{months}", str(months))
            )
            return revisits.customers_not_served(
                session,
                actor,
                filters={
                    "owner_id": self.not_served_owner.currentData(),
                    "grade": self.not_served_grade.currentData(),
                },
                sort_key=sort_key,
                descending=descending,
            )

        return self._query(build, revisits.NOT_SERVED_LIST)

    def _show_not_served_count(self, total: int) -> None:
        if not self._not_served_loaded:
            return
        self.not_served_count.setText(self.tr("共 {0} 个客户").replace("{0}", f"{total:,}"))

    # ============================================================= shared

    def _query(self, build: Callable[[Session, User], ListQuery], spec: ListSpec) -> ListQuery:
        """The list as the signed-in user may see it; empty without the right."""
        with self._context.session() as session:
            try:
                return build(session, self._context.actor(session))
            except PermissionDenied:
                return ListQuery.nothing(spec)

    def _fill_filters(self) -> None:
        with self._context.session() as session:
            people = [(u.id, u.name) for u in staff.staff_list(session, active_only=False)]
            grades = lookups.value_names(session, "grade")
        _fill_staff(self.plan_assigned, people, self.tr("全部回访人"))
        _fill_staff(self.not_served_owner, people, self.tr("全部客户经理"))
        current = self.not_served_grade.currentData()
        self.not_served_grade.blockSignals(True)
        self.not_served_grade.clear()
        self.not_served_grade.addItem(self.tr("全部等级"), None)
        for grade in grades:
            self.not_served_grade.addItem(grade, grade)
        self.not_served_grade.setCurrentIndex(max(self.not_served_grade.findData(current), 0))
        self.not_served_grade.blockSignals(False)

    def apply(self) -> None:
        """Rebuild the lists' queries from the filters (and the signed-in user)."""
        self._timer.stop()
        self.plan_model.set_query(self._plan_query())
        self.record_model.set_query(self._record_query())
        self.report_model.set_query(self._report_query())
        if self._not_served_loaded:
            self.not_served_model.set_query(self._not_served_query())

    def refresh(self) -> None:
        self.plan_model.refresh()
        self.record_model.refresh()
        self.report_model.refresh()
        if self._not_served_loaded:
            self.not_served_model.refresh()

    def _tab_shown(self, index: int) -> None:
        # 服务不到位 reads every customer's service history: only when first looked at.
        if index == NOT_SERVED_TAB and not self._not_served_loaded:
            self._not_served_loaded = True
            self.not_served_model.set_query(self._not_served_query())

    def _selected(self, table: QTableView, model: ListModel) -> int | None:
        index = table.currentIndex()
        return model.row_id(index.row()) if index.isValid() else None

    def _say(self, text: str) -> None:
        self.status_label.setText(text)

    # ============================================================= acts

    def generate_week(self) -> None:
        """定期回访 plans for this week, in a worker (a million customers take seconds)."""
        monday, _sunday = revisits.week_of(date.today())

        def job(session: Session, actor: User, _control: object) -> int:
            return revisits.generate_routine_plans(session, actor, monday)

        def done(made: int) -> None:
            self._say(
                self.tr("已生成本周（{monday} 起）定期回访计划 {count} 条")
                .replace("{monday}", f"{monday:%m-%d}")
                .replace("{count}", str(made))
            )
            self.plan_model.refresh()

        run_job(self, self._context, self.tr("生成定期回访计划"), job, done)

    def new_plan(self, customer_id: int | None = None) -> None:
        dialog = PlanDialog(self._context, customer_id, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._say(dialog.outcome)
            self.plan_model.refresh()

    def record_selected_plan(self) -> None:
        plan_id = self._selected(self.plan_table, self.plan_model)
        if plan_id is None:
            self._say(self.tr("请先在列表中选中一条回访计划"))
            return
        row = self.plan_table.currentIndex().row()
        if self.plan_model.row_value(row, "state") != revisits.PLANNED:
            self._say(self.tr("这条计划已完成或已取消"))
            return
        self.record_revisit(plan_id=plan_id)

    def record_revisit(
        self,
        customer_id: int | None = None,
        plan_id: int | None = None,
        complaint_id: int | None = None,
    ) -> RevisitDialog:
        dialog = RevisitDialog(
            self._context, complaint_id=complaint_id, customer_id=customer_id, plan_id=plan_id,
            parent=self,
        )  # fmt: skip
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._say(dialog.outcome)
        return dialog

    def cancel_selected_plan(self) -> None:
        plan_id = self._selected(self.plan_table, self.plan_model)
        if plan_id is None:
            self._say(self.tr("请先在列表中选中一条回访计划"))
            return
        reason, ok = QInputDialog.getText(
            self, self.tr("取消回访计划"), self.tr("取消的原因（必填）：")
        )
        if not ok:
            return
        done = run_service(
            self,
            self._context,
            lambda session, actor: revisits.cancel_plan(session, actor, plan_id, reason).id,
            refusal_title=self.tr("无法取消计划"),
        )
        if done is not FAILED:
            self._say(self.tr("回访计划已取消"))
            self.plan_model.refresh()

    def reschedule_selected_plan(self) -> None:
        """改期 of the selected plan (new day and reason in RescheduleDialog)."""
        plan_id = self._selected(self.plan_table, self.plan_model)
        if plan_id is None:
            self._say(self.tr("请先在列表中选中一条回访计划"))
            return
        row = self.plan_table.currentIndex().row()
        if self.plan_model.row_value(row, "state") != revisits.PLANNED:
            self._say(self.tr("这条计划已完成或已取消，不能改期"))
            return
        dialog = RescheduleDialog(self._context, plan_id, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._say(dialog.outcome)
            self.plan_model.refresh()

    def open_selected_record(self) -> None:
        revisit_id = self._selected(self.record_table, self.record_model)
        if revisit_id is None:
            self._say(self.tr("请先在列表中选中一条回访记录"))
            return
        self.open_record(revisit_id)

    def open_record(self, revisit_id: int) -> RevisitDialog:
        dialog = RevisitDialog(self._context, parent=self, revisit_id=revisit_id)
        dialog.exec()
        return dialog

    def record_for_not_served(self) -> None:
        customer_id = self._selected(self.not_served_table, self.not_served_model)
        if customer_id is None:
            self._say(self.tr("请先在列表中选中一个客户"))
            return
        self.record_revisit(customer_id=customer_id)

    def open_not_served_customer(self) -> None:
        customer_id = self._selected(self.not_served_table, self.not_served_model)
        if customer_id is not None:
            self.sig_open_customer.emit(customer_id)

    def show_tab(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)

    def counting(self) -> bool:
        """Whether a list is still being counted (in a worker thread)."""
        models = (self.plan_model, self.record_model, self.report_model, self.not_served_model)
        return any(m.counting() for m in models)


# ------------------------------------------------------------------ 新建计划


class PlanDialog(QDialog):
    """客户回访计划: one plan for a customer (planned day, kind, purpose, method, place,
    content, who goes)."""

    def __init__(
        self, context: AppContext, customer_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("revisitPlanDialog")
        self.setWindowTitle(self.tr("新建回访计划"))
        self._context = context
        self._customer_id = customer_id
        self.outcome = ""
        self.errors: dict[str, QLabel] = {}
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._find)

        self.customer_search = QLineEdit(self)
        self.customer_search.setObjectName("planCustomerSearch")
        self.customer_search.setPlaceholderText(self.tr("输入客户名称、拼音或电话查找"))
        self.customer_search.textChanged.connect(lambda _text: self._timer.start())
        self.customer_choice = QComboBox(self)
        self.customer_choice.setObjectName("planCustomerChoice")
        self.customer_choice.setMinimumContentsLength(24)
        self.planned_on = QDateEdit(QDate.currentDate(), self)
        self.planned_on.setObjectName("planDate")
        self.planned_on.setDisplayFormat(DATE_FORMAT)
        self.planned_on.setCalendarPopup(True)
        self.planned_on.setMinimumDate(QDate.currentDate())
        self.kind = QComboBox(self)
        self.kind.setObjectName("planKind")
        for kind in revisits.KINDS:
            if kind != revisits.KIND_COMPLAINT:  # a complaint's revisit is planned from it
                self.kind.addItem(tr_data(kind), kind)
        self.purpose = _combo("planPurpose", self, "", [(tr_data(p), p) for p in revisits.PURPOSES])
        self.method = _combo("planMethod", self, "", [(tr_data(m), m) for m in revisits.METHODS])
        self.place = QLineEdit(self)
        self.place.setObjectName("planPlace")
        self.place.setMaxLength(200)
        self.content = QPlainTextEdit(self)
        self.content.setObjectName("planContent")
        self.content.setTabChangesFocus(True)
        self.content.setFixedHeight(self.content.fontMetrics().lineSpacing() * 3 + 14)
        self.assigned = QComboBox(self)
        self.assigned.setObjectName("planAssigned")

        form = QFormLayout()
        if customer_id is None:
            picker = QHBoxLayout()
            picker.addWidget(self.customer_search, 1)
            picker.addWidget(self.customer_choice, 2)
            form.addRow(self.tr("客户"), picker)
        else:
            self.customer_search.hide()
            self.customer_choice.hide()
        form.addRow("", self._error("customer_id"))
        for label, widget, key in (
            (self.tr("计划日期"), self.planned_on, "planned_on"),
            (self.tr("回访类型"), self.kind, "kind"),
            (self.tr("目的"), self.purpose, "purpose"),
            (self.tr("方式"), self.method, "method"),
            (self.tr("地点"), self.place, "place"),
            (self.tr("内容"), self.content, "content"),
            (self.tr("回访人"), self.assigned, "assigned_id"),
        ):
            form.addRow(label, widget)
            form.addRow("", self._error(key))
        hint = QLabel(self.tr("回访人不填时为该客户的客户经理"), self)
        hint.setStyleSheet(f"color: {HELP_COLOR};")
        form.addRow("", hint)
        self.summary = error_label(self, "planErrors")
        save = plain_button(self, self.tr("保存"), "planSave")
        save.clicked.connect(self.save)
        cancel = plain_button(self, self.tr("取消"), "planCancel")
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(save)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)

        with context.session() as session:
            people = [(u.id, u.name) for u in staff.staff_list(session)]
        _fill_staff(self.assigned, people, self.tr("（客户经理）"))

    def _error(self, key: str) -> QLabel:
        label = error_label(self, f"planError_{key}")
        self.errors[key] = label
        return label

    def _find(self) -> None:
        text = self.customer_search.text().strip()
        self.customer_choice.clear()
        if not text:
            return

        def find(session: Session, actor: User) -> list[tuple[int, str, str]]:
            query = customer_query(session, actor, text)
            return [(row[0], row[1], row[2]) for row in query.page(session, 0, 30)]

        found = run_service(self, self._context, find)
        if found is FAILED:
            return
        for customer_id, code, name in found:
            self.customer_choice.addItem(f"{code} {name}", customer_id)

    def values(self) -> dict[str, object]:
        day = self.planned_on.date()
        return {
            "customer_id": self._customer_id or self.customer_choice.currentData(),
            "planned_on": date(day.year(), day.month(), day.day()),
            "kind": self.kind.currentData(),
            "purpose": self.purpose.currentData(),
            "method": self.method.currentData(),
            "place": self.place.text().strip(),
            "content": self.content.toPlainText().strip(),
            "assigned_id": self.assigned.currentData(),
        }

    def save(self) -> bool:
        for label in (*self.errors.values(), self.summary):
            label.hide()
        values = self.values()

        def plan(session: Session, actor: User) -> str:
            made = revisits.plan_revisit(session, actor, values)
            return f"已新建 {made.planned_on:%Y-%m-%d} 对 {made.customer.name} 的回访计划"

        saved = run_service(self, self._context, plan, on_invalid=self._show_invalid)
        if saved is FAILED:
            return False
        self.outcome = saved
        self.accept()
        return True

    def _show_invalid(self, error: ValidationError) -> None:
        elsewhere = []
        for problem in error.problems:
            label = self.errors.get(problem.field)
            if label is None:
                elsewhere.append(problem.message)
            else:
                label.setText(problem.message)
                label.show()
        if elsewhere:
            self.summary.setText("\n".join(elsewhere))
            self.summary.show()


def _write_file(target: str, data: bytes) -> None:
    """Beside the target first, then renamed: a failure never leaves half a workbook."""
    temporary = f"{target}.part"
    try:
        Path(temporary).write_bytes(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# ------------------------------------------------------------------ 改期


class RescheduleDialog(QDialog):
    """改期: a plan still 计划 moves to another day, with the reason (both required)."""

    def __init__(self, context: AppContext, plan_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("planRescheduleDialog")
        self.setWindowTitle(self.tr("回访计划改期"))
        self._context = context
        self._plan_id = plan_id
        self.outcome = ""
        self.errors: dict[str, QLabel] = {}

        self.header = QLabel(self, objectName="planRescheduleHeader")
        self.header.setWordWrap(True)
        self.planned_on = QDateEdit(QDate.currentDate(), self)
        self.planned_on.setObjectName("planRescheduleDate")
        self.planned_on.setDisplayFormat(DATE_FORMAT)
        self.planned_on.setCalendarPopup(True)
        self.planned_on.setMinimumDate(QDate.currentDate())
        self.reason = QPlainTextEdit(self)
        self.reason.setObjectName("planRescheduleReason")
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText(self.tr("例如：客户临时外出，约定改日拜访"))
        self.reason.setFixedHeight(self.reason.fontMetrics().lineSpacing() * 3 + 14)
        form = QFormLayout()
        form.addRow(self.tr("新的计划日期"), self.planned_on)
        form.addRow("", self._error("planned_on"))
        form.addRow(self.tr("改期原因"), self.reason)
        form.addRow("", self._error("reschedule_reason"))
        self.summary = error_label(self, "planRescheduleErrors")
        save = plain_button(self, self.tr("保存"), "planRescheduleSave")
        save.clicked.connect(self.save)
        cancel = plain_button(self, self.tr("取消"), "planRescheduleCancel")
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(save)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)

        def read(session: Session, actor: User) -> dict[str, Any]:
            plan = revisits.get_plan(session, actor, plan_id, "edit")
            return {
                "customer": plan.customer.name,
                "planned_on": plan.planned_on,
                "count": plan.reschedule_count or 0,
                "original": plan.original_planned_on,
            }

        found = run_service(self, context, read, refusal_title=self.tr("无法改期"))
        if found is FAILED:
            save.setEnabled(False)
            QTimer.singleShot(0, self.reject)
            return
        text = (
            self.tr("客户：{customer}　现计划日期：{day}")
            .replace("{customer}", found["customer"])
            .replace("{day}", f"{found['planned_on']:%Y-%m-%d}")
        )
        if found["count"]:
            text += (
                self.tr("（已改期 {count} 次，原定 {original}）")
                .replace("{count}", str(found["count"]))
                .replace("{original}", f"{found['original']:%Y-%m-%d}" if found["original"] else "")
            )
        self.header.setText(text)
        day = max(found["planned_on"], date.today())
        self.planned_on.setDate(QDate(day.year, day.month, day.day))

    def _error(self, key: str) -> QLabel:
        label = error_label(self, f"planRescheduleError_{key}")
        self.errors[key] = label
        return label

    def values(self) -> tuple[date, str]:
        day = self.planned_on.date()
        return date(day.year(), day.month(), day.day()), self.reason.toPlainText().strip()

    def save(self) -> bool:
        for label in (*self.errors.values(), self.summary):
            label.hide()
        day, reason = self.values()
        plan_id = self._plan_id

        def move(session: Session, actor: User) -> str:
            plan = revisits.reschedule_plan(session, actor, plan_id, day, reason)
            return (
                f"已把对 {plan.customer.name} 的回访计划改到 {plan.planned_on:%Y-%m-%d}"
                f"（第 {plan.reschedule_count} 次改期）"
            )

        saved = run_service(
            self, self._context, move, on_invalid=self._show_invalid,
            refusal_title=self.tr("无法改期"),
        )  # fmt: skip
        if saved is FAILED:
            return False
        self.outcome = saved
        self.accept()
        return True

    def _show_invalid(self, error: ValidationError) -> None:
        elsewhere = []
        for problem in error.problems:
            label = self.errors.get(problem.field)
            if label is None:
                elsewhere.append(problem.message)
            else:
                label.setText(problem.message)
                label.show()
        if elsewhere:
            self.summary.setText("\n".join(elsewhere))
            self.summary.show()
