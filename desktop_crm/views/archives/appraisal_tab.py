"""鉴定销毁: what is due for appraisal as of a day, an appraisal batch with 销毁 / 延长 per
volume, the destruction request and its carrying out with two 监销人, date, place and
method, and the 档案销毁清册 (issue 6, Appraisal and destruction)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.services import (
    archive_appraisal,
    archive_list,
    archive_receipts,
    archive_settings,
    staff,
)
from desktop_crm.views.widgets import date_edit

from ..context import AppContext
from ..service_call import FAILED, run_service
from .receipts_tab import HELP_STYLE, FieldProblems, _item

DUE_HEADERS = ("档号", "题名", "年度", "鉴定意见", "延长为", "理由")
BATCH_HEADERS = ("批次号", "状态", "案卷", "审批", "监销人", "销毁日期")


class DestructionDialog(QDialog):
    """执行销毁: two different 监销人, the date, place and method."""

    def __init__(self, context: AppContext, destruction_id: int, parent: QWidget) -> None:
        super().__init__(parent, objectName="destructionDialog")
        self.setWindowTitle(self.tr("执行销毁"))
        self._context = context
        self._id = destruction_id
        self.supervisors = [QComboBox(objectName=f"destructionSupervisor{i}") for i in (1, 2)]
        with context.session() as session:
            for user in staff.staff_list(session):
                for combo in self.supervisors:
                    combo.addItem(user.name, user.id)
        self.destroyed_on = date_edit(None, "destructionDate", date.today())
        self.place = QLineEdit(objectName="destructionPlace")
        self.method = QComboBox(objectName="destructionMethod")
        self.method.addItems(list(archive_appraisal.METHODS))
        self.problems = FieldProblems(self, "destructionDialog")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("确定"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        add = self.problems.add_row
        add(form, "supervisor1_id", self.tr("监销人"), self.supervisors[0])
        add(form, "supervisor2_id", self.tr("监销人"), self.supervisors[1])
        add(form, "destroyed_on", self.tr("销毁日期"), self.destroyed_on)
        add(form, "place", self.tr("销毁地点"), self.place)
        add(form, "method", self.tr("销毁方式"), self.method)
        form.addRow(self.problems.general)
        form.addRow(buttons)
        self.resize(420, self.sizeHint().height())

    def save(self) -> None:
        ids = [combo.currentData() for combo in self.supervisors]
        day, place, method = (
            self.destroyed_on.date().toPython(),
            self.place.text(),
            self.method.currentText(),
        )
        destruction_id = self._id

        def work(session, actor):  # noqa: ANN001, ANN202
            archive_appraisal.carry_out_destruction(
                session, actor, destruction_id, ids, day, place, method
            )
            return True

        if run_service(self, self._context, work, self.problems.show) is not FAILED:
            self.accept()


class AppraisalTab(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("archiveAppraisal")
        self._context = context
        self.due_ids: list[int] = []
        self.batches: list[archive_appraisal.DestructionRegister] = []
        self.as_of = date_edit(None, "appraisalAsOf", date.today())
        self.as_of.setCalendarPopup(True)
        self.as_of.dateChanged.connect(lambda _d: self.reload())
        self.due = QTableWidget(0, len(DUE_HEADERS), objectName="appraisalDueTable")
        self.due.setHorizontalHeaderLabels([self.tr(h) for h in DUE_HEADERS])
        self.due.horizontalHeader().setStretchLastSection(True)
        self.batch_table = QTableWidget(0, len(BATCH_HEADERS), objectName="destructionTable")
        self.batch_table.setHorizontalHeaderLabels([self.tr(h) for h in BATCH_HEADERS])
        self.batch_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.batch_table.horizontalHeader().setStretchLastSection(True)
        self.message = QLabel(objectName="appraisalMessage")  # what was done
        self.message.setStyleSheet(HELP_STYLE)
        self.message.setWordWrap(True)
        self.problems = FieldProblems(self, "appraisal")
        self.save_button = self._button("保存鉴定结果", "appraisalSave", self.appraise)
        self.request_button = self._button(
            "申请销毁（待鉴定的案卷）", "destructionRequest", self.request
        )
        self.carry_out_button = self._button("执行销毁…", "destructionCarryOut", self.carry_out)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("截至")))
        top.addWidget(self.as_of)
        top.addWidget(self.save_button)
        top.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.request_button)
        bottom.addWidget(self.carry_out_button)
        bottom.addStretch(1)
        bottom.addWidget(self._button("打印销毁清册…", "destructionPrint", self.print_register))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 6, 4, 4)
        layout.addLayout(top)
        layout.addWidget(
            QLabel(self.tr("到期鉴定的案卷：每卷选“销毁”或“延长”（延长要选新的保管期限并写理由）"))
        )
        layout.addWidget(self.due, 2)
        layout.addWidget(self.problems.under("decisions", self.due, "appraised_on"))
        layout.addWidget(self.message)
        layout.addLayout(bottom)
        layout.addWidget(self.problems.under("volume_ids", self.batch_table, "reason"))
        layout.addWidget(self.problems.general)
        layout.addWidget(self.batch_table, 1)
        self.dialog: QDialog | None = None
        self.apply_rights()

    def apply_rights(self) -> None:
        """Appraising and destroying are the archive room's (archives edit / delete over
        全部); the others see the lists only."""
        with self._context.session() as session:
            actor = self._context.actor(session)
            appraiser = archive_receipts.is_keeper(session, actor)
            destroyer = archive_receipts.is_keeper(session, actor, "delete")
        self.save_button.setVisible(appraiser)
        self.request_button.setVisible(destroyer)
        self.carry_out_button.setVisible(destroyer)

    def _button(self, text: str, name: str, slot) -> QPushButton:  # noqa: ANN001
        button = QPushButton(self.tr(text), objectName=name)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def reload(self) -> None:
        day = self.as_of.date().toPython()

        def read(session, actor):  # noqa: ANN001, ANN202
            query = archive_list.due_query(session, actor, day)
            keys = [c.key for c in query.columns]
            rows = [
                dict(zip(keys, r[1:], strict=True)) | {"id": r[0]}
                for r in query.page(session, 0, 500)
            ]
            periods = [(p.name, p.code) for p in archive_settings.periods(session)]
            return rows, periods, archive_appraisal.destructions(session, actor)

        found = run_service(self, self._context, read)
        if found is FAILED:
            return
        rows, periods, self.batches = found
        self.due_ids = [row["id"] for row in rows]
        self.due.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for column, key in enumerate(("number", "title", "year")):
                self.due.setItem(r, column, _item(row.get(key)))
            decision = QComboBox()
            decision.addItems(["", *archive_appraisal.DECISIONS])
            self.due.setCellWidget(r, 3, decision)
            period = QComboBox()
            for name, code in periods:
                period.addItem(name, code)
            self.due.setCellWidget(r, 4, period)
            self.due.setItem(r, 5, QTableWidgetItem(""))
        self.due.resizeColumnsToContents()
        self.batch_table.setRowCount(len(self.batches))
        for r, batch in enumerate(self.batches):
            values = (
                batch.batch_no, batch.state, len(batch.rows), "；".join(batch.approvers),
                "、".join(batch.supervisors), batch.destroyed_on,
            )  # fmt: skip
            for column, value in enumerate(values):
                self.batch_table.setItem(r, column, _item(value))
        self.batch_table.resizeColumnsToContents()

    def decide(
        self, row: int, decision: str, reason: str = "", period_code: str | None = None
    ) -> None:
        self.due.cellWidget(row, 3).setCurrentText(decision)
        if period_code:
            combo = self.due.cellWidget(row, 4)
            combo.setCurrentIndex(combo.findData(period_code))
        self.due.item(row, 5).setText(reason)

    def appraise(self) -> None:
        decisions = []
        for r, volume_id in enumerate(self.due_ids):
            decision = self.due.cellWidget(r, 3).currentText()
            if not decision:
                continue
            entry = {
                "volume_id": volume_id,
                "decision": decision,
                "reason": self.due.item(r, 5).text(),
            }
            if decision == archive_appraisal.EXTEND:
                entry["period_code"] = self.due.cellWidget(r, 4).currentData()
            decisions.append(entry)
        day = self.as_of.date().toPython()

        def work(session, actor):  # noqa: ANN001, ANN202
            return archive_appraisal.create_appraisal(
                session, actor, decisions, appraised_on=day
            ).batch_no

        self.message.clear()
        found = run_service(self, self._context, work, self.problems.show)
        if found is not FAILED:
            self.problems.clear()
            self.message.setText(self.tr("已保存鉴定批次 %s。") % found)
            self.reload()

    def request(self) -> None:
        def work(session, actor):  # noqa: ANN001, ANN202
            ids = [v.id for v in archive_appraisal.awaiting_destruction(session, actor)]
            return archive_appraisal.request_destruction(
                session, actor, ids, "到期档案销毁"
            ).batch_no

        self.message.clear()
        found = run_service(self, self._context, work, self.problems.show)
        if found is not FAILED:
            self.problems.clear()
            self.message.setText(self.tr("已申请销毁 %s，请在审批页审批。") % found)
            self.reload()

    def _selected(self) -> archive_appraisal.DestructionRegister | None:
        row = self.batch_table.currentRow()
        return self.batches[row] if 0 <= row < len(self.batches) else None

    def carry_out(self) -> QDialog | None:
        batch = self._selected()
        if batch is None or not self.carry_out_button.isVisibleTo(self):
            return None
        dialog = DestructionDialog(self._context, batch.id, self)
        dialog.accepted.connect(self.reload)
        self.dialog = dialog
        dialog.open()
        return dialog

    def print_register(self) -> None:
        from desktop_crm import documents

        from ..pdf_preview import preview_form

        batch = self._selected()
        if batch is None:
            return
        number = batch.batch_no
        preview_form(
            self, self._context,
            lambda s, a: documents.archive_destruction_register(s, a, number, True),
            lambda s, a: documents.archive_destruction_register(s, a, number, False),
            self.tr("档案销毁清册"), f"档案销毁清册{number}",
        )  # fmt: skip
