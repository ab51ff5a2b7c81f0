"""回访记录: every revisit recorded, by kind, satisfaction, day and search; unsatisfied ones
in red. A record opens read-only; 记录回访 records a new one."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from desktop_crm.models import User
from desktop_crm.services import revisits
from desktop_crm.services.listing import ListQuery, ListSpec
from desktop_crm.views.context import AppContext
from desktop_crm.views.customers.card_widgets import plain_button, tr_data

from ..widgets import filter_combo
from .revisit_dialog import RevisitDialog
from .tab_base import ListTab


class RecordsTab(ListTab):
    """回访记录, newest first."""

    DESCENDING = True

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.record_kind = filter_combo(
            "revisitKindFilter",
            self,
            self.tr("全部类型"),
            [(tr_data(k), k) for k in revisits.KINDS],
        )
        self.record_satisfaction = filter_combo(
            "revisitSatisfactionFilter", self, self.tr("全部满意度"),
            [(tr_data(level), level) for level in revisits.SATISFACTION_LEVELS]
            + [(tr_data(revisits.UNSATISFIED_FILTER), revisits.UNSATISFIED_FILTER)],
        )  # fmt: skip
        self._dates_and_search(
            ("revisitFrom", "revisitTo", "revisitSearch"),
            self.tr("回访编号、投诉编号、客户名称或拼音"),
        )
        self._watch((self.record_kind, self.record_satisfaction))

        self.new_record_button = plain_button(self, self.tr("记录回访…"), "revisitNew")
        self.new_record_button.clicked.connect(lambda: self.record_revisit())
        self.open_record_button = plain_button(self, self.tr("查看…"), "revisitOpen")
        self.open_record_button.clicked.connect(self.open_selected_record)
        self._make_list(
            "revisitTable", "revisitCount", self.tr("共 {0} 条回访记录"),
            1, Qt.SortOrder.DescendingOrder,
            red_when=("satisfaction", lambda level: level in revisits.UNSATISFIED),
        )  # fmt: skip
        self._open_on_activate(self.open_selected_record)

        self._lay_out(
            (self.record_kind, self.record_satisfaction),
            self.tr("回访日期从"),
            (self.new_record_button, self.open_record_button),
        )

    def list_spec(self) -> ListSpec:
        return revisits.REVISIT_LIST

    def build_query(self, session: Session, actor: User, **common: Any) -> ListQuery:
        return revisits.revisit_query(
            session,
            actor,
            kind=self.record_kind.currentData(),
            satisfaction=self.record_satisfaction.currentData(),
            **common,
        )

    def open_selected_record(self) -> None:
        revisit_id = self.selected_id(self.tr("请先在列表中选中一条回访记录"))
        if revisit_id is not None:
            self.open_record(revisit_id)

    def open_record(self, revisit_id: int) -> RevisitDialog:
        dialog = RevisitDialog(self._context, parent=self, revisit_id=revisit_id)
        dialog.exec()
        return dialog
