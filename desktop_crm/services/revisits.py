"""回访 (DOMAIN §3): revisit plans (客户回访计划), revisit records (客户回访记录表), the
routine plans of the visit rhythm, the customers not served (服务不到位) and the customer's
timeline of complaints and revisits.

A revisit belongs to its customer's 客户经理 (`Customer.owner_id`): that is what the rights
scope of the area 回访 reaches. Recording a revisit is one unit of work: the record, its
number, the complaint it answers (已回访, or 重新处理 with a new round when the customer is
not satisfied), a complaint registered from a problem found on the visit, the plan it
fulfils and the next plan are written together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    DateTime,
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.sql.selectable import Join

from desktop_crm.models import (
    Complaint,
    Customer,
    FollowUp,
    Revisit,
    RevisitPlan,
    User,
    local_now,
)

from . import access, audit, complaints, rights, settings, workdays
from .customer_list import search_plan
from .errors import Conflict, FieldProblem, NotFound, PermissionDenied, ValidationError
from .field_parsing import ParseError, parse_date
from .listing import ListColumn, ListQuery, ListSpec
from .numbering import take_numbers

# ------------------------------------------------------------------ the vocabulary

KIND_COMPLAINT, KIND_ROUTINE, KIND_KEY_CUSTOMER, KIND_PHONE, KIND_VISIT = (
    "投诉回访",
    "定期回访",
    "大客户特定回访",
    "电话回访",
    "上门拜访",
)
KINDS = (KIND_COMPLAINT, KIND_ROUTINE, KIND_KEY_CUSTOMER, KIND_PHONE, KIND_VISIT)
METHODS = ("电话", "上门", "来访", "微信", "电子邮件", "其他")
PURPOSES = ("有事相访", "礼节性拜访")

# The five levels of DOMAIN §4 and their scores. 「一般」 (the word some forms use for the
# middle level) is read as 基本满意.
SATISFACTION_LEVELS = ("很满意", "满意", "基本满意", "不满意", "很不满意")
SATISFACTION_SCORES = {"很满意": 10, "满意": 8, "基本满意": 6, "不满意": 4, "很不满意": 2}
SATISFACTION_ALIASES = {"一般": "基本满意"}
UNSATISFIED = ("不满意", "很不满意")

PLANNED, DONE, CANCELLED = "计划", "已完成", "已取消"
PLAN_STATES = (PLANNED, DONE, CANCELLED)

SERIES = "revisit"  # numbers HF2026-0001, one series per year
MAX_TEXT = 4000
MAX_SHORT = {"contact_name": 40, "place": 200}

GRADES = ("A", "B", "C", "D")
PARTNER = "合作客户"  # routine plans are for customers the company supplies
# Customers the company no longer serves (or never did) are not 服务不到位.
NOT_SERVED_EXCLUDED = ("已淘汰", "未成交")

FIELD_LABELS = {
    "customer_id": "客户",
    "kind": "回访类型",
    "complaint_id": "所回访的投诉",
    "plan_id": "回访计划",
    "visited_on": "回访日期",
    "method": "回访方式",
    "staff_id": "回访人",
    "contact_name": "联系人",
    "discussion": "回访内容",
    "needs": "客户需求与意见",
    "satisfaction": "满意度",
    "problems": "发现的问题",
    "next_visit_on": "下次回访日期",
    "complaint_category": "新投诉类别",
    "planned_on": "计划日期",
    "place": "地点",
    "purpose": "目的",
    "content": "回访内容",
    "assigned_id": "回访人",
    "reason": "取消原因",
    "reschedule_reason": "改期原因",
}


def normalise_satisfaction(value: object) -> str | None:
    """One of SATISFACTION_LEVELS, None when empty; ValueError for anything else."""
    text = str(value or "").strip()
    if not text:
        return None
    text = SATISFACTION_ALIASES.get(text, text)
    if text not in SATISFACTION_LEVELS:
        raise ValueError(f"满意度应为：{'、'.join(SATISFACTION_LEVELS)}。")
    return text


# ------------------------------------------------------------------ small helpers


def _label(revisit: Revisit) -> str:
    return f"{revisit.number} {revisit.customer.name if revisit.customer else ''}".strip()


def _plan_label(plan: RevisitPlan) -> str:
    name = plan.customer.name if plan.customer else ""
    return f"{plan.planned_on:%Y-%m-%d} {plan.kind} {name}".strip()


def _text(
    values: Mapping[str, object], key: str, problems: list[FieldProblem], required: bool = False
) -> str | None:
    text = str(values.get(key) or "").strip()
    limit = MAX_SHORT.get(key, MAX_TEXT)
    if required and not text:
        problems.append(FieldProblem(key, f"{FIELD_LABELS[key]}：必须填写。"))
    elif len(text) > limit:
        problems.append(
            FieldProblem(key, f"{FIELD_LABELS[key]}：最多 {limit} 个字（现有 {len(text)} 个）。")
        )
    return text or None


def _date(values: Mapping[str, object], key: str, problems: list[FieldProblem]) -> date | None:
    try:
        return parse_date(values.get(key))
    except ParseError as error:
        problems.append(FieldProblem(key, f"{FIELD_LABELS[key]}：{error}"))
        return None


def _choice(
    values: Mapping[str, object],
    key: str,
    allowed: tuple[str, ...],
    problems: list[FieldProblem],
    default: str | None = None,
) -> str | None:
    text = str(values.get(key) or "").strip() or default
    if text is not None and text not in allowed:
        problems.append(FieldProblem(key, f"{FIELD_LABELS[key]}：应为：{'、'.join(allowed)}。"))
        return None
    return text


def _int_id(values: Mapping[str, object], key: str, problems: list[FieldProblem]) -> int | None:
    raw = values.get(key)
    if raw in (None, ""):
        return None
    try:
        return int(raw)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        problems.append(FieldProblem(key, f"{FIELD_LABELS[key]}：所选项无效。"))
        return None


def _staff(
    session: Session, values: Mapping[str, object], key: str, problems: list[FieldProblem]
) -> User | None:
    user_id = _int_id(values, key, problems)
    if user_id is None:
        return None
    user = session.get(User, user_id)
    if user is None:
        problems.append(FieldProblem(key, f"{FIELD_LABELS[key]}：所选人员已不存在。"))
    return user


def _commit(session: Session) -> None:
    try:
        session.commit()
    except StaleDataError:
        session.rollback()
        raise Conflict("这条投诉或回访计划刚被别人修改过。请关闭后重新打开，再记录。") from None


def _customer_in_reach(session: Session, actor: User, customer_id: int, action: str) -> Customer:
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound("这个客户已不存在。")
    access.check(
        session,
        actor,
        "revisits",
        action,
        customer.owner_id,
        audit.customer_label(customer.code, customer.name),
    )
    return customer


# ------------------------------------------------------------------ reading one


def get_revisit(session: Session, actor: User, revisit_id: int, action: str = "view") -> Revisit:
    """The revisit record, when its customer is within `actor`'s reach for `action`."""
    rights.require(session, actor, "revisits", action)
    revisit = session.get(Revisit, revisit_id)
    if revisit is None:
        raise NotFound("这条回访记录已不存在。")
    access.check(session, actor, "revisits", action, revisit.customer.owner_id, _label(revisit))
    return revisit


def get_by_number(session: Session, actor: User, number: str) -> Revisit:
    rights.require(session, actor, "revisits", "view")
    found = session.scalar(select(Revisit.id).where(Revisit.number == number.strip().upper()))
    if found is None:
        raise NotFound(f"没有回访编号为「{number}」的回访记录。")
    return get_revisit(session, actor, found)


def get_plan(session: Session, actor: User, plan_id: int, action: str = "view") -> RevisitPlan:
    rights.require(session, actor, "revisits", action)
    plan = session.get(RevisitPlan, plan_id)
    if plan is None:
        raise NotFound("这条回访计划已不存在。")
    access.check(session, actor, "revisits", action, plan.customer.owner_id, _plan_label(plan))
    return plan


# ------------------------------------------------------------------ recording a revisit


@dataclass
class _RevisitInput:
    customer: Customer
    kind: str
    complaint: Complaint | None
    plan: RevisitPlan | None
    visited_on: date
    method: str | None
    staff: User
    contact_name: str | None
    discussion: str | None
    needs: str | None
    satisfaction: str | None
    problems: str | None
    next_visit_on: date | None
    make_complaint: bool
    complaint_category: str | None


def _clean_revisit(session: Session, actor: User, values: Mapping[str, object]) -> _RevisitInput:
    """Every check before anything is written; all refusals of the form at once."""
    problems: list[FieldProblem] = []
    today = date.today()

    plan = None
    plan_id = _int_id(values, "plan_id", problems)
    if plan_id is not None:
        plan = get_plan(session, actor, plan_id, "view")
        if plan.state != PLANNED:
            problems.append(FieldProblem("plan_id", f"这条回访计划{plan.state}，不能再记录回访。"))

    complaint = None
    complaint_id = _int_id(values, "complaint_id", problems)
    if complaint_id is None and plan is not None:
        complaint_id = plan.complaint_id
    if complaint_id is not None:
        complaint = complaints.get_complaint(session, actor, complaint_id, "view")
        reason = complaints.refusal(complaint, complaints.REVISIT)
        if reason:
            problems.append(FieldProblem("complaint_id", f"投诉 {complaint.number}：{reason}"))

    customer_id = _int_id(values, "customer_id", problems)
    for source, other in (("所回访的投诉", complaint), ("回访计划", plan)):
        if other is None:
            continue
        if customer_id is None:
            customer_id = other.customer_id
        elif other.customer_id != customer_id:
            problems.append(FieldProblem("customer_id", f"{source}不是这个客户的。"))
    if customer_id is None:
        raise ValidationError("请选择回访的客户。", field="customer_id")
    customer = _customer_in_reach(session, actor, customer_id, "create")

    default_kind = KIND_COMPLAINT if complaint else (plan.kind if plan else KIND_ROUTINE)
    kind = _choice(values, "kind", KINDS, problems, default_kind) or default_kind
    if complaint is not None:
        kind = KIND_COMPLAINT  # a complaint's revisit is a 投诉回访 whatever was picked
    elif kind == KIND_COMPLAINT:
        problems.append(FieldProblem("complaint_id", "投诉回访须选择所回访的投诉。"))

    visited_on = _date(values, "visited_on", problems)
    if "visited_on" not in {p.field for p in problems}:
        if visited_on is None:
            problems.append(FieldProblem("visited_on", "回访日期：必须填写。"))
        elif visited_on > today:
            problems.append(FieldProblem("visited_on", "回访日期不能晚于今天。"))
        elif (
            complaint is not None
            and complaint.handled_at is not None
            and visited_on < complaint.handled_at.date()
        ):
            problems.append(
                FieldProblem(
                    "visited_on",
                    f"回访日期不能早于投诉处理完毕的日期（{complaint.handled_at:%Y-%m-%d}）。",
                )
            )
    next_visit_on = _date(values, "next_visit_on", problems)
    if next_visit_on is not None:
        if visited_on is not None and next_visit_on <= visited_on:
            problems.append(FieldProblem("next_visit_on", "下次回访日期应晚于本次回访日期。"))
        elif next_visit_on < today:
            problems.append(FieldProblem("next_visit_on", "下次回访日期不能早于今天。"))

    method = _choice(values, "method", METHODS, problems)
    staff = _staff(session, values, "staff_id", problems) if values.get("staff_id") else actor
    contact_name = _text(values, "contact_name", problems)
    discussion = _text(values, "discussion", problems)
    needs = _text(values, "needs", problems)
    found = _text(values, "problems", problems)
    try:
        satisfaction = normalise_satisfaction(values.get("satisfaction"))
    except ValueError as error:
        problems.append(FieldProblem("satisfaction", str(error)))
        satisfaction = None
    else:
        if satisfaction is None and complaint is not None:
            problems.append(FieldProblem("satisfaction", "满意度：投诉回访必须记录客户是否满意。"))

    make_complaint = bool(values.get("make_complaint"))
    category = str(values.get("complaint_category") or "").strip() or None
    if make_complaint:
        if not found:
            problems.append(FieldProblem("problems", "据此登记新投诉：请先写下发现的问题。"))
        if category is None:
            problems.append(FieldProblem("complaint_category", "新投诉类别：必须选择。"))
        elif category not in complaints.categories(session):
            problems.append(
                FieldProblem(
                    "complaint_category",
                    f"新投诉类别：应为：{'、'.join(complaints.categories(session))}。",
                )
            )
        if not rights.may(session, actor, "complaints", "create"):
            problems.append(
                FieldProblem(
                    "make_complaint",
                    f"您没有「{rights.right_name('complaints', 'create')}」的权限，"
                    "不能据此登记新投诉。",
                )
            )
    if problems:
        raise ValidationError(problems)
    assert visited_on is not None and staff is not None
    return _RevisitInput(
        customer=customer,
        kind=kind,
        complaint=complaint,
        plan=plan,
        visited_on=visited_on,
        method=method,
        staff=staff,
        contact_name=contact_name,
        discussion=discussion,
        needs=needs,
        satisfaction=satisfaction,
        problems=found,
        next_visit_on=next_visit_on,
        make_complaint=make_complaint,
        complaint_category=category,
    )


# The new complaint's 投诉方式 from the way the revisit was made.
_CHANNEL_OF_METHOD = {"电话": "电话", "电子邮件": "电子邮件", "来访": "来访"}
# A refusal of the new complaint, shown beside the revisit form's own fields.
_COMPLAINT_FIELD_ON_FORM = {
    "category": "complaint_category",
    "content": "problems",
    "customer_id": "customer_id",
    "contact_name": "contact_name",
}


def record_revisit(
    session: Session, actor: User, values: Mapping[str, object], commit: bool = True
) -> Revisit:
    """记录回访 (客户回访记录表) in one unit of work.

    `values` keys: customer_id (may come from the complaint or the plan), kind, complaint_id,
    plan_id, visited_on, method, staff_id (default the actor), contact_name, discussion,
    needs, satisfaction (DOMAIN §4's five levels; required for a complaint's revisit),
    problems, next_visit_on, make_complaint (bool) with complaint_category.

    A complaint's revisit stores the complaint's round and moves the complaint (satisfied →
    已回访; 不满意/很不满意 → 重新处理 with a new round). With `make_complaint` the problem
    becomes a new complaint of this customer, linked as `new_complaint_id`. The plan
    becomes 已完成; `next_visit_on` plans the next revisit. All of it or nothing.
    """
    rights.require(session, actor, "revisits", "create")
    try:
        data = _clean_revisit(session, actor, values)
        revisit = _write_revisit(session, actor, data)
        if commit:
            _commit(session)
        return revisit
    except Exception:
        session.rollback()
        raise


def _write_revisit(session: Session, actor: User, data: _RevisitInput) -> Revisit:
    year = data.visited_on.year
    number = f"HF{year}-{take_numbers(session, f'{SERIES}-{year}'):04d}"
    revisit = Revisit(
        number=number,
        customer=data.customer,
        kind=data.kind,
        complaint_id=data.complaint.id if data.complaint else None,
        complaint_round=data.complaint.round if data.complaint else None,
        plan_id=data.plan.id if data.plan else None,
        visited_on=data.visited_on,
        method=data.method,
        staff_id=data.staff.id,
        contact_name=data.contact_name,
        discussion=data.discussion,
        needs=data.needs,
        satisfaction=data.satisfaction,
        problems=data.problems,
        next_visit_on=data.next_visit_on,
        created_by_id=actor.id,
        created_at=local_now(),
    )
    session.add(revisit)
    session.flush()
    audit.record(
        session, actor, audit.CREATE, "revisit", revisit.id, _label(revisit),
        detail="；".join(
            part for part in (
                data.kind,
                data.complaint.number if data.complaint else None,
                f"客户{data.satisfaction}" if data.satisfaction else None,
            ) if part
        ),
    )  # fmt: skip
    if data.complaint is not None:
        assert data.satisfaction is not None
        complaints.revisited(session, actor, data.complaint, data.satisfaction, f"回访 {number}")
    if data.make_complaint:
        revisit.new_complaint_id = _register_complaint(session, actor, data, number).id
    if data.plan is not None:
        data.plan.state = DONE
        audit.record(
            session, actor, audit.EDIT, "revisit_plan", data.plan.id, _plan_label(data.plan),
            field="状态", old=PLANNED, new=DONE, detail=f"回访 {number}",
        )  # fmt: skip
    if data.next_visit_on is not None:
        reopened = data.complaint is not None and data.satisfaction in UNSATISFIED
        # After a satisfied complaint revisit the next call is an ordinary one.
        kind = data.kind if data.kind != KIND_COMPLAINT or reopened else KIND_ROUTINE
        plan = RevisitPlan(
            customer=data.customer,
            kind=kind,
            planned_on=data.next_visit_on,
            method=data.method,
            assigned_id=data.staff.id,
            complaint_id=data.complaint.id if kind == KIND_COMPLAINT and data.complaint else None,
            content=f"上次回访 {number}",
            state=PLANNED,
            created_by_id=actor.id,
            created_at=local_now(),
        )
        session.add(plan)
        session.flush()
        audit.record(session, actor, audit.CREATE, "revisit_plan", plan.id, _plan_label(plan))
    return revisit


def _register_complaint(
    session: Session, actor: User, data: _RevisitInput, number: str
) -> Complaint:
    """The problem found on the revisit, registered as a complaint in the same transaction."""
    now = local_now()
    received = (
        now if data.visited_on >= now.date() else datetime.combine(data.visited_on, now.time())
    )
    try:
        return complaints.register(
            session,
            actor,
            {
                "customer_id": data.customer.id,
                "category": data.complaint_category,
                "content": data.problems,
                "channel": _CHANNEL_OF_METHOD.get(data.method or "", "其他"),
                "received_at": received,
                "contact_name": data.contact_name,
                "narrative": f"{data.kind}（{number}）中发现的问题。",
            },
            commit=False,
        )
    except ValidationError as error:
        raise ValidationError(
            FieldProblem(
                _COMPLAINT_FIELD_ON_FORM.get(p.field, "make_complaint"), f"新投诉：{p.message}"
            )
            for p in error.problems
        ) from None


# ------------------------------------------------------------------ plans


def plan_revisit(
    session: Session, actor: User, values: Mapping[str, object], commit: bool = True
) -> RevisitPlan:
    """客户回访计划: customer_id, planned_on, kind (default 定期回访), place, purpose,
    content, method, assigned_id (default the customer's 客户经理), complaint_id."""
    rights.require(session, actor, "revisits", "create")
    problems: list[FieldProblem] = []
    customer_id = _int_id(values, "customer_id", problems)
    if customer_id is None:
        raise ValidationError("请选择回访的客户。", field="customer_id")
    customer = _customer_in_reach(session, actor, customer_id, "create")
    planned_on = _date(values, "planned_on", problems)
    if planned_on is None and "planned_on" not in {p.field for p in problems}:
        problems.append(FieldProblem("planned_on", "计划日期：必须填写。"))
    elif planned_on is not None and planned_on < date.today():
        problems.append(FieldProblem("planned_on", "计划日期不能早于今天。"))
    kind = _choice(values, "kind", KINDS, problems, KIND_ROUTINE)
    purpose = _choice(values, "purpose", PURPOSES, problems)
    method = _choice(values, "method", METHODS, problems)
    place = _text(values, "place", problems)
    content = _text(values, "content", problems)
    assigned = _staff(session, values, "assigned_id", problems)
    if assigned is not None and not assigned.active:
        problems.append(FieldProblem("assigned_id", f"{assigned.name} 的账户已停用。"))
    complaint_id = _int_id(values, "complaint_id", problems)
    if complaint_id is not None:
        complaint = complaints.get_complaint(session, actor, complaint_id, "view")
        if complaint.customer_id != customer.id:
            problems.append(FieldProblem("complaint_id", "所选投诉不是这个客户的。"))
    elif kind == KIND_COMPLAINT:
        problems.append(FieldProblem("complaint_id", "投诉回访须选择所回访的投诉。"))
    if problems:
        raise ValidationError(problems)
    assert planned_on is not None
    plan = RevisitPlan(
        customer=customer,
        kind=kind,
        planned_on=planned_on,
        place=place,
        purpose=purpose,
        content=content,
        method=method,
        assigned_id=assigned.id if assigned else (customer.owner_id or actor.id),
        complaint_id=complaint_id,
        state=PLANNED,
        created_by_id=actor.id,
        created_at=local_now(),
    )
    session.add(plan)
    session.flush()
    audit.record(session, actor, audit.CREATE, "revisit_plan", plan.id, _plan_label(plan))
    if commit:
        _commit(session)
    return plan


def cancel_plan(session: Session, actor: User, plan_id: int, reason: str) -> RevisitPlan:
    """取消计划, with the reason (kept in the audit log). Needs 回访·修改 over the customer."""
    plan = get_plan(session, actor, plan_id, "edit")
    if plan.state != PLANNED:
        raise ValidationError(f"这条回访计划{plan.state}，不能取消。", field="plan_id")
    problems: list[FieldProblem] = []
    why = _text({"reason": reason}, "reason", problems, required=True)
    if problems:
        raise ValidationError(problems)
    plan.state = CANCELLED
    audit.record(
        session, actor, audit.EDIT, "revisit_plan", plan.id, _plan_label(plan),
        field="状态", old=PLANNED, new=CANCELLED, detail=why,
    )  # fmt: skip
    _commit(session)
    return plan


def reschedule_plan(
    session: Session, actor: User, plan_id: int, planned_on: object, reason: str
) -> RevisitPlan:
    """改期: move a plan still 计划 to another day (not before today), with the reason.
    The first planned day stays in `original_planned_on`, `reschedule_count` counts the
    moves; a 已完成 or 已取消 plan cannot move. Needs 回访·修改 over the customer; recorded
    in the audit log. A plan changed meanwhile by someone else is refused (Conflict)."""
    plan = get_plan(session, actor, plan_id, "edit")
    if plan.state != PLANNED:
        raise ValidationError(f"这条回访计划{plan.state}，不能改期。", field="plan_id")
    problems: list[FieldProblem] = []
    new_day = _date({"planned_on": planned_on}, "planned_on", problems)
    if new_day is None and not problems:
        problems.append(FieldProblem("planned_on", "新的计划日期：必须填写。"))
    elif new_day is not None and new_day < date.today():
        problems.append(FieldProblem("planned_on", "新的计划日期不能早于今天。"))
    elif new_day is not None and new_day == plan.planned_on:
        problems.append(FieldProblem("planned_on", "新的计划日期与现在的计划日期相同。"))
    why = _text({"reschedule_reason": reason}, "reschedule_reason", problems, required=True)
    if problems:
        raise ValidationError(problems)
    assert new_day is not None
    old_day = plan.planned_on
    # Compare-and-set: the plan must still be 计划 on the day the user saw.
    moved = session.execute(
        update(RevisitPlan)
        .where(
            RevisitPlan.id == plan.id,
            RevisitPlan.state == PLANNED,
            RevisitPlan.planned_on == old_day,
        )
        .values(
            planned_on=new_day,
            original_planned_on=func.coalesce(RevisitPlan.original_planned_on, old_day),
            reschedule_reason=why,
            reschedule_count=func.coalesce(RevisitPlan.reschedule_count, 0) + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise Conflict("这条回访计划刚被别人改期、完成或取消了。请刷新列表后再试。")
    session.refresh(plan)
    audit.record(
        session, actor, audit.EDIT, "revisit_plan", plan.id, _plan_label(plan),
        field="计划日期", old=f"{old_day:%Y-%m-%d}", new=f"{new_day:%Y-%m-%d}",
        detail=f"改期（第 {plan.reschedule_count} 次）：{why}",
    )  # fmt: skip
    _commit(session)
    return plan


def week_of(day: date) -> tuple[date, date]:
    """Monday and Sunday of the week `day` lies in."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def visit_days(session: Session, monday: date, today: date | None = None) -> list[date]:
    """The days of the week visits are planned on: its working days (Chinese calendar with
    the office's entries; Monday–Friday for a week that has none, the Spring Festival).
    The current week only from `today` on, so no plan is overdue when it is made (its
    weekend, when no working day is left)."""
    calendar = workdays.load_calendar(session)
    week = [monday + timedelta(days=offset) for offset in range(7)]
    working = [day for day in week if calendar.is_workday(day)] or week[:5]
    today = today or date.today()
    if not monday <= today <= week[-1]:
        return working
    return [day for day in working if day >= today] or [day for day in week if day >= today]


def _slot_offsets(visits: int, days: int) -> list[int]:
    """Where a customer's visits fall among the week's `days` working days, evenly spread
    (2 of 5 → the 1st and 3rd day after the customer's own starting day)."""
    return [index * days // visits for index in range(visits)]


# Customers per INSERT … SELECT of the routine plans (by id range): a million customers
# are planned in a few statements, never one query per customer.
GENERATE_CHUNK = 200_000


def generate_routine_plans(
    session: Session, actor: User, week_start: date, today: date | None = None
) -> int:
    """定期回访 plans for the week of `week_start` from the visit rhythm (settings
    visits.per_week.A–D: A twice, B/C/D once by default) for every 合作客户 within the
    actor's reach, assigned to its 客户经理, on the week's working days (spread over the
    week by customer; in the current week from `today` on, see visit_days); customers
    that already have a plan that week are skipped.
    Set-based SQL; returns how many plans were made. Commits."""
    rights.require(session, actor, "revisits", "create")
    monday, sunday = week_of(week_start)
    days = visit_days(session, monday, today)
    slots = [
        (grade, visit, offset)
        for grade in GRADES
        for visit, offset in enumerate(
            _slot_offsets(settings.value(session, f"visits.per_week.{grade}"), len(days))
        )
    ]
    if not slots:
        return 0
    made = _insert_routine_plans(session, actor, monday, sunday, days, slots)
    if made:
        year, week, _ = monday.isocalendar()
        audit.record(
            session, actor, audit.CREATE, "revisit_plan",
            object_label=f"{year} 年第 {week} 周定期回访计划",
            detail=f"按拜访频次生成 {made} 条（{monday:%m-%d}～{sunday:%m-%d}）",
        )  # fmt: skip
    _commit(session)
    return made


def _insert_routine_plans(
    session: Session,
    actor: User,
    monday: date,
    sunday: date,
    days: list[date],
    slots: list[tuple[str, int, int]],
) -> int:
    # One SELECT per (n-th visit, day offset) with the grades that share it; more visits
    # than days put two on one day, each its own plan.
    grades_by_slot: dict[tuple[int, int], list[str]] = {}
    for grade, visit, offset in slots:
        grades_by_slot.setdefault((visit, offset), []).append(grade)
    existing = aliased(RevisitPlan, name="existing")
    planned_already = exists().where(
        existing.customer_id == Customer.id,
        existing.planned_on >= monday,
        existing.planned_on <= sunday,
        existing.state != CANCELLED,
    )
    reach = access.scope_condition(
        session, actor, "revisits", "create", Customer.owner_id, for_count=True
    )
    now = local_now()
    columns = (
        "customer_id", "kind", "planned_on", "purpose", "assigned_id", "state",
        "created_by_id", "created_at",
    )  # fmt: skip
    lowest, highest = session.execute(select(func.min(Customer.id), func.max(Customer.id))).one()
    if lowest is None:
        return 0
    made = 0
    for start in range(lowest, highest + 1, GENERATE_CHUNK):
        selects = []
        for (_visit, offset), grades in grades_by_slot.items():
            query = select(
                Customer.id,
                literal(KIND_ROUTINE),
                _day_of_visit(days, offset),
                literal("礼节性拜访"),
                Customer.owner_id,
                literal(PLANNED),
                literal(actor.id, Integer),
                literal(now, DateTime),
            ).where(
                Customer.id >= start,
                Customer.id < start + GENERATE_CHUNK,
                Customer.status == PARTNER,
                Customer.grade.in_(grades),
                ~planned_already,
            )
            if reach is not None:
                query = query.where(reach)
            selects.append(query)
        source = selects[0] if len(selects) == 1 else union_all(*selects)
        statement = insert(RevisitPlan).from_select(columns, source, include_defaults=False)
        # psycopg reports an INSERT … SELECT's row count only when asked to keep it.
        result = session.execute(statement.execution_options(preserve_rowcount=True))
        made += result.rowcount  # type: ignore[attr-defined]
    return made


def _day_of_visit(days: list[date], offset: int) -> ColumnElement[Any]:
    """The visit day of each customer: its id picks the first day, `offset` moves on."""
    if len(days) == 1:
        return literal(days[0], Date)
    position = (Customer.id + offset) % len(days)
    return case(
        *((position == index, literal(day, Date)) for index, day in enumerate(days[:-1])),
        else_=literal(days[-1], Date),
    )


# ------------------------------------------------------------------ lists


class CustomerFirstJoin(Join):
    """An inner join SQLite must run customer first (its CROSS JOIN): sorted by the
    customer's name, the list then walks the name index and finds each customer's rows
    through their customer index, stopping after a page (400,000 revisits: 2.5 s → 15 ms).
    Elsewhere a plain JOIN."""

    inherit_cache = True


@compiles(CustomerFirstJoin, "sqlite")
def _customer_first_on_sqlite(element: CustomerFirstJoin, compiler: Any, **kw: Any) -> str:
    # The left side is the bare customer table, so the first " JOIN " is this join's own.
    return compiler.visit_join(element, **kw).replace(" JOIN ", " CROSS JOIN ", 1)


@dataclass(frozen=True)
class CustomerSortableQuery(ListQuery):
    """A list over rows of customers that reads customer first when sorted by customer."""

    customer_first: Callable[[Select[Any]], Select[Any]] | None = None

    def _where(
        self, query: Select[Any], scan_in_order: bool = False, counting: bool = False
    ) -> Select[Any]:
        if (
            not counting
            and self.customer_first is not None
            and (self.sort_key or self.spec.default_sort) == "customer"
        ):
            spec = replace(self.spec, from_clause=self.customer_first)
            return replace(self, spec=spec, customer_first=None)._where(
                query, scan_in_order, counting
            )
        return super()._where(query, scan_in_order, counting)


Staff = aliased(User, name="staff")
Assigned = aliased(User, name="assigned")
Owner = aliased(User, name="owner")
AnsweredComplaint = aliased(Complaint, name="answered_complaint")
NewComplaint = aliased(Complaint, name="new_complaint")
PlanComplaint = aliased(Complaint, name="plan_complaint")

REVISIT_COLUMNS = (
    ListColumn("number", "回访编号", Revisit.number, width=13),
    ListColumn("visited_on", "回访日期", Revisit.visited_on, kind="date", width=11),
    ListColumn("customer", "客户名称", Customer.name, width=28, sort_expr=Customer.pinyin_sort),
    ListColumn("kind", "回访类型", Revisit.kind, width=12),
    ListColumn("method", "方式", Revisit.method, width=6),
    ListColumn("staff", "回访人", Staff.name, width=8),
    ListColumn("contact", "联系人", Revisit.contact_name, width=8),
    ListColumn("satisfaction", "满意度", Revisit.satisfaction, width=8, align="center"),
    ListColumn("complaint", "投诉编号", AnsweredComplaint.number, width=13),
    ListColumn("problems", "发现的问题", Revisit.problems, width=24),
    ListColumn("new_complaint", "新登记投诉", NewComplaint.number, width=13),
    ListColumn("next_visit_on", "下次回访", Revisit.next_visit_on, kind="date", width=11),
)


def _revisit_from(query: Select[Any]) -> Select[Any]:
    return (
        query.select_from(Revisit)
        .join(Customer, Customer.id == Revisit.customer_id)
        .outerjoin(Staff, Staff.id == Revisit.staff_id)
        .outerjoin(AnsweredComplaint, AnsweredComplaint.id == Revisit.complaint_id)
        .outerjoin(NewComplaint, NewComplaint.id == Revisit.new_complaint_id)
    )


def _revisit_customer_first(query: Select[Any]) -> Select[Any]:
    return (
        query.select_from(
            CustomerFirstJoin(
                Customer.__table__, Revisit.__table__, Customer.id == Revisit.customer_id
            )
        )
        .outerjoin(Staff, Staff.id == Revisit.staff_id)
        .outerjoin(AnsweredComplaint, AnsweredComplaint.id == Revisit.complaint_id)
        .outerjoin(NewComplaint, NewComplaint.id == Revisit.new_complaint_id)
    )


REVISIT_LIST = ListSpec(
    name="revisits",
    id_expr=Revisit.id,
    columns=REVISIT_COLUMNS,
    from_clause=_revisit_from,
    default_sort="visited_on",
    # Counting needs the customer only for the scope or a customer search (see _counted).
    count_from=lambda query: query.select_from(Revisit).join(
        Customer, Customer.id == Revisit.customer_id
    ),
)


def _overdue_flag(today: date) -> ColumnElement[Any]:
    return case(
        (and_(RevisitPlan.state == PLANNED, RevisitPlan.planned_on < today), "逾期"),
        else_=null(),
    )


def _rescheduled_text() -> ColumnElement[Any]:
    """「改期 2 次」 for a plan that was moved, empty otherwise."""
    return case(
        (
            RevisitPlan.reschedule_count > 0,
            literal("改期 ") + cast(RevisitPlan.reschedule_count, String) + literal(" 次"),
        ),
        else_=null(),
    )


def _plan_columns(today: date) -> tuple[ListColumn, ...]:
    return (
        ListColumn("planned_on", "计划日期", RevisitPlan.planned_on, kind="date", width=11),
        ListColumn("overdue", "逾期", _overdue_flag(today), width=6, align="center"),
        ListColumn("customer", "客户名称", Customer.name, width=28, sort_expr=Customer.pinyin_sort),
        ListColumn("grade", "等级", Customer.grade, width=5, align="center"),
        ListColumn("kind", "回访类型", RevisitPlan.kind, width=12),
        ListColumn("purpose", "目的", RevisitPlan.purpose, width=10),
        ListColumn("method", "方式", RevisitPlan.method, width=6),
        ListColumn("place", "地点", RevisitPlan.place, width=16),
        ListColumn("assigned", "回访人", Assigned.name, width=8),
        ListColumn("state", "状态", RevisitPlan.state, width=7, align="center"),
        ListColumn(
            "rescheduled",
            "改期",
            _rescheduled_text(),
            width=9,
            align="center",
            sort_expr=RevisitPlan.reschedule_count,
        ),
        ListColumn("complaint", "投诉编号", PlanComplaint.number, width=13),
        ListColumn("content", "内容", RevisitPlan.content, width=24),
    )


def _plan_from(query: Select[Any]) -> Select[Any]:
    return (
        query.select_from(RevisitPlan)
        .join(Customer, Customer.id == RevisitPlan.customer_id)
        .outerjoin(Assigned, Assigned.id == RevisitPlan.assigned_id)
        .outerjoin(PlanComplaint, PlanComplaint.id == RevisitPlan.complaint_id)
    )


def _plan_customer_first(query: Select[Any]) -> Select[Any]:
    return (
        query.select_from(
            CustomerFirstJoin(
                Customer.__table__, RevisitPlan.__table__, Customer.id == RevisitPlan.customer_id
            )
        )
        .outerjoin(Assigned, Assigned.id == RevisitPlan.assigned_id)
        .outerjoin(PlanComplaint, PlanComplaint.id == RevisitPlan.complaint_id)
    )


def plan_list_spec(today: date | None = None) -> ListSpec:
    """The plan list's columns; the 逾期 column is worked out against `today`."""
    return ListSpec(
        name="revisit_plans",
        id_expr=RevisitPlan.id,
        columns=_plan_columns(today or date.today()),
        from_clause=_plan_from,
        default_sort="planned_on",
        count_from=lambda query: query.select_from(RevisitPlan).join(
            Customer, Customer.id == RevisitPlan.customer_id
        ),
    )


def _without_customer_join(spec: ListSpec, table: Any) -> ListSpec:
    """Counting rows whose conditions never name the customer: no join, no lookups
    (400,000 revisits: one index instead of 400,000 customer rows)."""
    return replace(spec, count_from=lambda query: query.select_from(table))


def _search_conditions(
    session: Session, search: str, by_number: Callable[[str], ColumnElement[bool]]
) -> tuple[list[ColumnElement[bool]], bool]:
    """A number (HF2026-0001 or TS2026-0001, or the start of one) or the customer, found as
    the customer list finds it; the flag says whether the conditions name the customer."""
    text = search.strip()
    if not text:
        return [], False
    upper = text.upper()
    if upper.startswith(("HF", "TS")) and any(ch.isdigit() for ch in upper):
        return [by_number(upper)], False
    plan = search_plan(session, text)
    conditions = list(plan.conditions)
    if plan.id_filter is not None:
        conditions.append(Customer.id.in_(plan.id_filter))
    return conditions, True


def _period(column: ColumnElement[Any], start: object, end: object) -> list[ColumnElement[bool]]:
    conditions = []
    first, last = parse_date(start), parse_date(end)
    if first is not None:
        conditions.append(column >= first)
    if last is not None:
        conditions.append(column <= last)
    return conditions


def _owned_rows(session: Session, owners: list[int]) -> ColumnElement[bool]:
    """The rows of customers of `owners`, written for reading a page in the list's order.

    When those customers are a large share of all, `+ 0` keeps SQLite off the owner index:
    a page then walks the list's own order (revisit day, plan day) and looks each row's
    customer up, instead of reading all of a 客户经理's 44,000 revisits and sorting them
    (a million customers: 450 ms → 15 ms). Sorted by customer the join reads customers
    first anyway (CustomerFirstJoin). The same rule as access.scope_condition, applied to
    one owner too."""
    return access.owners_condition(session, Customer.owner_id, owners)


def _scoped(
    session: Session,
    actor: User,
    spec: ListSpec,
    table: Any,
    conditions: list[ColumnElement[bool]],
    names_customer: bool,
    sort_key: str | None,
    descending: bool,
    customer_first: Callable[[Select[Any]], Select[Any]],
) -> ListQuery:
    owners = access.owners_in_reach(session, actor, "revisits", "view")
    counted = list(conditions)
    if owners is not None:
        ids = sorted(owners)
        conditions = [*conditions, _owned_rows(session, ids)]
        counted.append(Customer.owner_id.in_(ids))
    elif not names_customer:
        spec = _without_customer_join(spec, table)
    return CustomerSortableQuery(
        spec=spec,
        conditions=tuple(conditions),
        count_conditions=tuple(counted),
        sort_key=sort_key,
        descending=descending,
        customer_first=customer_first,
    )


UNSATISFIED_FILTER = "不满意及以下"


def revisit_query(
    session: Session,
    actor: User,
    kind: str | None = None,
    satisfaction: str | None = None,
    date_from: object = None,
    date_to: object = None,
    search: str = "",
    customer_id: int | None = None,
    complaint_id: int | None = None,
    sort_key: str | None = None,
    descending: bool = True,
) -> ListQuery:
    """客户回访记录 as `actor` sees them: by kind, satisfaction (「不满意以下」 is
    UNSATISFIED_FILTER), period (回访日期), customer, complaint; newest first."""
    conditions: list[ColumnElement[bool]] = []
    if kind:
        conditions.append(Revisit.kind == kind)
    if satisfaction == UNSATISFIED_FILTER:
        conditions.append(Revisit.satisfaction.in_(UNSATISFIED))
    elif satisfaction:
        conditions.append(Revisit.satisfaction == normalise_satisfaction(satisfaction))
    conditions += _period(Revisit.visited_on, date_from, date_to)
    if customer_id is not None:
        conditions.append(Revisit.customer_id == customer_id)
    if complaint_id is not None:
        conditions.append(Revisit.complaint_id == complaint_id)
    found, names_customer = _search_conditions(session, search, _revisit_number)
    return _scoped(
        session, actor, REVISIT_LIST, Revisit, conditions + found, names_customer,
        sort_key, descending, _revisit_customer_first,
    )  # fmt: skip


def _revisit_number(text: str) -> ColumnElement[bool]:
    if text.startswith("TS"):
        return Revisit.complaint_id.in_(_complaint_ids(text))
    return Revisit.number.startswith(text, autoescape=True)


def _plan_number(text: str) -> ColumnElement[bool]:
    return RevisitPlan.complaint_id.in_(_complaint_ids(text))


def _complaint_ids(number_start: str) -> Select[Any]:
    return select(Complaint.id).where(Complaint.number.startswith(number_start, autoescape=True))


def plan_query(
    session: Session,
    actor: User,
    state: str | None = None,
    assigned_id: int | None = None,
    overdue: bool = False,
    date_from: object = None,
    date_to: object = None,
    kind: str | None = None,
    customer_id: int | None = None,
    search: str = "",
    sort_key: str | None = None,
    descending: bool = False,
    today: date | None = None,
) -> ListQuery:
    """客户回访计划 as `actor` sees them: by state, assigned person, overdue (planned before
    today and still 计划), day range, kind, customer; by planned day."""
    today = today or date.today()
    conditions: list[ColumnElement[bool]] = []
    if overdue:
        conditions += [RevisitPlan.state == PLANNED, RevisitPlan.planned_on < today]
    elif state:
        conditions.append(RevisitPlan.state == state)
    if assigned_id is not None:
        conditions.append(RevisitPlan.assigned_id == assigned_id)
    conditions += _period(RevisitPlan.planned_on, date_from, date_to)
    if kind:
        conditions.append(RevisitPlan.kind == kind)
    if customer_id is not None:
        conditions.append(RevisitPlan.customer_id == customer_id)
    found, names_customer = _search_conditions(session, search, _plan_number)
    return _scoped(
        session, actor, plan_list_spec(today), RevisitPlan, conditions + found,
        names_customer, sort_key, descending, _plan_customer_first,
    )  # fmt: skip


# ------------------------------------------------------------------ 服务不到位


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day when it has no such day)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _last_served() -> ColumnElement[Any]:
    """The customer's latest revisit or follow-up, whenever it was."""
    last_revisit = (
        select(func.max(Revisit.visited_on))
        .where(Revisit.customer_id == Customer.id)
        .scalar_subquery()
    )
    last_followup = (
        select(func.max(FollowUp.followed_on))
        .where(FollowUp.customer_id == Customer.id)
        .scalar_subquery()
    )
    return case(
        (last_followup.is_(None), last_revisit),
        (last_revisit.is_(None), last_followup),
        (last_revisit >= last_followup, last_revisit),
        else_=last_followup,
    )


NOT_SERVED_COLUMNS = (
    ListColumn("code", "客户编号", Customer.code, width=10),
    ListColumn("name", "客户名称", Customer.name, width=30, sort_expr=Customer.pinyin_sort),
    ListColumn("grade", "等级", Customer.grade, width=5, align="center"),
    ListColumn("status", "状态", Customer.status, width=9),
    ListColumn("owner", "客户经理", Owner.name, width=9),
    ListColumn("last_served", "最近服务", _last_served(), kind="date", width=11),
    ListColumn("registered_at", "登记时间", Customer.registered_at, kind="datetime", width=17),
)

NOT_SERVED_LIST = ListSpec(
    name="customers_not_served",
    id_expr=Customer.id,
    columns=NOT_SERVED_COLUMNS,
    from_clause=lambda query: query.select_from(Customer).outerjoin(
        Owner, Owner.id == Customer.owner_id
    ),
    default_sort="name",
    count_from=lambda query: query.select_from(Customer),
)

NOT_SERVED_FILTERS = {
    "owner_id": Customer.owner_id,
    "grade": Customer.grade,
    "status": Customer.status,
}


def not_served_cutoff(session: Session, months: int | None = None, today: date | None = None):
    """The day before which the last service lies for a customer to be 服务不到位."""
    months = months if months is not None else settings.value(session, "service.gap_months")
    return months_before(today or date.today(), months)


def _still_served_status() -> ColumnElement[bool]:
    return or_(Customer.status.is_(None), Customer.status.not_in(NOT_SERVED_EXCLUDED))


def _registered_before(cutoff: date) -> ColumnElement[bool]:
    return Customer.registered_at < datetime.combine(cutoff, time())


def served_since(cutoff: date) -> Select[Any]:
    """Ids of the customers with a revisit (visits included) or a follow-up on or after
    `cutoff` (each once)."""
    return (
        select(Revisit.customer_id)
        .where(Revisit.visited_on >= cutoff)
        .union(select(FollowUp.customer_id).where(FollowUp.followed_on >= cutoff))
    )


def not_served_conditions(cutoff: date) -> list[ColumnElement[bool]]:
    """A customer still served by the company, registered before `cutoff`, with no revisit
    (visits included) and no follow-up on or after it."""
    return [
        _still_served_status(),
        _registered_before(cutoff),
        ~exists().where(Revisit.customer_id == Customer.id, Revisit.visited_on >= cutoff),
        ~exists().where(FollowUp.customer_id == Customer.id, FollowUp.followed_on >= cutoff),
    ]


@dataclass(frozen=True)
class NotServedQuery(ListQuery):
    """The 服务不到位 list. A page walks the customers in list order and probes each one's
    latest service; counting them that way would probe every customer (15 s at a million),
    so the count takes the customers in reach and subtracts those no longer served
    (已淘汰, 未成交), those registered within the period and those served in it."""

    cutoff: date = date.min
    filters: tuple[ColumnElement[bool], ...] = ()
    owners: tuple[int, ...] | None = None  # None: every customer is in reach

    def _owned(self, by_index: bool) -> list[ColumnElement[bool]]:
        if self.owners is None:
            return []
        # `+ 0` keeps SQLite off the owner index, so the small sets (recent registrations,
        # customers served lately) drive those counts instead of every customer in reach.
        column = Customer.owner_id if by_index else Customer.owner_id + 0
        return [column.in_(self.owners)]

    def count(self, session: Session) -> int:
        def counted(*conditions: ColumnElement[bool]) -> int:
            query = select(func.count(Customer.id)).select_from(Customer)
            return session.scalar(query.where(*self.filters, *conditions)) or 0

        in_reach = counted(*self._owned(True))
        no_longer = counted(*self._owned(True), Customer.status.in_(NOT_SERVED_EXCLUDED))
        recent = counted(
            *self._owned(False), _still_served_status(), ~_registered_before(self.cutoff)
        )
        served = counted(
            *self._owned(False),
            _still_served_status(),
            _registered_before(self.cutoff),
            Customer.id.in_(served_since(self.cutoff)),
        )
        return in_reach - no_longer - recent - served


def customers_not_served(
    session: Session,
    actor: User,
    months: int | None = None,
    filters: Mapping[str, object] | None = None,
    sort_key: str | None = None,
    descending: bool = False,
    today: date | None = None,
) -> NotServedQuery:
    """服务不到位 (DOMAIN §1, 002 L193): the customers within `actor`'s customer scope that
    had no follow-up, revisit or visit for `months` (default: the setting
    service.gap_months, 3) and are not 已淘汰 or 未成交; they may be handed to another
    客户经理. A customer registered within the period is not counted yet."""
    cutoff = not_served_cutoff(session, months, today)
    chosen: list[ColumnElement[bool]] = []
    for key, value in (filters or {}).items():
        if value not in (None, ""):
            chosen.append(NOT_SERVED_FILTERS[key] == value)
    reach = access.scope_condition(session, actor, "customers", "view", Customer.owner_id)
    owners = access.owners_in_reach(session, actor, "customers", "view")
    return NotServedQuery(
        spec=NOT_SERVED_LIST,
        conditions=(
            *not_served_conditions(cutoff),
            *chosen,
            *([reach] if reach is not None else []),
        ),
        sort_key=sort_key,
        descending=descending,
        cutoff=cutoff,
        filters=tuple(chosen),
        owners=tuple(sorted(owners)) if owners is not None else None,
    )


# Sorting by 最近服务 computes every customer's latest service: not offered.
UNSORTABLE_COLUMNS = {"customers_not_served": ("last_served",)}


# ------------------------------------------------------------------ the customer's timeline

TIMELINE_COMPLAINT, TIMELINE_REVISIT = "complaint", "revisit"
SUMMARY_LENGTH = 60


@dataclass(frozen=True)
class TimelineItem:
    """One line of the card's timeline; `kind` (complaint / revisit) and `id` open it."""

    kind: str
    kind_label: str  # 投诉 / 投诉回访 / 定期回访 / …
    day: date
    number: str
    summary: str
    state: str  # the complaint's state (and round), or the revisit's satisfaction
    id: int
    moment: datetime  # orders the items of one day


def _short(text: str | None) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= SUMMARY_LENGTH else flat[: SUMMARY_LENGTH - 1] + "…"


def customer_timeline(session: Session, actor: User, customer_id: int) -> list[TimelineItem]:
    """The customer's complaints and revisits, newest first — each kind as far as `actor`
    may see it (refused when neither)."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound("这个客户已不存在。")
    sees_complaints = access.owner_in_reach(session, actor, "complaints", "view", customer.owner_id)
    sees_revisits = access.owner_in_reach(session, actor, "revisits", "view", customer.owner_id)
    if not sees_complaints and not sees_revisits:
        raise PermissionDenied(
            f"「{customer.name}」的投诉和回访记录不归您或您的部门负责，您不能查看。"
        )
    items: list[TimelineItem] = []
    raised: set[int] = set()  # complaints registered from a revisit's problem
    if sees_complaints:
        for c in session.execute(
            select(
                Complaint.id, Complaint.number, Complaint.received_at, Complaint.category,
                Complaint.content, Complaint.state, Complaint.round,
            ).where(Complaint.customer_id == customer_id)
        ):  # fmt: skip
            state = c.state if c.round == 1 else f"{c.state}（第 {c.round} 轮）"
            items.append(
                TimelineItem(
                    TIMELINE_COMPLAINT,
                    "投诉",
                    c.received_at.date(),
                    c.number,
                    _short(f"{c.category}：{c.content}"),
                    state,
                    c.id,
                    c.received_at,
                )  # fmt: skip
            )
    if sees_revisits:
        for r in session.execute(
            select(
                Revisit.id, Revisit.number, Revisit.visited_on, Revisit.kind,
                Revisit.discussion, Revisit.problems, Revisit.satisfaction,
                Revisit.created_at, Revisit.new_complaint_id,
                AnsweredComplaint.number.label("complaint_number"),
            )
            .outerjoin(AnsweredComplaint, AnsweredComplaint.id == Revisit.complaint_id)
            .where(Revisit.customer_id == customer_id)
        ):  # fmt: skip
            about = f"回访投诉 {r.complaint_number}：" if r.complaint_number else ""
            text = r.discussion or (f"发现问题：{r.problems}" if r.problems else "")
            items.append(
                TimelineItem(
                    TIMELINE_REVISIT,
                    r.kind,
                    r.visited_on,
                    r.number,
                    _short(about + text),
                    r.satisfaction or "",
                    r.id,
                    datetime.combine(r.visited_on, r.created_at.time()),
                )  # fmt: skip
            )
            if r.new_complaint_id is not None:
                raised.add(r.new_complaint_id)

    def newest(item: TimelineItem) -> tuple[date, datetime, int, int]:
        # Within one second a revisit follows the complaint it answers, and a complaint
        # raised from a revisit's problem follows that revisit.
        if item.kind == TIMELINE_REVISIT:
            rank = 1
        else:
            rank = 2 if item.id in raised else 0
        return item.day, item.moment, rank, item.id

    items.sort(key=newest, reverse=True)
    return items


# ------------------------------------------------------------------ the printed record


def revisit_record_data(
    session: Session, actor: User, revisit_id: int, copy_act: str | None = None
) -> dict[str, object]:
    """Plain data for the printed 客户投诉回访记录 (and 客户回访记录表) of one revisit.

    `copy_act` (打印 or 导出) needs the print right and records the copy in the audit log
    (committed): the record is part of the customer's file (DOMAIN §1, §6)."""
    revisit = get_revisit(session, actor, revisit_id, "print" if copy_act else "view")
    if copy_act is not None:
        audit.record(
            session, actor, copy_act, "revisit", revisit.id, _label(revisit),
            detail="客户投诉回访记录" if revisit.complaint_id else "客户回访记录表",
        )  # fmt: skip
        session.commit()
    customer = revisit.customer
    complaint = session.get(Complaint, revisit.complaint_id) if revisit.complaint_id else None
    new_complaint = (
        session.get(Complaint, revisit.new_complaint_id) if revisit.new_complaint_id else None
    )
    plan = session.get(RevisitPlan, revisit.plan_id) if revisit.plan_id else None
    return {
        "number": revisit.number,
        "kind": revisit.kind,
        "customer_code": customer.code,
        "customer_name": customer.name,
        "customer_address": customer.address,
        "customer_phone": customer.phone,
        "owner_name": customer.owner.name if customer.owner else None,
        "contact_name": revisit.contact_name,
        "complaint_number": complaint.number if complaint else None,
        "complaint_received_at": complaint.received_at if complaint else None,
        "complaint_category": complaint.category if complaint else None,
        "complaint_content": complaint.content if complaint else None,
        "complaint_demand": complaint.demand if complaint else None,
        "complaint_result": complaint.result if complaint else None,
        "complaint_round": revisit.complaint_round,
        "complaint_state": complaint.state if complaint else None,
        "visited_on": revisit.visited_on,
        "method": revisit.method,
        "staff_name": revisit.staff.name if revisit.staff else None,
        "discussion": revisit.discussion,
        "needs": revisit.needs,
        "satisfaction": revisit.satisfaction,
        "satisfaction_score": SATISFACTION_SCORES.get(revisit.satisfaction or ""),
        "problems": revisit.problems,
        "new_complaint_number": new_complaint.number if new_complaint else None,
        "next_visit_on": revisit.next_visit_on,
        "plan_planned_on": plan.planned_on if plan else None,
        "internal_mark": True,
        "printed_by": actor.name,
        "printed_at": local_now(),
    }


# ------------------------------------------------------------------ what the record form opens with


def revisit_form_data(
    session: Session,
    actor: User,
    complaint_id: int | None = None,
    customer_id: int | None = None,
    plan_id: int | None = None,
) -> dict[str, object]:
    """Plain values a new revisit record starts from: the customer, the complaint it answers
    (with its content and result), the plan it fulfils, the contact to ask for."""
    rights.require(session, actor, "revisits", "create")
    plan = get_plan(session, actor, plan_id) if plan_id is not None else None
    if complaint_id is None and plan is not None:
        complaint_id = plan.complaint_id
    complaint = (
        complaints.get_complaint(session, actor, complaint_id, "view")
        if complaint_id is not None
        else None
    )
    customer_id = customer_id or (complaint.customer_id if complaint else None)
    customer_id = customer_id or (plan.customer_id if plan else None)
    data: dict[str, object] = {
        "customer_id": None,
        "customer_label": None,
        "contact_name": None,
        "kind": KIND_COMPLAINT if complaint else (plan.kind if plan else KIND_ROUTINE),
        "method": plan.method if plan else None,
        "plan_id": plan.id if plan else None,
        "plan_label": _plan_label(plan) if plan else None,
        "complaint": None,
    }
    if customer_id is not None:
        customer = _customer_in_reach(session, actor, customer_id, "create")
        primary = next((c.name for c in customer.contacts if c.is_primary), None)
        data.update(
            customer_id=customer.id,
            customer_label=audit.customer_label(customer.code, customer.name),
            contact_name=(complaint.contact_name if complaint else None) or primary,
        )
    if complaint is not None:
        data["complaint"] = {
            "id": complaint.id,
            "number": complaint.number,
            "category": complaint.category,
            "received_at": complaint.received_at,
            "state": complaint.state,
            "round": complaint.round,
            "content": complaint.content,
            "result": complaint.result,
            "refusal": complaints.refusal(complaint, complaints.REVISIT),
        }
    return data
