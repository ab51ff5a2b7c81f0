"""The two small forms of a 回访计划: 新建回访计划 (PlanDialog) and 改期 (RescheduleDialog).
Each saves with one service call; a refusal shows beside its field and the typing stays."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop_crm.models import User
from desktop_crm.services import revisits, staff
from desktop_crm.services.errors import ValidationError
from desktop_crm.views.context import AppContext
from desktop_crm.views.customers.card_widgets import error_label, help_note, plain_button, tr_data
from desktop_crm.views.field_errors import show_field_errors
from desktop_crm.views.service_call import FAILED, run_service
from desktop_crm.views.widgets import DATE_FORMAT

from ..widgets import filter_combo, refill_combo
from .customer_search import find_customers
from .lists import SEARCH_DELAY_MS, staff_items


class _PlanForm(QDialog):
    """What both forms share: a day from today on, refusals beside their fields (objectNames
    `{prefix}Error_{field}`, the rest in `{prefix}Errors`), 保存 and 取消; after a save,
    `outcome` says what was done."""

    def __init__(self, context: AppContext, prefix: str, name: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._context = context
        self._prefix = prefix
        self.outcome = ""
        self.errors: dict[str, QLabel] = {}
        self._focus: dict[str, QWidget] = {}  # the field to go to when it is refused

    def _day_edit(self, name: str) -> QDateEdit:
        edit = QDateEdit(QDate.currentDate(), self)
        edit.setObjectName(name)
        edit.setDisplayFormat(DATE_FORMAT)
        edit.setCalendarPopup(True)
        edit.setMinimumDate(QDate.currentDate())
        return edit

    def _error(self, key: str) -> QLabel:
        label = error_label(self, f"{self._prefix}Error_{key}")
        self.errors[key] = label
        return label

    def _finish_layout(self, above: list[QWidget], form: QFormLayout) -> None:
        """`above` the form, then the refusals without a field, then 保存 and 取消."""
        self.summary = error_label(self, f"{self._prefix}Errors")
        self.save_button = plain_button(self, self.tr("保存"), f"{self._prefix}Save")
        self.save_button.clicked.connect(self.save)
        cancel = plain_button(self, self.tr("取消"), f"{self._prefix}Cancel")
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        for widget in above:
            layout.addWidget(widget)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)

    def save(self) -> bool:
        raise NotImplementedError

    def _save(self, act: Callable[[Session, User], str], refusal_title: str | None = None) -> bool:
        """Run `act` (which says what it did); True, the outcome kept and the form closed,
        when it went through."""
        for label in (*self.errors.values(), self.summary):
            label.hide()
        saved = run_service(
            self, self._context, act, on_invalid=self._show_invalid, refusal_title=refusal_title
        )
        if saved is FAILED:
            return False
        self.outcome = saved
        self.accept()
        return True

    def _show_invalid(self, error: ValidationError) -> None:
        show_field_errors(self, error, self.errors, self.summary, self._focus)


# ------------------------------------------------------------------ 新建计划


class PlanDialog(_PlanForm):
    """客户回访计划: one plan for a customer (planned day, kind, purpose, method, place,
    content, who goes)."""

    def __init__(
        self, context: AppContext, customer_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, "plan", "revisitPlanDialog", parent)
        self.setWindowTitle(self.tr("新建回访计划"))
        self._customer_id = customer_id
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._find)

        self.customer_search = QLineEdit(self)
        self.customer_search.setObjectName("planCustomerSearch")
        self.customer_search.setPlaceholderText(self.tr("输入客户名称、拼音或电话查找"))
        self.customer_search.textChanged.connect(lambda _text: self._timer.start())
        self.customer_choice = QComboBox(self)
        self.customer_choice.setObjectName("planCustomerChoice")
        self.customer_choice.setMinimumContentsLength(24)
        self.planned_on = self._day_edit("planDate")
        self.kind = QComboBox(self)
        self.kind.setObjectName("planKind")
        for kind in revisits.KINDS:
            if kind != revisits.KIND_COMPLAINT:  # a complaint's revisit is planned from it
                self.kind.addItem(tr_data(kind), kind)
        self.purpose = filter_combo(
            "planPurpose", self, "", [(tr_data(p), p) for p in revisits.PURPOSES]
        )
        self.method = filter_combo(
            "planMethod", self, "", [(tr_data(m), m) for m in revisits.METHODS]
        )
        self.place = QLineEdit(self)
        self.place.setObjectName("planPlace")
        self.place.setMaxLength(200)
        self.content = QPlainTextEdit(self)
        self.content.setObjectName("planContent")
        self.content.setTabChangesFocus(True)
        self.content.setFixedHeight(self.content.fontMetrics().lineSpacing() * 3 + 14)
        self.assigned = QComboBox(self)
        self.assigned.setObjectName("planAssigned")

        form = QFormLayout()
        if customer_id is None:
            picker = QHBoxLayout()
            picker.addWidget(self.customer_search, 1)
            picker.addWidget(self.customer_choice, 2)
            form.addRow(self.tr("客户"), picker)
        else:
            self.customer_search.hide()
            self.customer_choice.hide()
        form.addRow("", self._error("customer_id"))
        self._focus["customer_id"] = self.customer_search
        for label, widget, key in (
            (self.tr("计划日期"), self.planned_on, "planned_on"),
            (self.tr("回访类型"), self.kind, "kind"),
            (self.tr("目的"), self.purpose, "purpose"),
            (self.tr("方式"), self.method, "method"),
            (self.tr("地点"), self.place, "place"),
            (self.tr("内容"), self.content, "content"),
            (self.tr("回访人"), self.assigned, "assigned_id"),
        ):
            form.addRow(label, widget)
            form.addRow("", self._error(key))
            self._focus[key] = widget
        form.addRow("", help_note(self, self.tr("回访人不填时为该客户的客户经理")))
        self._finish_layout([], form)

        with context.session() as session:
            people = [(u.id, u.name) for u in staff.staff_list(session)]
        refill_combo(self.assigned, self.tr("（客户经理）"), staff_items(people))

    def _find(self) -> None:
        find_customers(self, self._context, self.customer_search, self.customer_choice)

    def values(self) -> dict[str, object]:
        return {
            "customer_id": self._customer_id or self.customer_choice.currentData(),
            "planned_on": self.planned_on.date().toPython(),
            "kind": self.kind.currentData(),
            "purpose": self.purpose.currentData(),
            "method": self.method.currentData(),
            "place": self.place.text().strip(),
            "content": self.content.toPlainText().strip(),
            "assigned_id": self.assigned.currentData(),
        }

    def save(self) -> bool:
        values = self.values()

        def plan(session: Session, actor: User) -> str:
            made = revisits.plan_revisit(session, actor, values)
            return f"已新建 {made.planned_on:%Y-%m-%d} 对 {made.customer.name} 的回访计划"

        return self._save(plan)


# ------------------------------------------------------------------ 改期


class RescheduleDialog(_PlanForm):
    """改期: a plan still 计划 moves to another day, with the reason (both required)."""

    def __init__(self, context: AppContext, plan_id: int, parent: QWidget | None = None) -> None:
        super().__init__(context, "planReschedule", "planRescheduleDialog", parent)
        self.setWindowTitle(self.tr("回访计划改期"))
        self._plan_id = plan_id

        self.header = QLabel(self, objectName="planRescheduleHeader")
        self.header.setWordWrap(True)
        self.planned_on = self._day_edit("planRescheduleDate")
        self.reason = QPlainTextEdit(self)
        self.reason.setObjectName("planRescheduleReason")
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText(self.tr("例如：客户临时外出，约定改日拜访"))
        self.reason.setFixedHeight(self.reason.fontMetrics().lineSpacing() * 3 + 14)
        form = QFormLayout()
        form.addRow(self.tr("新的计划日期"), self.planned_on)
        form.addRow("", self._error("planned_on"))
        form.addRow(self.tr("改期原因"), self.reason)
        form.addRow("", self._error("reschedule_reason"))
        self._focus.update(planned_on=self.planned_on, reschedule_reason=self.reason)
        self._finish_layout([self.header], form)

        def read(session: Session, actor: User) -> dict[str, Any]:
            plan = revisits.get_plan(session, actor, plan_id, "edit")
            return {
                "customer": plan.customer.name,
                "planned_on": plan.planned_on,
                "count": plan.reschedule_count or 0,
                "original": plan.original_planned_on,
            }

        found = run_service(self, context, read, refusal_title=self.tr("无法改期"))
        if found is FAILED:
            self.save_button.setEnabled(False)
            QTimer.singleShot(0, self.reject)
            return
        text = (
            self.tr("客户：{customer}　现计划日期：{day}")
            .replace("{customer}", found["customer"])
            .replace("{day}", f"{found['planned_on']:%Y-%m-%d}")
        )
        if found["count"]:
            text += (
                self.tr("（已改期 {count} 次，原定 {original}）")
                .replace("{count}", str(found["count"]))
                .replace("{original}", f"{found['original']:%Y-%m-%d}" if found["original"] else "")
            )
        self.header.setText(text)
        self.planned_on.setDate(QDate(max(found["planned_on"], date.today())))

    def values(self) -> tuple[date, str]:
        return self.planned_on.date().toPython(), self.reason.toPlainText().strip()

    def save(self) -> bool:
        day, reason = self.values()
        plan_id = self._plan_id

        def move(session: Session, actor: User) -> str:
            plan = revisits.reschedule_plan(session, actor, plan_id, day, reason)
            return (
                f"已把对 {plan.customer.name} 的回访计划改到 {plan.planned_on:%Y-%m-%d}"
                f"（第 {plan.reschedule_count} 次改期）"
            )

        return self._save(move, refusal_title=self.tr("无法改期"))
