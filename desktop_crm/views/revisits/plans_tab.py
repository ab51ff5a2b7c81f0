"""回访计划: the plans, with the week's routine plans made in one click, a new plan, 记录回访,
改期, 取消, the visit brief and the printed plan of a date range."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QInputDialog,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop_crm.models import User
from desktop_crm.services import revisit_reports, revisits
from desktop_crm.services.listing import ListQuery, ListSpec
from desktop_crm.views.context import AppContext
from desktop_crm.views.customers.card_widgets import plain_button, tr_data
from desktop_crm.views.service_call import FAILED, run_service
from desktop_crm.views.workers import run_job

from ..widgets import filter_combo, refill_combo
from .lists import staff_items
from .plan_dialogs import PlanDialog, RescheduleDialog
from .tab_base import ListTab


class PlansTab(ListTab):
    """回访计划: filtered by state, who goes, overdue, planned days and search."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.plan_state = filter_combo(
            "revisitPlanState", self, self.tr("全部状态"),
            [(tr_data(state), state) for state in revisits.PLAN_STATES],
        )  # fmt: skip
        self.plan_state.setCurrentIndex(1)  # 计划: what is still to do
        self.plan_assigned = filter_combo("revisitPlanAssigned", self, self.tr("全部回访人"), [])
        self.plan_overdue = QCheckBox(self.tr("只看逾期"), self)
        self.plan_overdue.setObjectName("revisitPlanOverdue")
        self.plan_overdue.setToolTip(self.tr("计划日期已过、仍未回访的计划"))
        self._dates_and_search(
            ("revisitPlanFrom", "revisitPlanTo", "revisitPlanSearch"),
            self.tr("客户名称、拼音或投诉编号"),
        )
        self._watch((self.plan_state, self.plan_assigned))
        self.plan_overdue.toggled.connect(self._overdue_toggled)

        self.generate_button = plain_button(
            self, self.tr("生成本周定期回访计划"), "revisitGenerate"
        )
        self.generate_button.setToolTip(
            self.tr("按客户等级的拜访频次（设置中可改）为合作客户生成本周的定期回访计划；"
                    "本周已有计划的客户跳过")
        )  # fmt: skip
        self.generate_button.clicked.connect(self.generate_week)
        self.new_plan_button = plain_button(self, self.tr("新建计划…"), "revisitNewPlan")
        self.new_plan_button.clicked.connect(self.new_plan)
        self.record_plan_button = plain_button(self, self.tr("记录回访…"), "revisitRecordPlan")
        self.record_plan_button.clicked.connect(self.record_selected_plan)
        self.cancel_plan_button = plain_button(self, self.tr("取消计划…"), "revisitCancelPlan")
        self.cancel_plan_button.clicked.connect(self.cancel_selected_plan)
        self.reschedule_button = plain_button(self, self.tr("改期…"), "revisitReschedule")
        self.reschedule_button.setToolTip(self.tr("把选中的计划改到另一天（须写明原因）"))
        self.reschedule_button.clicked.connect(self.reschedule_selected_plan)
        self.brief_button = plain_button(self, self.tr("拜访简报…"), "revisitBrief")
        self.brief_button.setToolTip(
            self.tr("打印选中计划的客户拜访简报：客户概况、联系人、购货、跟进、投诉和回访")
        )
        self.brief_button.clicked.connect(self.print_brief)
        self.print_plans_button = plain_button(self, self.tr("打印计划表…"), "revisitPrintPlans")
        self.print_plans_button.setToolTip(
            self.tr("打印「从…到…」日期范围内的客户回访计划（未选日期时为本月）")
        )
        self.print_plans_button.clicked.connect(self.print_plans)

        self._make_list(
            "revisitPlanTable", "revisitPlanCount", self.tr("共 {0} 条计划"),
            0, Qt.SortOrder.AscendingOrder, red_when=("overdue", bool),
        )  # fmt: skip
        self._open_on_activate(self.record_selected_plan)

        self._lay_out(
            (self.plan_state, self.plan_assigned, self.plan_overdue),
            self.tr("从"),
            (
                self.generate_button, self.new_plan_button, self.record_plan_button,
                self.reschedule_button, self.cancel_plan_button, self.brief_button,
                self.print_plans_button,
            ),
        )  # fmt: skip

    def set_staff(self, people: list[tuple[int, str]]) -> None:
        """The 回访人 to filter by: `(user_id, name)` of everyone, past staff too."""
        refill_combo(self.plan_assigned, self.tr("全部回访人"), staff_items(people))

    def _overdue_toggled(self, on: bool) -> None:
        # 逾期 means still 计划: the state filter does not apply meanwhile.
        self.plan_state.setEnabled(not on)
        self.apply()

    def list_spec(self) -> ListSpec:
        return revisits.plan_list_spec()

    def build_query(self, session: Session, actor: User, **common: Any) -> ListQuery:
        return revisits.plan_query(
            session,
            actor,
            state=self.plan_state.currentData(),
            assigned_id=self.plan_assigned.currentData(),
            overdue=self.plan_overdue.isChecked(),
            **common,
        )

    # ------------------------------------------------------------- acts

    def generate_week(self) -> None:
        """定期回访 plans for this week, in a worker (a million customers take seconds)."""
        monday, _sunday = revisits.week_of(date.today())

        def job(session: Session, actor: User, _control: object) -> int:
            return revisits.generate_routine_plans(session, actor, monday)

        def done(made: int) -> None:
            self.say(
                self.tr("已生成本周（{monday} 起）定期回访计划 {count} 条")
                .replace("{monday}", f"{monday:%m-%d}")
                .replace("{count}", str(made))
            )
            self.model.refresh()

        run_job(self, self._context, self.tr("生成定期回访计划"), job, done)

    def new_plan(self, customer_id: int | None = None) -> None:
        dialog = PlanDialog(self._context, customer_id, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.say(dialog.outcome)
            self.model.refresh()

    def _selected_open_plan(self, done_text: str) -> int | None:
        """The selected plan still 计划; None, and why said, otherwise."""
        plan_id = self.selected_id(self.tr("请先在列表中选中一条回访计划"))
        if plan_id is not None and self.selected_value("state") != revisits.PLANNED:
            self.say(done_text)
            return None
        return plan_id

    def record_selected_plan(self) -> None:
        plan_id = self._selected_open_plan(self.tr("这条计划已完成或已取消"))
        if plan_id is not None:
            self.record_revisit(plan_id=plan_id)

    def cancel_selected_plan(self) -> None:
        plan_id = self.selected_id(self.tr("请先在列表中选中一条回访计划"))
        if plan_id is None:
            return
        reason, ok = QInputDialog.getText(
            self, self.tr("取消回访计划"), self.tr("取消的原因（必填）：")
        )
        if not ok:
            return
        done = run_service(
            self,
            self._context,
            lambda session, actor: revisits.cancel_plan(session, actor, plan_id, reason).id,
            refusal_title=self.tr("无法取消计划"),
        )
        if done is not FAILED:
            self.say(self.tr("回访计划已取消"))
            self.model.refresh()

    def reschedule_selected_plan(self) -> None:
        """改期 of the selected plan (new day and reason in RescheduleDialog)."""
        plan_id = self._selected_open_plan(self.tr("这条计划已完成或已取消，不能改期"))
        if plan_id is None:
            return
        dialog = RescheduleDialog(self._context, plan_id, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.say(dialog.outcome)
            self.model.refresh()

    # ------------------------------------------------------------- printing

    def plans_period(self) -> tuple[date, date]:
        """The printed plan's days: the list's 从/到, or the current month."""
        today = date.today()
        start = self.date_from.value() or today.replace(day=1)
        end = self.date_to.value()
        if end is None:
            following = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
            end = following - timedelta(days=1)
        return start, end

    def print_plans(self) -> None:
        """客户回访计划 of the list's date range (or this month), in the preview."""
        from desktop_crm import documents

        start, end = self.plans_period()
        title = revisit_reports.PLAN_LIST_TITLE
        self.print_from_worker(
            self.tr("正在生成客户回访计划…"),
            lambda session, actor: documents.revisit_plans_pdf(session, actor, start, end),
            lambda session, actor: documents.revisit_plans_xlsx(session, actor, start, end),
            title,
            f"{title}-{start:%Y%m%d}-{end:%Y%m%d}.pdf",
        )

    def print_brief(self) -> None:
        """客户拜访简报 of the selected plan, in the preview."""
        from desktop_crm import documents

        self._print_selected(
            self.tr("请先在列表中选中一条回访计划"),
            documents.visit_brief_pdf,
            documents.visit_brief_xlsx,
            revisit_reports.BRIEF_TITLE,
            "customer",
        )
