"""客户移交: all customers of one staff member go to another in one step (DOMAIN §1).

Each customer's history records the change of 客户经理 with the reason.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop_crm.models import User
from desktop_crm.services import customers, staff
from desktop_crm.views import messages
from desktop_crm.views.context import AppContext
from desktop_crm.views.service_call import FAILED, run_service

REASONS = ("离职", "调岗", "工作调整", "服务不到位")


class ReassignDialog(QDialog):
    """Pick the giver (any staff, with their customer count) and an active receiver."""

    def __init__(
        self,
        context: AppContext,
        from_user_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reassignDialog")
        self.setWindowTitle(self.tr("客户移交"))
        self._context = context
        self._rows: list[staff.StaffRow] = []
        self.moved: int | None = None

        self.from_combo = QComboBox(self)
        self.from_combo.setObjectName("fromCombo")
        self.to_combo = QComboBox(self)
        self.to_combo.setObjectName("toCombo")
        self.reason_combo = QComboBox(self)
        self.reason_combo.setObjectName("reasonCombo")
        self.reason_combo.setEditable(True)
        self.reason_combo.addItems([self.tr(reason) for reason in REASONS])
        self.reason_combo.setCurrentIndex(-1)
        self.reason_combo.lineEdit().setPlaceholderText(self.tr("如：离职、调岗"))
        self.reason_combo.lineEdit().setMaxLength(60)
        for combo in (self.from_combo, self.to_combo, self.reason_combo):
            combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            combo.setMinimumContentsLength(12)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("countLabel")
        font = self.count_label.font()
        font.setBold(True)
        self.count_label.setFont(font)
        note = QLabel(
            self.tr("移交会记入每个客户的档案变更记录。请通知客户新的联系人，并交接相关档案。"),
            self,
        )
        note.setWordWrap(True)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(self.tr("移交人："), self.from_combo)
        form.addRow(self.tr("接收人："), self.to_combo)
        form.addRow(self.tr("原因："), self.reason_combo)
        form.addRow("", self.count_label)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("移交"))
        self.ok_button.setObjectName("reassignButton")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.reassign)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

        self.from_combo.currentIndexChanged.connect(self._from_changed)
        self.to_combo.currentIndexChanged.connect(self._update)
        self._load(from_user_id)

    def _load(self, from_user_id: int | None) -> None:
        rows = run_service(self, self._context, lambda s, a: staff.staff_rows(s))
        if rows is FAILED:
            self.ok_button.setEnabled(False)
            return
        # Those with customers first: they are the ones anyone hands over.
        self._rows = sorted(rows, key=lambda r: r.customers == 0)
        self.from_combo.blockSignals(True)
        for row in self._rows:
            label = self.tr("{name}（{count} 个客户）").format(name=row.name, count=row.customers)
            if row.department:
                label = f"{label} — {row.department}"
            if not row.active:
                label += self.tr(" [停用]")
            self.from_combo.addItem(label, row.id)
        self.from_combo.blockSignals(False)
        index = self.from_combo.findData(from_user_id) if from_user_id is not None else 0
        self.from_combo.setCurrentIndex(max(0, index))
        preselected = self._row(from_user_id)
        if preselected is not None and not preselected.active:
            self.reason_combo.setCurrentText(self.tr("离职"))
        self._from_changed()

    def _row(self, user_id: int | None) -> staff.StaffRow | None:
        return next((r for r in self._rows if r.id == user_id), None)

    def _from_changed(self) -> None:
        from_id = self.from_combo.currentData()
        keep = self.to_combo.currentData()
        self.to_combo.blockSignals(True)
        self.to_combo.clear()
        for row in self._rows:
            if row.active and row.id != from_id:
                label = row.name if not row.department else f"{row.name} — {row.department}"
                self.to_combo.addItem(label, row.id)
        self.to_combo.setCurrentIndex(self.to_combo.findData(keep) if keep is not None else -1)
        self.to_combo.blockSignals(False)
        self._update()

    def customer_count(self) -> int:
        row = self._row(self.from_combo.currentData())
        return row.customers if row else 0

    def select_from(self, user_id: int) -> None:
        self.from_combo.setCurrentIndex(self.from_combo.findData(user_id))

    def select_to(self, user_id: int) -> None:
        self.to_combo.setCurrentIndex(self.to_combo.findData(user_id))

    def _update(self) -> None:
        count = self.customer_count()
        if self.to_combo.count() == 0:
            self.count_label.setText(self.tr("没有可以接收客户的在职人员。"))
        else:
            self.count_label.setText(self.tr("将移交 {count} 个客户").format(count=count))
        self.ok_button.setEnabled(count > 0 and self.to_combo.currentData() is not None)

    def reassign(self) -> None:
        source = self._row(self.from_combo.currentData())
        target = self._row(self.to_combo.currentData())
        if source is None or target is None:
            return
        reason = self.reason_combo.currentText().strip() or None
        if not messages.confirm(
            self,
            self.tr("客户移交"),
            self.tr("把 {source} 的 {count} 个客户移交给 {target}？").format(
                source=source.name, count=source.customers, target=target.name
            ),
        ):
            return

        def move(session: Session, actor: User) -> int:
            return customers.reassign_customers(session, actor, source.id, target.id, reason)

        moved = run_service(self, self._context, move)
        if moved is FAILED:
            return
        self.moved = moved
        self._context.hub.sig_customers_changed.emit()
        QMessageBox.information(
            self,
            self.tr("客户移交"),
            self.tr("已把 {count} 个客户从 {source} 移交给 {target}。").format(
                count=moved, source=source.name, target=target.name
            ),
        )
        self.accept()
