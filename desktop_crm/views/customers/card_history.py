"""变更记录 tab of the 客户资料管理卡: who changed what, from which value to which."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QHeaderView, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from desktop_crm.models import User
from desktop_crm.services import customers
from desktop_crm.views.context import AppContext
from desktop_crm.views.customers.card_widgets import datetime_text, list_table, read_only_item
from desktop_crm.views.service_call import FAILED, run_service

ChangeRow = tuple[datetime, str, str, str | None, str | None]


class HistoryTab(QWidget):
    """Read-only: the history is written by the services, never edited here."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.table = list_table(
            self,
            "historyTable",
            [self.tr("时间"), self.tr("人员"), self.tr("项目"), self.tr("原值"), self.tr("新值")],
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)

    def load(self, customer_id: int | None) -> bool:
        """Show the customer's history; False (after saying why) when it cannot be read."""
        if customer_id is None:
            self.table.setRowCount(0)
            return True

        def read(session: Session, actor: User) -> list[ChangeRow]:
            return [
                (c.changed_at, c.user.name if c.user else "", c.field, c.old_value, c.new_value)
                for c in customers.history(session, actor, customer_id)
            ]

        rows = run_service(self, self._context, read)
        if rows is FAILED:
            return False
        self.table.setRowCount(len(rows))
        for row, (when, who, label, old, new) in enumerate(rows):
            for column, text in enumerate((datetime_text(when), who, label, old, new)):
                item = read_only_item(text)
                if column >= 3:
                    item.setToolTip(item.text())  # long values are read here
                self.table.setItem(row, column, item)
        return True
