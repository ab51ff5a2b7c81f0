"""服务不到位: customers nobody followed up, revisited or visited for months, to be handed to
another 客户经理. Read only once the tab is first looked at: it reads every customer's
service history."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from desktop_crm.models import User
from desktop_crm.services import revisits, settings
from desktop_crm.services.listing import ListQuery, ListSpec
from desktop_crm.views.context import AppContext
from desktop_crm.views.customers.card_widgets import plain_button

from ..widgets import filter_combo, refill_combo
from .lists import staff_items
from .tab_base import ListTab


class NotServedTab(ListTab):
    """服务不到位 by 客户经理 and grade. `sig_open_customer(id)` asks for a customer's card
    (where the 客户经理 is changed)."""

    sig_open_customer = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.loaded = False
        self.not_served_hint = QLabel(self)
        self.not_served_hint.setObjectName("notServedHint")
        self.not_served_hint.setWordWrap(True)
        self.not_served_owner = filter_combo("notServedOwner", self, self.tr("全部客户经理"), [])
        self.not_served_grade = filter_combo("notServedGrade", self, self.tr("全部等级"), [])
        self._watch((self.not_served_owner, self.not_served_grade))
        self.not_served_record = plain_button(self, self.tr("记录回访…"), "notServedRecord")
        self.not_served_record.clicked.connect(self.record_for_not_served)
        self.not_served_open = plain_button(self, self.tr("打开客户卡片（移交）…"), "notServedOpen")
        self.not_served_open.setToolTip(
            self.tr("在客户卡片中把「客户经理」改为其他人即完成移交，变更会记入客户档案")
        )
        self.not_served_open.clicked.connect(self.open_not_served_customer)
        self._make_list(
            "notServedTable", "notServedCount", self.tr("共 {0} 个客户"),
            1, Qt.SortOrder.AscendingOrder,
            unsortable=revisits.UNSORTABLE_COLUMNS["customers_not_served"],
            query=ListQuery.nothing(revisits.NOT_SERVED_LIST),
        )  # fmt: skip
        self._open_on_activate(self.open_not_served_customer)

        filters = QHBoxLayout()
        filters.addWidget(self.not_served_owner)
        filters.addWidget(self.not_served_grade)
        filters.addWidget(self.not_served_record)
        filters.addWidget(self.not_served_open)
        filters.addStretch(1)
        filters.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addWidget(self.not_served_hint)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)

    def set_choices(self, people: list[tuple[int, str]], grades: list[str]) -> None:
        """The 客户经理 (everyone, past staff too) and the grades to filter by."""
        refill_combo(self.not_served_owner, self.tr("全部客户经理"), staff_items(people))
        refill_combo(self.not_served_grade, self.tr("全部等级"), [(g, g) for g in grades])

    def _show_count(self, text: str, total: int) -> None:
        if self.loaded:  # not "共 0 个客户" before the list was read
            super()._show_count(text, total)

    def on_shown(self) -> None:
        if not self.loaded:
            self.loaded = True
            self.model.set_query(self.list_query())

    def apply(self) -> None:
        if self.loaded:
            super().apply()

    def refresh(self) -> None:
        if self.loaded:
            super().refresh()

    def list_spec(self) -> ListSpec:
        return revisits.NOT_SERVED_LIST

    def build_query(self, session: Session, actor: User, **common: Any) -> ListQuery:
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
            **common,
        )

    def record_for_not_served(self) -> None:
        customer_id = self.selected_id(self.tr("请先在列表中选中一个客户"))
        if customer_id is not None:
            self.record_revisit(customer_id=customer_id)

    def open_not_served_customer(self) -> None:
        customer_id = self.selected_id()
        if customer_id is not None:
            self.sig_open_customer.emit(customer_id)
