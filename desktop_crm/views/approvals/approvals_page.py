"""审批: what waits for my decision, what I asked for, what I decided, paper decisions to
record, and the 查看授权 in force. Every act is one service call; the lists are short (open
requests and the latest of one person), so they are plain tables filled in one go.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop_crm.models import User
from desktop_crm.services import approvals, grants
from desktop_crm.services.approvals import ApprovalRow, StepRow
from desktop_crm.services.errors import ValidationError
from desktop_crm.views import messages
from desktop_crm.views.admin.record_table import CENTER, cell, show_records
from desktop_crm.views.context import AppContext
from desktop_crm.views.field_errors import ERROR_STYLE
from desktop_crm.views.service_call import FAILED, run_service
from desktop_crm.views.widgets import date_edit

from .request_dialogs import FormDialog, GrantRequestDialog, line_edit, to_date

PENDING, MINE, DECIDED, PAPER, GRANTS = (
    "pendingApprovals",
    "myRequests",
    "decidedApprovals",
    "paperApprovals",
    "grantsTable",
)


@dataclass(frozen=True)
class PageData:
    """Everything the page shows, read in one session (plain values)."""

    pending: list[ApprovalRow]
    mine: list[ApprovalRow]
    decided: list[ApprovalRow]
    paper: list[ApprovalRow] | None  # None: this user records no paper decisions of others
    grants: list[grants.GrantRow]
    may_revoke: bool


def load_page(session: Session, actor: User, past_grants: bool) -> PageData:
    paper = approvals.paper_pending_for(session, actor)
    return PageData(
        pending=approvals.pending_for(session, actor),
        mine=approvals.requested_by_me(session, actor),
        decided=approvals.decided_by(session, actor),
        paper=paper if paper or approvals.records_paper_for_others(session, actor) else None,
        grants=grants.grants_list(session, actor, include_past=past_grants),
        may_revoke=grants.sees_all_grants(actor),
    )


def _time(value: object) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else ""  # type: ignore[attr-defined]


class ApprovalsPage(QWidget):
    """The 审批 page (objectName `approvalsPage`); `refresh()` reloads every list."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("approvalsPage")
        self._context = context
        self._rows: dict[str, list[ApprovalRow]] = {PENDING: [], MINE: [], DECIDED: [], PAPER: []}
        self._grants: list[grants.GrantRow] = []
        self._may_revoke = False
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("approvalTabs")
        self.tables: dict[str, QTableWidget] = {}
        for name, title in (
            (PENDING, self.tr("待我审批")),
            (MINE, self.tr("我提交的")),
            (DECIDED, self.tr("我审批过的")),
            (PAPER, self.tr("待录入纸质审批")),
        ):
            self.tables[name] = self._approval_table(name)
            self.tabs.addTab(self.tables[name], title)
        self.grants_table = self._grants_table()
        self.tabs.addTab(self._grants_tab(), self.tr("查看授权"))
        self._build_actions()
        self._build()
        self.tabs.currentChanged.connect(lambda _index: self._selection_changed())
        context.hub.sig_customers_changed.connect(self.refresh)
        # a 顾客投诉处理报告表 is asked for from the complaint's record
        context.hub.sig_complaints_changed.connect(self.refresh)
        self.refresh()

    # ------------------------------------------------------------------ layout

    def _approval_table(self, name: str) -> QTableWidget:
        titles = [self.tr(t) for t in ("类型", "事项", "申请人", "提交时间", "状态", "审批步骤")]
        table = QTableWidget(0, len(titles), self)
        table.setObjectName(name)
        table.setHorizontalHeaderLabels(titles)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        table.itemSelectionChanged.connect(self._selection_changed)
        return table

    def _grants_table(self) -> QTableWidget:
        titles = [
            self.tr(t) for t in ("被授权人", "可查看部门", "开始", "结束", "状态", "授权人", "理由")
        ]
        table = QTableWidget(0, len(titles), self)
        table.setObjectName(GRANTS)
        table.setHorizontalHeaderLabels(titles)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        table.itemSelectionChanged.connect(self._selection_changed)
        return table

    def _grants_tab(self) -> QWidget:
        tab = QWidget(self)
        self.past_grants_box = QCheckBox(self.tr("包括已过期和已撤销的"), tab)
        self.past_grants_box.setObjectName("pastGrantsBox")
        self.past_grants_box.toggled.connect(lambda _on: self.refresh())
        self.grant_request_button = QPushButton(self.tr("申请查看授权…"), tab)
        self.grant_request_button.setObjectName("grantRequestButton")
        self.grant_request_button.clicked.connect(self.open_grant_request)
        self.revoke_button = QPushButton(self.tr("撤销授权"), tab)
        self.revoke_button.setObjectName("revokeGrantButton")
        self.revoke_button.clicked.connect(self.revoke_selected_grant)
        row = QHBoxLayout()
        row.addWidget(self.grant_request_button)
        row.addWidget(self.revoke_button)
        row.addStretch(1)
        row.addWidget(self.past_grants_box)
        layout = QVBoxLayout(tab)
        layout.addLayout(row)
        layout.addWidget(self.grants_table, 1)
        return tab

    def _build_actions(self) -> None:
        self.comment_edit = QLineEdit(self)
        self.comment_edit.setObjectName("decisionComment")
        self.comment_edit.setMaxLength(approvals.MAX_COMMENT)
        self.comment_edit.setPlaceholderText(self.tr("审批意见（拒绝时必须填写理由）"))
        self.comment_error = QLabel(self)
        self.comment_error.setObjectName("decisionError")
        self.comment_error.setStyleSheet(ERROR_STYLE)
        self.comment_error.hide()
        self.approve_button = self._button("approveButton", self.tr("批准"), self.approve_selected)
        self.refuse_button = self._button("refuseButton", self.tr("拒绝"), self.refuse_selected)
        self.paper_button = self._button(
            "paperButton", self.tr("录入纸质审批…"), self.record_paper_selected
        )
        self.withdraw_button = self._button(
            "withdrawButton", self.tr("撤回"), self.withdraw_selected
        )
        self.scan_button = self._button("scanButton", self.tr("查看扫描件"), self.open_scan)
        self.refresh_button = self._button("refreshButton", self.tr("刷新"), self.refresh)

    def _button(self, name: str, text: str, slot) -> QPushButton:  # noqa: ANN001
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    def _build(self) -> None:
        self.detail_label = QLabel(self)
        self.detail_label.setObjectName("approvalDetail")
        self.detail_label.setWordWrap(True)
        # Room for a few lines, so the buttons do not jump as the selection changes.
        self.detail_label.setMinimumHeight(self.fontMetrics().lineSpacing() * 4)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("approvalStatus")
        decision = QHBoxLayout()
        decision.addWidget(QLabel(self.tr("意见："), self))
        decision.addWidget(self.comment_edit, 1)
        for button in (self.approve_button, self.refuse_button):
            decision.addWidget(button)
        others = QHBoxLayout()
        for button in (self.paper_button, self.withdraw_button, self.scan_button):
            others.addWidget(button)
        others.addStretch(1)
        others.addWidget(self.status_label)
        others.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.detail_label)
        layout.addLayout(decision)
        layout.addWidget(self.comment_error)
        layout.addLayout(others)

    # ------------------------------------------------------------------ state

    def current_list(self) -> str:
        widget = self.tabs.currentWidget()
        return widget.objectName() if isinstance(widget, QTableWidget) else GRANTS

    def rows(self, name: str) -> list[ApprovalRow]:
        """What the table `name` shows, in order (plain values)."""
        return list(self._rows[name])

    def grant_rows(self) -> list[grants.GrantRow]:
        return list(self._grants)

    def selected(self) -> ApprovalRow | None:
        name = self.current_list()
        if name == GRANTS:
            return None
        chosen = self.tables[name].selectionModel().selectedRows()
        if not chosen or chosen[0].row() >= len(self._rows[name]):
            return None
        return self._rows[name][chosen[0].row()]

    def selected_grant(self) -> grants.GrantRow | None:
        chosen = self.grants_table.selectionModel().selectedRows()
        if not chosen or chosen[0].row() >= len(self._grants):
            return None
        return self._grants[chosen[0].row()]

    def show_list(self, name: str) -> None:
        widget = self.grants_table.parentWidget() if name == GRANTS else self.tables[name]
        self.tabs.setCurrentWidget(widget)

    def select(self, name: str, approval_id: int) -> None:
        self.show_list(name)
        for index, row in enumerate(self._rows[name]):
            if row.id == approval_id:
                self.tables[name].selectRow(index)
                return
        raise KeyError(approval_id)

    def refresh(self) -> None:
        """Read every list again, keeping the selection where the request is still shown."""
        past = self.past_grants_box.isChecked()
        data = run_service(self, self._context, lambda s, a: load_page(s, a, past))
        if data is FAILED:
            return
        self._show_rows(PENDING, data.pending)
        self._show_rows(MINE, data.mine)
        self._show_rows(DECIDED, data.decided)
        self._show_rows(PAPER, data.paper or [])
        self.tabs.setTabVisible(self.tabs.indexOf(self.tables[PAPER]), data.paper is not None)
        self._may_revoke = data.may_revoke
        self._show_grants(data.grants)
        self.tabs.setTabText(
            0, self.tr("待我审批 ({count})").format(count=len(data.pending))
            if data.pending else self.tr("待我审批")
        )  # fmt: skip
        self._selection_changed()

    def _show_rows(self, name: str, rows: list[ApprovalRow]) -> None:
        table = self.tables[name]
        keep = self._selected_id(name)
        self._rows[name] = rows
        show_records(
            table,
            [
                (
                    row.id,
                    row.state == approvals.PENDING or name == PENDING,
                    [
                        cell(row.kind_label),
                        cell(row.title, tooltip=row.reason and self.tr("理由：") + row.reason),
                        cell(row.requester),
                        cell(_time(row.requested_at), CENTER),
                        cell(row.state, CENTER),
                        cell(row.steps_summary, tooltip=row.steps_summary),
                    ],
                )
                for row in rows
            ],
            keep,
        )

    def _selected_id(self, name: str) -> int | None:
        chosen = self.tables[name].selectionModel().selectedRows()
        rows = self._rows[name]
        return rows[chosen[0].row()].id if chosen and chosen[0].row() < len(rows) else None

    def _show_grants(self, rows: list[grants.GrantRow]) -> None:
        self._grants = rows
        show_records(
            self.grants_table,
            [
                (
                    g.id,
                    g.state in (grants.ACTIVE, grants.NOT_YET),
                    [cell(g.grantee), cell(g.department), cell(g.valid_from, CENTER),
                     cell(g.valid_until, CENTER), cell(g.state, CENTER), cell(g.granted_by),
                     cell(g.reason, tooltip=g.reason)],
                )
                for g in rows
            ],
        )  # fmt: skip

    def _selection_changed(self) -> None:
        name, row = self.current_list(), self.selected()
        pending = row is not None and row.state == approvals.PENDING
        self.approve_button.setEnabled(name == PENDING and row is not None)
        self.refuse_button.setEnabled(name == PENDING and row is not None)
        self.comment_edit.setEnabled(name == PENDING)
        self.paper_button.setEnabled(name in (MINE, PAPER) and pending)
        self.withdraw_button.setEnabled(name == MINE and pending)
        self.scan_button.setEnabled(row is not None and any(s.scan_name for s in row.steps))
        grant = self.selected_grant()
        self.revoke_button.setVisible(self._may_revoke)
        self.revoke_button.setEnabled(grant is not None and grant.state != grants.REVOKED)
        self.detail_label.setText(self._detail_text(row) if row is not None else "")

    def _detail_text(self, row: ApprovalRow) -> str:
        lines = [f"{row.kind_label}：{row.title}"]
        if row.reason:
            lines.append(self.tr("理由：") + row.reason)
        for step in row.steps:
            line = self.tr("第 {n} 步 ").format(n=step.position) + step.summary
            if step.comment:
                line += self.tr("；意见：") + step.comment
            lines.append(line)
        return "\n".join(lines)

    # ------------------------------------------------------------------ acts

    def _done(self, message: str) -> None:
        """After a write: say so; the change signal refreshes this page and the others
        (a grant changes which customers one sees, a gift shows on the card)."""
        self.status_label.setText(message)
        self._context.hub.sig_customers_changed.emit()

    def approve_selected(self) -> None:
        self._decide(True)

    def refuse_selected(self) -> None:
        self._decide(False)

    def _decide(self, approve: bool) -> None:
        row = self.selected()
        if row is None or row.open_step_id is None:
            return
        self.comment_error.hide()
        step_id, version, comment = row.open_step_id, row.version, self.comment_edit.text()
        done = run_service(
            self,
            self._context,
            lambda s, a: approvals.decide(s, a, step_id, approve, comment, version).state,
            on_invalid=self._show_comment_error,
        )
        if done is FAILED:
            self.refresh()  # a stale list is the usual cause: show what is true now
            return
        self.comment_edit.clear()
        verb = self.tr("已批准") if approve else self.tr("已拒绝")
        self._done(self.tr("{verb}：{title}").format(verb=verb, title=row.title))

    def _show_comment_error(self, error: ValidationError) -> None:
        self.comment_error.setText(error.message)
        self.comment_error.show()
        self.comment_edit.setFocus()

    def make_paper_dialog(self, row: ApprovalRow) -> PaperDecisionDialog:
        return PaperDecisionDialog(self._context, row, self)

    def record_paper_selected(self) -> None:
        row = self.selected()
        if row is None or row.open_step_id is None:
            return
        dialog = self.make_paper_dialog(row)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        dialog.deleteLater()
        if accepted:
            self._done(self.tr("已录入纸质审批：{title}").format(title=row.title))

    def confirm(self, title: str, text: str) -> bool:
        return messages.confirm(self, title, text)

    def withdraw_selected(self) -> None:
        row = self.selected()
        if row is None or not self.confirm(
            self.tr("撤回申请"), self.tr("撤回这份申请吗？\n{title}").format(title=row.title)
        ):
            return
        approval_id, version = row.id, row.version
        done = run_service(
            self,
            self._context,
            lambda s, a: approvals.withdraw(s, a, approval_id, version).state,
        )
        if done is FAILED:
            self.refresh()
            return
        self._done(self.tr("已撤回：{title}").format(title=row.title))

    def scan_steps(self) -> list[StepRow]:
        row = self.selected()
        return [s for s in row.steps if s.scan_name] if row is not None else []

    def open_scan(self) -> None:
        """Copy the scan to a temporary file and open it with the system's viewer."""
        steps = self.scan_steps()
        if not steps:
            return
        step_id = steps[-1].id
        found = run_service(self, self._context, lambda s, a: approvals.paper_scan(s, a, step_id))
        if found is FAILED:
            return
        name, data = found
        folder = Path(tempfile.mkdtemp(prefix="crm-scan-"))
        target = folder / Path(name).name
        target.write_bytes(data)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))

    def make_grant_dialog(self) -> GrantRequestDialog:
        return GrantRequestDialog(self._context, self)

    def open_grant_request(self) -> None:
        dialog = self.make_grant_dialog()
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        text = dialog.result_text
        dialog.deleteLater()
        if accepted:  # the dialog announced the change, which refreshed this page
            self.status_label.setText(text)

    def revoke_selected_grant(self) -> None:
        grant = self.selected_grant()
        if grant is None or not self.confirm(
            self.tr("撤销授权"),
            self.tr("撤销{name}查看{department}客户档案的授权吗？撤销后立即生效。").format(
                name=grant.grantee, department=grant.department
            ),
        ):
            return
        grant_id = grant.id
        done = run_service(self, self._context, lambda s, a: grants.revoke_grant(s, a, grant_id).id)
        if done is FAILED:
            self.refresh()
            return
        self._done(self.tr("已撤销{name}的查看授权。").format(name=grant.grantee))


class PaperDecisionDialog(FormDialog):
    """录入纸质审批: who signed the paper, when, the decision, and the scan of the paper."""

    def __init__(self, context: AppContext, row: ApprovalRow, parent: QWidget | None = None):
        super().__init__(context, "paperDecisionDialog", parent)
        self.setWindowTitle(self.tr("录入纸质审批"))
        self._row = row
        step = next(s for s in row.steps if s.id == row.open_step_id)
        self.set_heading(
            self.tr("{kind}：{title}\n第 {n} 步，应由「{who}」审批").format(
                kind=row.kind_label, title=row.title, n=step.position, who=step.label
            )
        )
        self.name_edit = line_edit(self, "approverNameEdit", 40, self.tr("签字人姓名"))
        self.signed_edit = date_edit(self, "signedOnEdit", date.today())
        self.signed_edit.setMaximumDate(QDate.currentDate())
        self.approve_radio = QRadioButton(self.tr("批准"), self)
        self.approve_radio.setObjectName("paperApproveRadio")
        self.approve_radio.setChecked(True)
        self.refuse_radio = QRadioButton(self.tr("拒绝"), self)
        self.refuse_radio.setObjectName("paperRefuseRadio")
        decision = QWidget(self)
        row_layout = QHBoxLayout(decision)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.addWidget(self.approve_radio)
        row_layout.addWidget(self.refuse_radio)
        row_layout.addStretch(1)
        self.comment_edit = line_edit(self, "paperCommentEdit", approvals.MAX_COMMENT)
        self.comment_edit.setPlaceholderText(self.tr("纸上写的意见（拒绝时必须填写）"))
        self.scan_edit = line_edit(self, "scanPathEdit", 1000, self.tr("签字审批单的扫描件"))
        browse = QToolButton(self)
        browse.setObjectName("scanBrowseButton")
        browse.setText(self.tr("浏览…"))
        browse.clicked.connect(self.browse_scan)
        scan = QWidget(self)
        scan_layout = QHBoxLayout(scan)
        scan_layout.setContentsMargins(0, 0, 0, 0)
        scan_layout.addWidget(self.scan_edit, 1)
        scan_layout.addWidget(browse)
        self.add_field("approver_name", self.tr("签字人："), self.name_edit)
        self.add_field("signed_on", self.tr("签字日期："), self.signed_edit)
        self.add_field("decision", self.tr("结论："), decision)
        self.add_field("comment", self.tr("意见："), self.comment_edit)
        self.add_field("scan", self.tr("扫描件："), scan)
        self.submit_button.setText(self.tr("保存"))

    def browse_scan(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            self.tr("选择扫描件"),
            self.scan_edit.text(),
            self.tr("扫描件 (*.png *.jpg *.jpeg *.tif *.tiff *.bmp *.pdf);;所有文件 (*)"),
        )
        if path:
            self.scan_edit.setText(path)

    def submit(self) -> None:
        step_id, version = self._row.open_step_id, self._row.version
        name, signed = self.name_edit.text(), to_date(self.signed_edit)
        approve, comment = self.approve_radio.isChecked(), self.comment_edit.text()
        scan = self.scan_edit.text().strip() or None
        done = self.call(
            lambda s, a: (
                approvals.record_paper(
                    s, a, step_id, name, signed, scan, approve, comment, version
                ).state
            )
        )
        if done is not FAILED:
            self.accept()
