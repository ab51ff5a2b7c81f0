"""回访: the page that puts the five tabs together — 回访计划 (plans_tab), 回访记录
(records_tab), 回访报告 (reports_tab), 回访汇总 (summary_tab) and 服务不到位
(not_served_tab) — with one status line for what was done and the print preview last opened.
Every list is SQL-backed and paged; every act is one service call; the summary and the
printed lists are made in a worker.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from desktop_crm.services import lookups, staff
from desktop_crm.views.context import AppContext
from desktop_crm.views.customers.card_widgets import help_note

from .not_served_tab import NotServedTab
from .plans_tab import PlansTab
from .printing import remember_form
from .records_tab import RecordsTab
from .reports_tab import ReportsTab
from .summary_tab import SummaryTab
from .tab_base import RevisitTab

T = TypeVar("T", bound=RevisitTab)

PLAN_TAB, RECORD_TAB, REPORT_TAB, SUMMARY_TAB, NOT_SERVED_TAB = 0, 1, 2, 3, 4


class RevisitPage(QWidget):
    """回访计划 · 回访记录 · 回访报告 · 回访汇总 · 服务不到位. `sig_open_customer(id)` asks the
    window to open a customer's card (from 服务不到位)."""

    sig_open_customer = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("revisitPage")
        self._context = context
        self.current_form: QWidget | None = None  # a preview opened from the page

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("revisitTabs")
        self.plans_tab = self._add(PlansTab(context, self), self.tr("回访计划"))
        self.records_tab = self._add(RecordsTab(context, self), self.tr("回访记录"))
        self.reports_tab = self._add(ReportsTab(context, self), self.tr("回访报告"))
        self.summary_tab = self._add(SummaryTab(context, self), self.tr("回访汇总"))
        self.not_served_tab = self._add(NotServedTab(context, self), self.tr("服务不到位"))
        self.tabs.currentChanged.connect(lambda index: self.tab(index).on_shown())
        self.not_served_tab.sig_open_customer.connect(self.sig_open_customer)
        self.status_label = help_note(self, "")
        self.status_label.setObjectName("revisitStatus")
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

    def _add(self, tab: T, title: str) -> T:
        self.tabs.addTab(tab, title)
        tab.sig_status.connect(self._say)
        tab.sig_form_opened.connect(lambda preview: remember_form(self, preview))
        return tab

    def tab(self, index: int) -> RevisitTab:
        """The tab at `index` (PLAN_TAB … NOT_SERVED_TAB)."""
        return self.tabs.widget(index)  # type: ignore[return-value]

    def _all_tabs(self) -> list[RevisitTab]:
        return [self.tab(index) for index in range(self.tabs.count())]

    def _fill_filters(self) -> None:
        with self._context.session() as session:
            people = [(u.id, u.name) for u in staff.staff_list(session, active_only=False)]
            grades = lookups.value_names(session, "grade")
        self.plans_tab.set_staff(people)
        self.not_served_tab.set_choices(people, grades)

    def apply(self) -> None:
        """Rebuild the lists' queries from the filters (and the signed-in user)."""
        for tab in self._all_tabs():
            tab.apply()

    def refresh(self) -> None:
        for tab in self._all_tabs():
            tab.refresh()

    def _say(self, text: str) -> None:
        self.status_label.setText(text)

    def show_tab(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)

    def counting(self) -> bool:
        """Whether a list is still being counted (in a worker thread)."""
        return any(tab.counting() for tab in self._all_tabs())
