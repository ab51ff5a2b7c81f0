"""The small forms behind the complaint's action buttons (上报, 现场核实, 认定原因, 提出方案,
处理完毕, 重新处理, 结案). Each is declared as data — its inputs and the service call — and
drawn by one dialog class that shows a refusal beside the input it concerns and keeps what
was typed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop_crm.models import User
from desktop_crm.services import complaints
from desktop_crm.services.errors import ValidationError
from desktop_crm.views.field_errors import ERROR_STYLE

from ..context import AppContext
from ..field_errors import show_field_errors
from ..service_call import FAILED, run_service

DATETIME_FORMAT = "yyyy-MM-dd HH:mm"
# The three the complaint goes to on the day (DOMAIN §2), each by phone until changed.
REPORT_TO = ("市场营销部负责人", "质检部负责人", "责任部门")


@dataclass(frozen=True)
class Input:
    """One input of a form; `key` is the service's field name (its refusals land here)."""

    key: str
    label: str
    kind: str = "text"  # text / long / moment / choice / check / recipients
    choices: Sequence[tuple[str, object]] = ()
    default: object = None


Submit = Callable[[Session, User, dict[str, object]], object]


@dataclass(frozen=True)
class ActionSpec:
    action: str
    title: str
    inputs: tuple[Input, ...]
    submit: Submit
    note: str = ""
    name: str = field(default="")  # objectName suffix


def datetime_edit(parent: QWidget, name: str) -> QDateTimeEdit:
    edit = QDateTimeEdit(QDateTime.currentDateTime(), parent)
    edit.setObjectName(name)
    edit.setDisplayFormat(DATETIME_FORMAT)
    edit.setCalendarPopup(True)
    return edit


def moment_of(edit: QDateTimeEdit) -> datetime:
    return edit.dateTime().toPython().replace(microsecond=0)


class RecipientsInput(QWidget):
    """上报对象: three lines of whom and how, the usual three filled in."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.rows: list[tuple[QLineEdit, QComboBox]] = []
        for index, whom in enumerate(REPORT_TO):
            name = QLineEdit(whom, self)
            name.setObjectName(f"recipient_{index}")
            way = QComboBox(self)
            way.setObjectName(f"recipientWay_{index}")
            way.addItem("", "")
            for choice in complaints.REPORT_WAYS:
                way.addItem(choice, choice)
            way.setCurrentIndex(way.findData("电话"))
            layout.addRow(name, way)
            self.rows.append((name, way))

    def value(self) -> list[tuple[str, str]]:
        return [(name.text(), way.currentData() or "") for name, way in self.rows]


class ActionForm(QDialog):
    """One action's form. Accepted only when the service call went through."""

    def __init__(
        self, context: AppContext, spec: ActionSpec, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"complaintForm_{spec.name}")
        self.setWindowTitle(spec.title)
        self.context, self.spec = context, spec
        self.widgets: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        layout = QVBoxLayout(self)
        if spec.note:
            note = QLabel(spec.note, self)
            note.setWordWrap(True)
            note.setStyleSheet("color: #5d6d7e;")
            layout.addWidget(note)
        form = QFormLayout()
        for item in spec.inputs:
            widget = self._input(item)
            self.widgets[item.key] = widget
            error = QLabel(self)
            error.setObjectName(f"error_{item.key}")
            error.setWordWrap(True)
            error.setStyleSheet(ERROR_STYLE)
            error.hide()
            self.errors[item.key] = error
            cell = QWidget(self)
            box = QVBoxLayout(cell)
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(widget)
            box.addWidget(error)
            form.addRow(item.label, cell)
        layout.addLayout(form)
        self.general_error = QLabel(self)
        self.general_error.setObjectName("error_general")
        self.general_error.setWordWrap(True)
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.hide()
        layout.addWidget(self.general_error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(spec.action)
        self.ok_button.setObjectName("complaintFormOk")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(max(self.sizeHint().width(), 460), self.sizeHint().height())

    def _input(self, item: Input) -> QWidget:
        name = f"input_{item.key}"
        if item.kind == "long":
            text = QPlainTextEdit(self)
            text.setTabChangesFocus(True)
            text.setFixedHeight(text.fontMetrics().lineSpacing() * 4 + 14)
            if item.default:
                text.setPlainText(str(item.default))
            widget: QWidget = text
        elif item.kind == "moment":
            widget = datetime_edit(self, name)
        elif item.kind == "choice":
            combo = QComboBox(self)
            for label, value in item.choices:
                combo.addItem(label, value)
            if item.default is not None:
                combo.setCurrentIndex(max(combo.findData(item.default), 0))
            widget = combo
        elif item.kind == "check":
            widget = QCheckBox(self.tr("是"), self)
        elif item.kind == "recipients":
            widget = RecipientsInput(self)
        else:
            line = QLineEdit(self)
            if item.default:
                line.setText(str(item.default))
            widget = line
        widget.setObjectName(name)
        return widget

    def values(self) -> dict[str, object]:
        found: dict[str, object] = {}
        for key, widget in self.widgets.items():
            if isinstance(widget, QPlainTextEdit):
                found[key] = widget.toPlainText()
            elif isinstance(widget, QDateTimeEdit):
                found[key] = moment_of(widget)
            elif isinstance(widget, QComboBox):
                found[key] = widget.currentData()
            elif isinstance(widget, QCheckBox):
                found[key] = widget.isChecked()
            elif isinstance(widget, RecipientsInput):
                found[key] = widget.value()
            elif isinstance(widget, QLineEdit):
                found[key] = widget.text()
        return found

    def _clear_errors(self) -> None:
        for label in (*self.errors.values(), self.general_error):
            label.clear()
            label.hide()

    def _show_errors(self, error: ValidationError) -> None:
        show_field_errors(self, error, self.errors, self.general_error, self.widgets)

    def submit(self) -> None:
        self._clear_errors()
        values = self.values()
        done = run_service(
            self,
            self.context,
            lambda session, actor: self.spec.submit(session, actor, values),
            self._show_errors,
            refusal_title=self.tr("无法") + self.spec.action,
        )
        if done is not FAILED:
            self.accept()


def specs(
    complaint_id: int, version: int | None, departments: Sequence[tuple[str, int]]
) -> dict[str, ActionSpec]:
    """Every action's form for one complaint (as loaded at `version`)."""
    cid, v = complaint_id, version
    department_choices = [("", None), *departments]
    return {
        complaints.REPORT: ActionSpec(
            complaints.REPORT,
            "上报领导",
            (
                Input("recipients", "上报对象与方式", "recipients"),
                Input("reported_at", "上报时间", "moment"),
            ),
            lambda s, a, x: complaints.report(s, a, cid, x["recipients"], x["reported_at"], v),
            "受理当日以书面、电子邮件或电话报市场营销部负责人、质检部负责人和责任部门。"
            "不需要的行把对象清空即可。",
            "report",
        ),
        complaints.SITE_CHECK: ActionSpec(
            complaints.SITE_CHECK,
            "现场核实",
            (
                Input("site_checker", "核实人"),
                Input("site_arrived_at", "到达现场时间", "moment"),
                Input("findings", "核实情况", "long"),
                Input("customer_confirmed", "客户已确认", "check"),
                Input("qc_confirmed", "质检部已确认", "check"),
            ),
            lambda s, a, x: complaints.site_check(
                s,
                a,
                cid,
                x["site_checker"],
                x["site_arrived_at"],
                x["findings"],
                bool(x["customer_confirmed"]),
                bool(x["qc_confirmed"]),
                v,
            ),  # fmt: skip
            name="siteCheck",
        ),
        complaints.FIND_CAUSE: ActionSpec(
            complaints.FIND_CAUSE,
            "认定原因",
            (
                Input("cause", "原因", "choice", [(c, c) for c in complaints.CAUSES]),
                Input("responsible_department_id", "责任部门", "choice", department_choices),
                Input("responsible_person", "责任人"),
                Input("explanation", "说明（非我方原因、投诉不成立时必填）", "long"),
                Input("found_at", "认定时间", "moment"),
            ),
            lambda s, a, x: complaints.find_cause(
                s,
                a,
                cid,
                x["cause"],
                x["responsible_department_id"],
                x["responsible_person"],
                x["explanation"],
                v,
                x["found_at"],
            ),  # fmt: skip
            "我方原因：质检部和责任部门须在认定后 3 个工作日内提出处理方案。",
            "findCause",
        ),
        complaints.PROPOSE: ActionSpec(
            complaints.PROPOSE,
            "提出处理方案",
            (Input("solution", "处理方案", "long"), Input("proposed_at", "提出时间", "moment")),
            lambda s, a, x: complaints.propose_solution(
                s, a, cid, x["solution"], v, x["proposed_at"]
            ),
            name="propose",
        ),
        complaints.FINISH: ActionSpec(
            complaints.FINISH,
            "处理完毕",
            (Input("result", "处理结果", "long"), Input("handled_at", "完成时间", "moment")),
            lambda s, a, x: complaints.finish(s, a, cid, x["result"], v, x["handled_at"]),
            "质检部完善记录后交客服备案；之后由市场营销部回访客户。",
            "finish",
        ),
        complaints.REOPEN: ActionSpec(
            complaints.REOPEN,
            "重新处理",
            (Input("reason", "原因", "long"),),
            lambda s, a, x: complaints.reopen(s, a, cid, x["reason"], v),
            "开始新一轮处理，升级一级（受理人 → 部门负责人 → 分管副总 → 总经理）。",
            "reopen",
        ),
        complaints.CLOSE: ActionSpec(
            complaints.CLOSE,
            "结案",
            (Input("note", "结案说明", "long"),),
            lambda s, a, x: complaints.close(s, a, cid, x["note"], v),
            name="close",
        ),
    }


# The objectName of each action's button in the record dialog.
BUTTON_NAMES = {
    complaints.REPORT: "complaintReport",
    complaints.SITE_CHECK: "complaintSiteCheck",
    complaints.FIND_CAUSE: "complaintFindCause",
    complaints.PROPOSE: "complaintPropose",
    complaints.FINISH: "complaintFinish",
    complaints.REVISIT: "complaintRevisit",
    complaints.REOPEN: "complaintReopen",
    complaints.CLOSE: "complaintClose",
}
