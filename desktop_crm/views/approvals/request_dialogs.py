"""The requests that go through approval: 查看授权, 礼品登记 and 客户优惠申请表.

Each dialog submits through one service call; a refusal appears beside its field and what the
user typed stays where it was.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop_crm.models import User
from desktop_crm.services import gifts_discounts, grants, rights, staff
from desktop_crm.services.errors import ValidationError
from desktop_crm.views.admin.record_table import RIGHT, cell, show_records
from desktop_crm.views.context import AppContext
from desktop_crm.views.field_errors import ERROR_STYLE, show_field_errors
from desktop_crm.views.service_call import FAILED, _Failed, run_service
from desktop_crm.views.widgets import OptionalDateEdit, StaffCombo, date_edit

T = TypeVar("T")

GRANT_DAYS = 30  # a grant asked for runs a month unless the user says otherwise


def to_date(edit: QDateEdit) -> date:
    value = edit.date()
    return date(value.year(), value.month(), value.day())


def text_edit(parent: QWidget, name: str, placeholder: str = "") -> QPlainTextEdit:
    edit = QPlainTextEdit(parent)
    edit.setObjectName(name)
    edit.setTabChangesFocus(True)
    edit.setPlaceholderText(placeholder)
    edit.setFixedHeight(72)
    return edit


def line_edit(parent: QWidget, name: str, limit: int, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setObjectName(name)
    edit.setMaxLength(limit)
    edit.setPlaceholderText(placeholder)
    return edit


class FormDialog(QDialog):
    """A form whose fields each have an error line beneath; 提交 runs one service call."""

    def __init__(self, context: AppContext, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._context = context
        self.errors: dict[str, QLabel] = {}
        self._focus: dict[str, QWidget] = {}
        self.heading = QLabel(self)
        self.heading.setObjectName("formHeading")
        self.heading.setWordWrap(True)
        self.heading.hide()
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.general_error = self._error_label("generalError")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.submit_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.submit_button.setText(self.tr("提交"))
        self.submit_button.setObjectName("submitButton")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(self.heading)
        self.layout_.addLayout(self.form)
        self.layout_.addWidget(self.general_error)
        self.layout_.addStretch(1)  # room the window gains goes here, not between the rows
        self.layout_.addWidget(buttons)
        self.setMinimumWidth(460)

    def _error_label(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        label.setStyleSheet(ERROR_STYLE)
        label.setWordWrap(True)
        label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        label.hide()
        return label

    def add_field(self, key: str, label: str, widget: QWidget) -> None:
        """A row of the form, with its error line (objectName `<key>Error`)."""
        self.form.addRow(label, widget)
        self.errors[key] = self._error_label(f"{key}Error")
        self.form.addRow("", self.errors[key])
        self._focus[key] = widget

    def set_heading(self, text: str) -> None:
        self.heading.setText(text)
        self.heading.show()

    def call(self, action: Callable[[Session, User], T]) -> T | _Failed:
        """Run `action` as the signed-in user; refusals of fields go beside them."""
        for label in (*self.errors.values(), self.general_error):
            label.hide()
        return run_service(self, self._context, action, on_invalid=self.show_invalid)

    def show_invalid(self, error: ValidationError) -> None:
        show_field_errors(self, error, self.errors, self.general_error, self._focus)

    def submit(self) -> None:  # pragma: no cover - each form has its own
        raise NotImplementedError


def history_table(parent: QWidget, name: str, titles: Sequence[str]) -> QTableWidget:
    table = QTableWidget(0, len(titles), parent)
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(list(titles))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    table.setMinimumHeight(110)
    return table


def _cell(value: object, align: Qt.AlignmentFlag | None = None) -> QTableWidgetItem:
    text = "" if value is None else str(value)
    return cell(text, align, tooltip=text if len(text) > 12 else "")


def money_text(value: object) -> str:
    return "" if value is None else f"{value:,.2f}"


# ---------------------------------------------------------------- 查看授权


@dataclass(frozen=True)
class _GrantForm:
    grantor: bool
    departments: list[tuple[int, str]]
    people: list[tuple[int, str]]


def _load_grant_form(session: Session, actor: User) -> _GrantForm:
    grantor = grants.GRANTOR_ROLE in actor.role_names and rights.may(
        session, actor, "customers", "approve"
    )
    if grantor:
        departments = [(d.id, d.name) for d in staff.departments(session)]
        people = [
            (u.id, f"{u.name}（{u.department.name}）" if u.department else u.name)
            for u in staff.staff_list(session)
            if u.id != actor.id
        ]
        return _GrantForm(True, departments, people)
    return _GrantForm(False, grants.grantable_departments(session, actor), [])


class GrantRequestDialog(FormDialog):
    """申请查看其他部门客户档案; the 总经理 instead grants it to a person directly."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "grantRequestDialog", parent)
        self.result_text = ""
        self.grantor = False
        self.grantee_combo = StaffCombo(self)
        self.grantee_combo.setObjectName("granteeCombo")
        self.department_combo = QComboBox(self)
        self.department_combo.setObjectName("departmentCombo")
        today = date.today()
        self.from_edit = date_edit(self, "validFromEdit", today)
        self.until_edit = date_edit(self, "validUntilEdit", today + timedelta(days=GRANT_DAYS))
        self.reason_edit = text_edit(self, "reasonEdit", self.tr("例如：协助售后服务部处理投诉"))
        form = run_service(self, context, _load_grant_form)
        if form is FAILED:
            self.submit_button.setEnabled(False)
            form = _GrantForm(False, [], [])
        self.grantor = form.grantor
        if form.grantor:
            self.grantee_combo.set_staff(form.people)
            self.add_field("grantee_id", self.tr("授权给："), self.grantee_combo)
        else:
            self.grantee_combo.hide()  # the grant is for the one who asks
        self.department_combo.addItem("", None)
        for department_id, name in form.departments:
            self.department_combo.addItem(name, department_id)
        self.add_field("department_id", self.tr("查看哪个部门的客户档案："), self.department_combo)
        self.add_field("valid_from", self.tr("开始日期："), self.from_edit)
        self.add_field("valid_until", self.tr("结束日期："), self.until_edit)
        self.add_field("reason", self.tr("理由："), self.reason_edit)
        if form.grantor:
            self.setWindowTitle(self.tr("授权查看其他部门客户档案"))
            self.set_heading(self.tr("由您直接授权，立即生效，并记入审计日志。期限最长一年。"))
            self.submit_button.setText(self.tr("授权"))
        else:
            self.setWindowTitle(self.tr("申请查看其他部门客户档案"))
            self.set_heading(
                self.tr("其他部门的客户档案属公司秘密，须经总经理批准后方可查看（期限最长一年）。")
            )

    def select_department(self, name: str) -> None:
        index = self.department_combo.findText(name)
        if index < 0:
            raise KeyError(name)
        self.department_combo.setCurrentIndex(index)

    def select_grantee(self, user_id: int) -> None:
        index = self.grantee_combo.findData(user_id)
        if index < 0:
            raise KeyError(user_id)
        self.grantee_combo.setCurrentIndex(index)

    def submit(self) -> None:
        department_id = self.department_combo.currentData()
        start, end = to_date(self.from_edit), to_date(self.until_edit)
        reason = self.reason_edit.toPlainText()
        if self.grantor:
            grantee_id = self.grantee_combo.value()

            def act(session: Session, actor: User) -> str:
                grants.grant_access(session, actor, grantee_id, department_id, start, end, reason)
                return self.tr("已授权，立即生效。")
        else:

            def act(session: Session, actor: User) -> str:
                grants.request_grant(session, actor, department_id, start, end, reason)
                return self.tr("申请已提交，等待总经理审批。")

        done = self.call(act)
        if done is FAILED:
            return
        self.result_text = done
        self._context.hub.sig_customers_changed.emit()
        self.accept()


# ---------------------------------------------------------------- 礼品登记 and 客户优惠申请表


class _CustomerRequestDialog(FormDialog):
    """A request about one customer, with that customer's earlier requests listed below."""

    history_name = ""
    money_column = 1

    def __init__(
        self, context: AppContext, customer_id: int, name: str, parent: QWidget | None
    ) -> None:
        super().__init__(context, name, parent)
        self._customer_id = customer_id
        self.history = history_table(self, self.history_name, self.history_titles())
        self.history_label = QLabel(self.tr("以往记录："), self)

    def history_titles(self) -> list[str]:
        raise NotImplementedError

    def history_rows(self, session: Session, actor: User) -> list[tuple[int, list[object]]]:
        """(id, cell values) of the customer's earlier requests, newest first."""
        raise NotImplementedError

    def finish(self) -> None:
        """Load the heading and the history; refuse the form for a customer out of reach."""
        customer_id = self._customer_id

        def load(session: Session, actor: User) -> tuple[str, list[tuple[int, list[object]]]]:
            heading = gifts_discounts.customer_heading(session, actor, customer_id)
            return heading, self.history_rows(session, actor)

        self.layout_.takeAt(3)  # the history table takes the room instead
        self.layout_.insertWidget(3, self.history_label)
        self.layout_.insertWidget(4, self.history, 1)
        loaded = run_service(self, self._context, load)
        if loaded is FAILED:
            self.submit_button.setEnabled(False)
            return
        heading, rows = loaded
        self.set_heading(self.tr("客户：{customer}").format(customer=heading))
        money = self.money_column
        show_records(
            self.history,
            [
                (
                    row_id,
                    True,
                    [_cell(v, RIGHT if n == money else None) for n, v in enumerate(values)],
                )
                for row_id, values in rows
            ],
        )

    def submitted(self, done: object) -> None:
        if done is FAILED:
            return
        self._context.hub.sig_customers_changed.emit()
        self.accept()


class GiftDialog(_CustomerRequestDialog):
    """礼品登记: a gift to a special customer needs the 市场营销部负责人's consent."""

    history_name = "giftHistory"

    def __init__(self, context: AppContext, customer_id: int, parent: QWidget | None = None):
        super().__init__(context, customer_id, "giftDialog", parent)
        self.setWindowTitle(self.tr("礼品登记"))
        self.gift_edit = line_edit(self, "giftEdit", 200, self.tr("礼品名称和数量"))
        self.value_edit = line_edit(self, "valueEdit", 20, self.tr("元"))
        self.planned_edit = OptionalDateEdit(self)
        self.planned_edit.setObjectName("plannedOnEdit")
        self.reason_edit = text_edit(self, "reasonEdit")
        self.add_field("gift", self.tr("礼品："), self.gift_edit)
        self.add_field("value", self.tr("价值（元）："), self.value_edit)
        self.add_field("planned_on", self.tr("计划赠送日期："), self.planned_edit)
        self.add_field("reason", self.tr("赠送理由："), self.reason_edit)
        self.finish()
        if self.submit_button.isEnabled():
            self.set_heading(
                self.heading.text()
                + "\n"
                + self.tr("提交后由市场营销部负责人审批，同意后方可赠送。")
            )

    def history_titles(self) -> list[str]:
        return [self.tr(t) for t in ("礼品", "价值（元）", "计划日期", "申请人", "状态", "审批")]

    def history_rows(self, session: Session, actor: User) -> list[tuple[int, list[object]]]:
        rows = gifts_discounts.customer_gifts(session, actor, self._customer_id)
        return [
            (r.id, [r.gift, money_text(r.value), r.planned_on or "", r.requested_by, r.state,
                    r.steps_summary])
            for r in rows
        ]  # fmt: skip

    def submit(self) -> None:
        customer_id = self._customer_id
        gift, value = self.gift_edit.text(), self.value_edit.text()
        planned, reason = self.planned_edit.value(), self.reason_edit.toPlainText()
        self.submitted(
            self.call(
                lambda s, a: (
                    gifts_discounts.request_gift(s, a, customer_id, gift, value, planned, reason).id
                )
            )
        )


class DiscountDialog(_CustomerRequestDialog):
    """客户优惠申请表: approved by the head of the customer's department."""

    history_name = "discountHistory"
    money_column = 2

    def __init__(self, context: AppContext, customer_id: int, parent: QWidget | None = None):
        super().__init__(context, customer_id, "discountDialog", parent)
        self.setWindowTitle(self.tr("客户优惠申请表"))
        self.product_edit = line_edit(self, "productEdit", 200, self.tr("品种、规格"))
        self.content_edit = text_edit(self, "contentEdit", self.tr("例如：每吨优惠 10 元"))
        self.amount_edit = line_edit(self, "amountEdit", 20, self.tr("元"))
        self.reason_edit = text_edit(self, "reasonEdit")
        self.add_field("product", self.tr("产品："), self.product_edit)
        self.add_field("content", self.tr("优惠内容："), self.content_edit)
        self.add_field("amount", self.tr("优惠金额（元）："), self.amount_edit)
        self.add_field("reason", self.tr("申请理由："), self.reason_edit)
        self.finish()
        if self.submit_button.isEnabled():
            self.set_heading(
                self.heading.text() + "\n" + self.tr("提交后由客户所属部门的负责人审批。")
            )

    def history_titles(self) -> list[str]:
        return [self.tr(t) for t in ("产品", "优惠内容", "金额（元）", "申请人", "状态", "审批")]

    def history_rows(self, session: Session, actor: User) -> list[tuple[int, list[object]]]:
        rows = gifts_discounts.customer_discounts(session, actor, self._customer_id)
        return [
            (r.id, [r.product, r.content, money_text(r.amount), r.requested_by, r.state,
                    r.steps_summary])
            for r in rows
        ]  # fmt: skip

    def submit(self) -> None:
        customer_id = self._customer_id
        product, content = self.product_edit.text(), self.content_edit.toPlainText()
        amount, reason = self.amount_edit.text(), self.reason_edit.toPlainText()
        self.submitted(
            self.call(
                lambda s, a: (
                    gifts_discounts.request_discount(
                        s, a, customer_id, product, content, amount, reason
                    ).id
                )
            )
        )
