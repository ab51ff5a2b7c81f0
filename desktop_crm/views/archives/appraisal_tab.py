"""鉴定销毁: what is due for appraisal as of a day, an appraisal batch with 销毁 / 延长 per
volume, the destruction request and its carrying out with two 监销人, date, place and
method, and the 档案销毁清册 (issue 6, Appraisal and destruction)."""

from __future__ import annotations

import time
from datetime import date

from PySide6.QtCore import QTimer
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
from desktop_crm.services.archives import PENDING_APPRAISAL
from desktop_crm.views.widgets import date_edit

from ..context import AppContext
from ..service_call import FAILED, run_service
from .receipts_tab import HELP_STYLE, FieldProblems, _item, fit_columns

DUE_HEADERS = ("档号", "题名", "年度", "鉴定意见", "延长为", "理由")
BATCH_HEADERS = ("批次号", "状态", "案卷", "审批", "监销人", "销毁日期")


class DestructionDialog(QDialog):
    """执行销毁: two different 监销人, the date, place and method."""

    def __init__(
        self,
        context: AppContext,
        destruction_id: int,
        parent: QWidget,
        version: int | None = None,
        batch: archive_appraisal.DestructionRegister | None = None,
    ) -> None:
        super().__init__(parent, objectName="destructionDialog")
        self.setWindowTitle(self.tr("执行销毁") + (f" {batch.batch_no}" if batch else ""))
        self._context = context
        self._id = destruction_id
        self._version = version
        self.supervisors = [QComboBox(objectName=f"destructionSupervisor{i}") for i in (1, 2)]
        with context.session() as session:
            for user in staff.staff_list(session):
                for combo in self.supervisors:
                    combo.addItem(user.name, user.id)
        # two different people from the start: the same name twice is always refused
        self.supervisors[1].setCurrentIndex(min(1, self.supervisors[1].count() - 1))
        self.destroyed_on = date_edit(None, "destructionDate", date.today())
        self.destroyed_on.setCalendarPopup(True)
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
        if batch is not None:  # what is about to be destroyed, before the names are given
            titles = "、".join(row.title for row in batch.rows[:3])
            more = self.tr(" 等") if len(batch.rows) > 3 else ""
            heading = QLabel(
                self.tr("批次 %s：%d 卷，共 %d 页（%s%s）")
                % (batch.batch_no, len(batch.rows), batch.total_pages, titles, more),
                objectName="destructionSummary",
            )
            heading.setWordWrap(True)
            form.addRow(heading)
        add = self.problems.add_row
        add(form, "supervisor1_id", self.tr("监销人（一）"), self.supervisors[0])
        add(form, "supervisor2_id", self.tr("监销人（二）"), self.supervisors[1])
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
        destruction_id, version = self._id, self._version

        def work(session, actor):  # noqa: ANN001, ANN202
            archive_appraisal.carry_out_destruction(
                session, actor, destruction_id, ids, day, place, method, version
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
        self.batch_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.batch_table.horizontalHeader().setStretchLastSection(True)
        self.batch_table.itemSelectionChanged.connect(self._update_buttons)
        self.message = QLabel(objectName="appraisalMessage")  # what was done
        self.message.setStyleSheet(HELP_STYLE)
        self.message.setWordWrap(True)
        self.problems = FieldProblems(self, "appraisal")
        self.save_button = self._button("保存鉴定结果", "appraisalSave", self.appraise)
        self.request_button = self._button(
            "申请销毁（待鉴定的案卷）", "destructionRequest", self.request
        )
        self.carry_out_button = self._button("执行销毁…", "destructionCarryOut", self.carry_out)
        self.print_button = self._button("打印销毁清册…", "destructionPrint", self.print_register)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("截至")))
        top.addWidget(self.as_of)
        top.addWidget(self.save_button)
        top.addStretch(1)
        top.addWidget(self._button("刷新", "appraisalRefresh", self.reload))
        bottom = QHBoxLayout()
        bottom.addWidget(self.request_button)
        bottom.addWidget(self.carry_out_button)
        bottom.addStretch(1)
        bottom.addWidget(self.print_button)
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
        self._loaded_at = -1.0
        self.apply_rights()
        self._update_buttons()

    def showEvent(self, event) -> None:  # noqa: ANN001, N802
        """The approvals are given on the 审批 page: coming back reads the batches again,
        unless the page has just done so."""
        super().showEvent(event)
        QTimer.singleShot(0, self, self._reload_if_stale)

    def _reload_if_stale(self) -> None:
        if self.isVisible() and time.monotonic() - self._loaded_at > 1.0:
            self.reload()

    def _update_buttons(self) -> None:
        """执行销毁 only an approved batch, 打印 a chosen one; the tooltip says why not."""
        batch = self._selected()
        self.print_button.setEnabled(batch is not None)
        approved = batch is not None and batch.state == archive_appraisal.APPROVED
        self.carry_out_button.setEnabled(approved)
        if batch is None:
            why = self.tr("请先在下面的列表中选中一个销毁批次。")
        elif batch.state == archive_appraisal.REQUESTED:
            why = self.tr("销毁申请尚未审批完：%s") % "；".join(batch.approvers)
        elif not approved:
            why = self.tr("这批销毁%s。") % batch.state
        else:
            why = ""
        self.carry_out_button.setToolTip(why)
        self.print_button.setToolTip(
            self.tr("请先在下面的列表中选中一个销毁批次。") if batch is None else ""
        )

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
        self._loaded_at = time.monotonic()
        chosen = self._selected()
        typed = self._typed_decisions()  # a reread keeps what the keeper chose, unsaved
        rows, periods, self.batches = found
        self.due_ids = [row["id"] for row in rows]
        # emptied first: a cell widget replaced in place stays on screen (and in the way)
        self.due.setRowCount(0)
        self.due.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for column, key in enumerate(("number", "title", "year")):
                self.due.setItem(r, column, _item(row.get(key)))
            if row.get("state") == PENDING_APPRAISAL:  # appraised 销毁: waits for destruction
                self.due.setItem(r, 3, _item(self.tr("已鉴定为销毁")))
                self.due.setItem(r, 4, _item(""))
                self.due.setItem(r, 5, _item(self.tr("待申请或执行销毁")))
                continue
            decision = QComboBox()
            decision.addItems(["", *archive_appraisal.DECISIONS])
            self.due.setCellWidget(r, 3, decision)
            period = QComboBox()
            for name, code in periods:
                period.addItem(name, code)
            period.setEnabled(False)  # a new period only for 延长
            decision.currentTextChanged.connect(
                lambda text, p=period: p.setEnabled(text == archive_appraisal.EXTEND)
            )
            self.due.setCellWidget(r, 4, period)
            self.due.setItem(r, 5, QTableWidgetItem(""))
            if row["id"] in typed:
                self.decide(r, *typed[row["id"]])
        fit_columns(self.due, (26, 20, 5, 7, 8))
        self.batch_table.setRowCount(len(self.batches))
        for r, batch in enumerate(self.batches):
            values = (
                batch.batch_no, batch.state, len(batch.rows), "；".join(batch.approvers),
                "、".join(batch.supervisors), batch.destroyed_on,
            )  # fmt: skip
            for column, value in enumerate(values):
                self.batch_table.setItem(r, column, _item(value))
        fit_columns(self.batch_table, (10, 6, 4, 30, 10, 10))
        for r, batch in enumerate(self.batches):  # the same batch stays chosen
            if chosen is not None and batch.id == chosen.id:
                self.batch_table.selectRow(r)
        self._update_buttons()

    def _typed_decisions(self) -> dict[int, tuple[str, str, str | None]]:
        """{volume id: (decision, reason, period code)} as chosen on screen, not saved."""
        typed = {}
        for r, volume_id in enumerate(self.due_ids[: self.due.rowCount()]):
            decision, period = self.due.cellWidget(r, 3), self.due.cellWidget(r, 4)
            reason = self.due.item(r, 5).text() if self.due.item(r, 5) else ""
            if decision is not None and (decision.currentText() or reason):
                typed[volume_id] = (decision.currentText(), reason, period.currentData())
        return typed

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
            chosen = self.due.cellWidget(r, 3)
            decision = chosen.currentText() if chosen is not None else ""
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
        dialog = DestructionDialog(self._context, batch.id, self, batch.version, batch)
        done = self.tr("已执行销毁 %s，案卷在台账中标为已销毁。") % batch.batch_no
        dialog.accepted.connect(lambda: self.message.setText(done))
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
