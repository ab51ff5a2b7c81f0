"""回访报告: the 客户回访报告表 to write, overdue (in red) and to review; a report opens on the
revisit's 回访报告 tab and prints from here."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QWidget
from sqlalchemy.orm import Session

from desktop_crm.models import User
from desktop_crm.services import revisit_reports
from desktop_crm.services.listing import ListQuery, ListSpec
from desktop_crm.views.context import AppContext
from desktop_crm.views.customers.card_widgets import help_note, plain_button, tr_data

from .revisit_dialog import RevisitDialog
from .tab_base import ListTab

log = logging.getLogger(__name__)


class ReportsTab(ListTab):
    """回访报告 by 我的待写 / 逾期未写 / 待审阅 / 全部, newest revisit first."""

    DESCENDING = True

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.report_filter = QComboBox(self)
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
        self._dates_and_search(
            ("revisitReportFrom", "revisitReportTo", "revisitReportSearch"),
            self.tr("回访编号、投诉编号、客户名称或拼音"),
        )
        self._watch((self.report_filter,))

        self.open_report_button = plain_button(self, self.tr("填写/审阅报告…"), "revisitReportOpen")
        self.open_report_button.clicked.connect(self.open_selected_report)
        self.print_report_button = plain_button(self, self.tr("打印报告…"), "revisitReportPrint")
        self.print_report_button.clicked.connect(self.print_selected_report)
        self._make_list(
            "revisitReportTable", "revisitReportCount", self.tr("共 {0} 份"),
            1, Qt.SortOrder.DescendingOrder,
            red_when=("report_state", lambda state: state == revisit_reports.OVERDUE),
        )  # fmt: skip
        self._open_on_activate(self.open_selected_report)

        hint = help_note(
            self,
            self.tr(
                "客户回访报告表：回访人于回访次一工作日填写（过程与结果概述、评价），"
                "客户服务主管审阅并写指导意见；逾期未写的以红色显示。"
            ),
        )
        hint.setObjectName("revisitReportHint")
        hint.setWordWrap(True)
        self._lay_out(
            (self.report_filter,),
            self.tr("回访日期从"),
            (self.open_report_button, self.print_report_button),
            hint,
        )

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

    def list_spec(self) -> ListSpec:
        return revisit_reports.report_list_spec(date.today())

    def build_query(self, session: Session, actor: User, **common: Any) -> ListQuery:
        return revisit_reports.report_query(
            session,
            actor,
            self.report_filter.currentData() or revisit_reports.FILTER_ALL,
            **common,
        )

    def open_selected_report(self) -> None:
        revisit_id = self.selected_id(self.tr("请先在列表中选中一份回访报告"))
        if revisit_id is not None:
            self.open_report(revisit_id)

    def open_report(self, revisit_id: int) -> RevisitDialog:
        """The revisit on its 回访报告 tab; the list is read again afterwards."""
        dialog = RevisitDialog(self._context, parent=self, revisit_id=revisit_id, show_report=True)
        dialog.exec()
        self.model.refresh()
        return dialog

    def print_selected_report(self) -> None:
        from desktop_crm import documents

        self._print_selected(
            self.tr("请先在列表中选中一份回访报告"),
            documents.revisit_report_pdf,
            documents.revisit_report_xlsx,
            revisit_reports.REPORT_TITLE,
            "number",
        )
