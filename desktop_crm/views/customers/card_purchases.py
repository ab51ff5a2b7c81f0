"""年度购货 tab of the 客户资料管理卡: tons and amount per year, entered or corrected by year."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop_crm.models import User
from desktop_crm.services import customers
from desktop_crm.services.errors import ValidationError
from desktop_crm.views.context import AppContext
from desktop_crm.views.customers.card_widgets import (
    error_label,
    list_table,
    money_text,
    plain_button,
    read_only_item,
)
from desktop_crm.views.service_call import FAILED, run_service

PurchaseRow = tuple[int, Decimal | None, Decimal | None]


class PurchasesTab(QWidget):
    """A year's purchase is saved at once, apart from the card; `sig_changed(status)` says so."""

    sig_changed = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._customer_id: int | None = None
        self.table = list_table(
            self,
            "purchaseTable",
            [self.tr("年度"), self.tr("购货量（吨）"), self.tr("购货金额（元）")],
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._row_selected)

        box = self.input_box = QGroupBox(self.tr("录入或更正某年度购货"), self)
        self.year_spin = QSpinBox(box)
        self.year_spin.setObjectName("purchaseYear")
        self.year_spin.setRange(1990, 2100)
        self.year_spin.setValue(date.today().year)
        self.tons_edit = QLineEdit(box)
        self.tons_edit.setObjectName("purchaseTons")
        self.tons_edit.setPlaceholderText(self.tr("吨"))
        self.amount_edit = QLineEdit(box)
        self.amount_edit.setObjectName("purchaseAmount")
        self.amount_edit.setPlaceholderText(self.tr("元"))
        self.save_button = plain_button(box, self.tr("保存该年度"), "purchaseSave")
        self.save_button.clicked.connect(self._save_purchase)
        self.error = error_label(box, "purchaseError", word_wrap=False)
        row = QHBoxLayout(box)
        row.addWidget(QLabel(self.tr("年度"), box))
        row.addWidget(self.year_spin)
        row.addSpacing(12)
        row.addWidget(QLabel(self.tr("购货量（吨）"), box))
        row.addWidget(self.tons_edit, 1)
        row.addSpacing(12)
        row.addWidget(QLabel(self.tr("购货金额（元）"), box))
        row.addWidget(self.amount_edit, 1)
        row.addSpacing(12)
        row.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(box)
        layout.addWidget(self.error)

    def load(self, customer_id: int | None) -> bool:
        """Show the customer's purchases; False (after saying why) when they cannot be read."""
        self._customer_id = customer_id
        if customer_id is None:
            self.table.setRowCount(0)
            return True

        def read(session: Session, actor: User) -> list[PurchaseRow]:
            customer = customers.get_customer(session, actor, customer_id)
            return [(p.year, p.tons, p.amount) for p in customer.purchases]

        rows = run_service(self, self._context, read)
        if rows is FAILED:
            return False
        self.table.setRowCount(len(rows))
        for row, (year, tons, amount) in enumerate(rows):
            self.table.setItem(row, 0, read_only_item(year, year))
            self.table.setItem(row, 1, read_only_item(money_text(tons), tons, align_right=True))
            self.table.setItem(row, 2, read_only_item(money_text(amount), amount, align_right=True))
        return True

    def _row_selected(self) -> None:
        """Picking a year fills the form with it, ready to be corrected."""
        row = self.table.currentRow()
        if row < 0 or not self.table.selectedItems():
            return
        year = self.table.item(row, 0).data(Qt.ItemDataRole.UserRole)
        tons = self.table.item(row, 1).data(Qt.ItemDataRole.UserRole)
        amount = self.table.item(row, 2).data(Qt.ItemDataRole.UserRole)
        self.year_spin.setValue(int(year))
        self.tons_edit.setText("" if tons is None else str(tons))
        self.amount_edit.setText("" if amount is None else str(amount))

    def _save_purchase(self) -> None:
        customer_id = self._customer_id
        if customer_id is None:
            return
        self.error.hide()
        year = self.year_spin.value()

        def save(session: Session, actor: User) -> None:
            customers.set_purchase(
                session,
                actor,
                customer_id,
                year,
                self.tons_edit.text().strip(),
                self.amount_edit.text().strip(),
            )

        if run_service(self, self._context, save, on_invalid=self._show_invalid) is FAILED:
            return
        self.sig_changed.emit(self.tr("{year} 年购货已保存").format(year=year))

    def _show_invalid(self, error: ValidationError) -> None:
        self.error.setText(error.message)
        self.error.show()
