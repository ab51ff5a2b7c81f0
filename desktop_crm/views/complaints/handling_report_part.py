"""处理报告 of a complaint: its 顾客投诉处理报告表 with their approval steps and state, writing a
new one (sent for approval at once) and printing one. The decisions themselves are taken on
the 审批 page, in the program or recorded from paper, like every other approval."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop_crm.formatting import text_of
from desktop_crm.models import User
from desktop_crm.services import approvals, complaint_handling_reports
from desktop_crm.services.complaint_handling_reports import HandlingReportRow

from ..context import AppContext
from ..customers.card_widgets import help_note, list_table, plain_button, read_only_item
from ..pdf_preview import preview_form
from ..service_call import FAILED, run_service
from .action_forms import ActionForm, ActionSpec, Input

HEADERS = ["填写时间", "责任部门", "填写人", "审批状态", "审批步骤"]
WRITE_NOTE = (
    "投诉没有相应制度或培训可依时填写：写明投诉原因、处理结果和建议制定的制度或开展的培训。"
    "提交后依次由责任部门负责人签字、市场营销部会签、总经理批准（在「审批」页办理，"
    "或由经办人录入纸质审批）。"
)


@dataclass(frozen=True)
class PartData:
    reports: list[HandlingReportRow]
    draft: complaint_handling_reports.Draft


def load_part(session: Session, actor: User, complaint_id: int) -> PartData:
    return PartData(
        reports=complaint_handling_reports.complaint_reports(session, actor, complaint_id),
        draft=complaint_handling_reports.draft(session, actor, complaint_id),
    )


def write_spec(
    complaint_id: int,
    draft: complaint_handling_reports.Draft,
    departments: Sequence[tuple[str, int]],
) -> ActionSpec:
    """The form that writes a report, started from the complaint's finding and result."""
    return ActionSpec(
        "提交审批",
        "顾客投诉处理报告表 — " + draft.number,
        (
            Input(
                "department_id",
                "责任部门",
                "choice",
                [("", None), *departments],
                draft.department_id,
            ),
            Input("cause", "投诉原因", "long", default=draft.cause),
            Input("result", "处理结果", "long", default=draft.result),
            Input("recommendation", "建议制定的制度\n或开展的培训", "long"),
        ),
        lambda s, a, x: (
            complaint_handling_reports.create_report(
                s, a, complaint_id, x["cause"], x["result"], x["recommendation"], x["department_id"]
            ).id
        ),
        WRITE_NOTE,
        "handlingReport",
    )


class HandlingReportPart(QWidget):
    """The complaint's reports; `sig_changed(status)` after one was written."""

    sig_changed = Signal(str)

    def __init__(
        self,
        context: AppContext,
        departments: Sequence[tuple[str, int]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("handlingReportPart")
        self._context = context
        self._departments = list(departments)
        self._complaint_id: int | None = None
        self._number = ""
        self._data: PartData | None = None
        self.current_window: QWidget | None = None

        self.write_button = plain_button(self, self.tr("填写处理报告表…"), "handlingReportWrite")
        self.write_button.clicked.connect(self.write_report)
        self.print_button = plain_button(self, self.tr("打印…"), "handlingReportPrint")
        self.print_button.clicked.connect(self.print_selected)
        self.hint = QLabel(self)
        self.hint.setObjectName("handlingReportHint")
        self.hint.setStyleSheet("color: #5d6d7e;")
        self.hint.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.write_button)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.hint, 1)

        self.table = list_table(self, "handlingReportTable", [self.tr(h) for h in HEADERS])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.print_selected())

        detail_box = QGroupBox(self.tr("报告内容与审批"), self)
        self.detail = QLabel(detail_box)
        self.detail.setObjectName("handlingReportDetail")
        self.detail.setWordWrap(True)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box = QVBoxLayout(detail_box)
        box.addWidget(self.detail)

        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(detail_box, 1)
        note = help_note(self, self.tr(WRITE_NOTE))
        note.setWordWrap(True)
        layout.addWidget(note)
        self.write_button.setEnabled(False)
        self.print_button.setEnabled(False)

    # ------------------------------------------------------------------ state

    def rows(self) -> list[HandlingReportRow]:
        return list(self._data.reports) if self._data else []

    def selected(self) -> HandlingReportRow | None:
        chosen = self.table.selectionModel().selectedRows()
        rows = self.rows()
        if not chosen or chosen[0].row() >= len(rows):
            return None
        return rows[chosen[0].row()]

    def load(self, complaint_id: int, number: str, state: str, permitted: frozenset[str]) -> bool:
        """Show the complaint's reports; the write button only where the complaint and the
        user's rights allow it (the service checks again)."""
        self._complaint_id, self._number = complaint_id, number
        data = run_service(self, self._context, lambda s, a: load_part(s, a, complaint_id))
        if data is FAILED:
            return False
        assert isinstance(data, PartData)
        self._data = data
        keep = self.selected()
        self.table.setRowCount(len(data.reports))
        for row, report in enumerate(data.reports):
            cells = (
                text_of(report.created_at),
                report.department,
                report.created_by,
                report.state,
                report.steps_summary,
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, read_only_item(text, report.id))
        if data.reports:
            ids = [r.id for r in data.reports]
            self.table.selectRow(ids.index(keep.id) if keep and keep.id in ids else 0)
        self._selection_changed()

        waiting = any(r.state == approvals.PENDING for r in data.reports)
        handled = state in complaint_handling_reports.REPORTABLE_STATES
        may_edit = "edit" in permitted
        self.write_button.setVisible(may_edit)
        self.write_button.setEnabled(may_edit and handled and not waiting)
        self.print_button.setVisible("print" in permitted)
        if not handled:
            hint = self.tr("投诉处理完毕后才能填写处理报告表（现在是「{state}」）。").format(
                state=state
            )
        elif waiting:
            hint = self.tr("已有一份待审批的处理报告表：审批完毕或撤回后才能再写。")
        else:
            hint = ""
        self.hint.setText(hint if may_edit else "")
        return True

    def _selection_changed(self) -> None:
        report = self.selected()
        self.print_button.setEnabled(report is not None)
        self.detail.setText(self._detail_text(report) if report else self.tr("（尚无处理报告表）"))

    def _detail_text(self, report: HandlingReportRow) -> str:
        lines = [
            self.tr("投诉原因：") + report.cause,
            self.tr("处理结果：") + report.result,
            self.tr("建议制定的制度或开展的培训：") + report.recommendation,
            self.tr("审批状态：") + report.state,
        ]
        for step in report.steps:
            line = self.tr("第 {n} 步 ").format(n=step.position) + step.summary
            if step.comment:
                line += self.tr("；意见：") + step.comment
            lines.append(line)
        return "\n".join(lines)

    # ------------------------------------------------------------------ acts

    def write_report(self) -> None:
        complaint_id = self._complaint_id
        if complaint_id is None or self._data is None:
            return
        form = ActionForm(
            self._context, write_spec(complaint_id, self._data.draft, self._departments), self
        )
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.accepted.connect(self._written)
        form.finished.connect(lambda _r: self._forget_window())
        self.current_window = form
        form.open()

    def _forget_window(self) -> None:
        self.current_window = None

    def _written(self) -> None:
        self._context.hub.sig_complaints_changed.emit()
        self.sig_changed.emit(self.tr("处理报告表已提交审批。"))

    def print_selected(self) -> None:
        """Preview the selected report as printed, with print, save and Excel."""
        report = self.selected()
        if report is None:
            return
        report_id = report.id
        from desktop_crm import documents

        preview = preview_form(
            self,
            self._context,
            lambda s, a: documents.complaint_handling_report_pdf(s, a, report_id),
            lambda s, a: documents.complaint_handling_report_xlsx(s, a, report_id),
            self.tr("顾客投诉处理报告表"),
            f"投诉处理报告表-{self._number}.pdf",
        )
        if preview is not None:
            preview.finished.connect(lambda _r: self._forget_window())
            self.current_window = preview


__all__ = ["HandlingReportPart", "load_part", "write_spec"]
