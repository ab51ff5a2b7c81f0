"""顾客产品质量投诉调查处理记录 (DOMAIN §2): registering a complaint, moving it through its
states, and keeping its next deadline in working days.

States: 已登记 → 已上报 → 调查核实 → 处理中 → 已处理 → 已回访 → 已结案, and 重新处理 when
the customer is not satisfied on the revisit (a new round; the earlier rounds are kept).
Every move is one service call: it checks the right and the transition, writes the step
with who and when, records the audit entry, recomputes the deadline and commits. A refused
call changes nothing: every check runs before the first write.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import ParamSpec, TypeVar

from sqlalchemy import select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session, lazyload
from sqlalchemy.orm.exc import StaleDataError

from desktop_crm.models import (
    Attachment,
    Complaint,
    ComplaintReport,
    ComplaintStep,
    Customer,
    Department,
    LookupValue,
    User,
    local_now,
)

from . import access, audit, rights, settings, workdays
from .customer_fields import DEFAULT_SERVICE_CATEGORIES, SERVICE_TAG
from .errors import Conflict, FieldProblem, NotFound, PermissionDenied, ValidationError
from .field_parsing import ParseError, parse_date, parse_datetime
from .numbering import take_numbers

# ------------------------------------------------------------------ the vocabulary

REGISTERED, REPORTED, INVESTIGATING, HANDLING, HANDLED, REVISITED, CLOSED, REOPENED = (
    "已登记",
    "已上报",
    "调查核实",
    "处理中",
    "已处理",
    "已回访",
    "已结案",
    "重新处理",
)
STATES = (REGISTERED, REPORTED, INVESTIGATING, HANDLING, HANDLED, REVISITED, CLOSED, REOPENED)
OPEN_STATES = tuple(s for s in STATES if s != CLOSED)

REPORT, SITE_CHECK, FIND_CAUSE, PROPOSE, FINISH, REVISIT, CLOSE, REOPEN = (
    "上报",
    "现场核实",
    "认定原因",
    "提出方案",
    "处理完毕",
    "回访",
    "结案",
    "重新处理",
)
ACTIONS = (REPORT, SITE_CHECK, FIND_CAUSE, PROPOSE, FINISH, REVISIT, CLOSE, REOPEN)
# Which action may follow which state (the revisit is recorded by services.revisits).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    REGISTERED: (REPORT,),
    REPORTED: (SITE_CHECK, FIND_CAUSE),
    INVESTIGATING: (SITE_CHECK, FIND_CAUSE),
    HANDLING: (PROPOSE, FINISH),
    HANDLED: (REVISIT, REOPEN),
    REVISITED: (CLOSE, REOPEN),
    REOPENED: (SITE_CHECK, FIND_CAUSE),
    CLOSED: (REOPEN,),
}
# What else an action needs besides the state, in the user's words.
_HINTS = {
    REPORT: "登记后当日上报。",
    SITE_CHECK: "投诉须先上报。",
    FIND_CAUSE: "投诉须先上报。",
    PROPOSE: "须先认定原因。",
    FINISH: "须先认定原因。",
    REVISIT: "投诉处理完毕后才能回访。",
    CLOSE: "须先回访客户且客户满意。",
    REOPEN: "",
}

CAUSE_OURS, CAUSE_NOT_OURS, CAUSE_UNFOUNDED = "我方原因", "非我方原因", "投诉不成立"
CAUSES = (CAUSE_OURS, CAUSE_NOT_OURS, CAUSE_UNFOUNDED)
CHANNELS = ("电话", "书面", "电子邮件", "来访", "其他")
REPORT_WAYS = ("书面", "电子邮件", "电话")
# Service complaints (002 L443) have their own deadlines; the others are product complaints.
# Which categories are service complaints is the office's list (the category's tag, see
# service_categories); these are the defaults a new store starts with.
SERVICE_CATEGORIES = DEFAULT_SERVICE_CATEGORIES
ACCIDENTS = ("重大质量事故", "未遂质量事故")
ESCALATION = ("受理人", "部门负责人", "分管副总", "总经理")
# The five levels of DOMAIN §4; the last two send the complaint back (重新处理).
SATISFACTION_LEVELS = ("很满意", "满意", "基本满意", "不满意", "很不满意")
SATISFIED = SATISFACTION_LEVELS[:3]
UNSATISFIED = SATISFACTION_LEVELS[3:]

SERIES = "complaint"
MAX_TEXT = 4000
# A moment typed a little ahead of the PC's clock (another PC's clock) is still accepted.
CLOCK_SLACK = timedelta(minutes=10)
STALE_MESSAGE = "这条投诉刚被别人修改过。请关闭后重新打开，再继续办理。"


# ------------------------------------------------------------------ fields


@dataclass(frozen=True)
class ComplaintField:
    key: str
    label: str
    kind: str = "text"  # text / long / date / datetime / choice / customer / department
    required: bool = False
    max_length: int = 200


FIELDS = (
    ComplaintField("received_at", "受理时间", "datetime", True),
    ComplaintField("channel", "投诉方式", "choice", True),
    ComplaintField("customer_id", "客户", "customer", True),
    ComplaintField("contact_name", "联系人", max_length=40),
    ComplaintField("contact_phone", "联系电话", max_length=40),
    ComplaintField("product", "产品", max_length=100),
    ComplaintField("spec_batch", "规格/批号", max_length=100),
    ComplaintField("shipped_on", "发货日期", "date"),
    ComplaintField("quantity", "数量", max_length=40),
    ComplaintField("occurred_on", "发生时间", "date"),
    ComplaintField("place", "地点"),
    ComplaintField("narrative", "经过", "long", max_length=MAX_TEXT),
    ComplaintField("parties", "当事人"),
    ComplaintField("category", "投诉类别", "choice", True, 40),
    ComplaintField("content", "投诉内容", "long", True, MAX_TEXT),
    ComplaintField("demand", "客户要求", "long", max_length=MAX_TEXT),
    ComplaintField("responsible_department_id", "责任部门", "department"),
    ComplaintField("responsible_person", "责任人", max_length=40),
    ComplaintField("accident", "重大/未遂质量事故", "choice", max_length=10),
    ComplaintField("accident_class", "事故界定（生产技术部）", max_length=40),
    ComplaintField("accident_opinion", "处理意见（生产技术部）", "long", max_length=MAX_TEXT),
)
FIELDS_BY_KEY = {f.key: f for f in FIELDS}


def categories(session: Session) -> list[str]:
    """The complaint categories the office uses (a configurable list)."""
    from . import lookups

    return lookups.value_names(session, "complaint_category")


CATEGORY_LIST = "complaint_category"


def service_categories(session: Session) -> set[str]:
    """The categories that make a service complaint: those the office tagged 服务 in its
    list (retired ones too, as a complaint may still hold one)."""
    return set(
        session.scalars(
            select(LookupValue.value).where(
                LookupValue.list_key == CATEGORY_LIST, LookupValue.tag == SERVICE_TAG
            )
        )
    )


def is_service_category(session: Session, category: str | None) -> bool:
    return category is not None and category in service_categories(session)


def _clean(
    session: Session, values: Mapping[str, object], current: Complaint | None = None
) -> tuple[dict[str, object], list[FieldProblem]]:
    """The typed values parsed and checked field by field; unknown keys are ignored."""
    clean: dict[str, object] = {}
    problems: list[FieldProblem] = []
    for key, raw in values.items():
        field = FIELDS_BY_KEY.get(key)
        if field is None:
            continue
        try:
            clean[key] = _parse(session, field, raw, current)
        except ValueError as error:  # ParseError too
            problems.append(FieldProblem(key, f"{field.label}：{error}"))
    return clean, problems


def _parse(
    session: Session, field: ComplaintField, raw: object, current: Complaint | None
) -> object:
    if field.kind == "date":
        return parse_date(raw)
    if field.kind == "datetime":
        return parse_datetime(raw)
    if field.kind in ("customer", "department"):
        if raw in (None, ""):
            return None
        try:
            key = int(raw)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            raise ValueError("请从列表中选择。") from None
        model = Customer if field.kind == "customer" else Department
        if session.get(model, key) is None:
            raise ValueError("所选项已不存在。")
        return key
    text = str(raw).strip() if raw is not None else ""
    if len(text) > field.max_length:
        raise ValueError(f"最多 {field.max_length} 个字（现有 {len(text)} 个）。")
    if field.kind == "choice" and text:
        allowed = {
            "channel": CHANNELS,
            "accident": ACCIDENTS,
            "category": tuple(categories(session)),
        }[field.key]
        # A value the office has since retired stays valid on the complaints that hold it.
        kept = current is not None and getattr(current, field.key) == text
        if text not in allowed and not kept:
            raise ValueError(f"应为：{'、'.join(allowed)}。")
    return text or None


def _required(
    clean: Mapping[str, object], complaint: Complaint | None, problems: list[FieldProblem]
) -> list[FieldProblem]:
    """Required fields left empty (those already refused for another reason aside)."""
    refused = {problem.field for problem in problems}
    missing = []
    for field in FIELDS:
        if not field.required or field.key in refused:
            continue
        value = clean[field.key] if field.key in clean else getattr(complaint, field.key, None)
        if value in (None, ""):
            missing.append(FieldProblem(field.key, f"{field.label}：必须填写。"))
    return missing


def _not_ahead(moment: datetime) -> bool:
    return moment <= local_now() + CLOCK_SLACK


# ------------------------------------------------------------------ reading


def complaint_label(complaint: Complaint) -> str:
    return f"{complaint.number} {complaint.customer.name if complaint.customer else ''}".strip()


def get_complaint(
    session: Session, actor: User, complaint_id: int, action: str = "view"
) -> Complaint:
    """The complaint, when its customer is within `actor`'s reach for `action`."""
    rights.require(session, actor, "complaints", action)
    complaint = session.get(Complaint, complaint_id)
    if complaint is None:
        raise NotFound("这条投诉已不存在。")
    access.check(
        session,
        actor,
        "complaints",
        action,
        complaint.customer.owner_id,
        complaint_label(complaint),
    )
    return complaint


def get_by_number(session: Session, actor: User, number: str) -> Complaint:
    rights.require(session, actor, "complaints", "view")
    found = session.scalar(select(Complaint.id).where(Complaint.number == number.strip().upper()))
    if found is None:
        raise NotFound(f"没有投诉编号为「{number}」的投诉。")
    return get_complaint(session, actor, found)


RECORD_RIGHTS = ("view", "edit", "print")


def permitted_actions(session: Session, actor: User, complaint_id: int | None) -> set[str]:
    """What `actor` may do with this complaint ("create" for a new one): screens offer only
    that; the services check again on every call."""
    if complaint_id is None:
        return {"create"} if rights.may(session, actor, "complaints", "create") else set()
    owner_id = session.scalar(
        select(Customer.owner_id)
        .join(Complaint, Complaint.customer_id == Customer.id)
        .where(Complaint.id == complaint_id)
    )
    return {
        action
        for action in RECORD_RIGHTS
        if access.owner_in_reach(session, actor, "complaints", action, owner_id)
    }


def _blocked(complaint: Complaint, action: str) -> str | None:
    """Why the complaint's data does not allow `action` yet although its state does."""
    if action in (PROPOSE, FINISH) and complaint.cause is None:
        return f"须先认定原因，才能{action}。"
    if action == FINISH and complaint.cause == CAUSE_OURS and complaint.solution_at is None:
        return "我方原因的投诉须先提出处理方案，才能处理完毕。"
    return None


def allowed_actions(complaint: Complaint) -> tuple[str, ...]:
    """The workflow actions the complaint allows now (rights aside)."""
    return tuple(
        action
        for action in TRANSITIONS.get(complaint.state, ())
        if _blocked(complaint, action) is None
    )


def refusal(complaint: Complaint, action: str) -> str | None:
    """Why `action` is not possible now, in Chinese; None when it is."""
    if action not in TRANSITIONS.get(complaint.state, ()):
        states = [state for state, actions in TRANSITIONS.items() if action in actions]
        where = "、".join(f"「{state}」" for state in states) or "任何状态"
        hint = _HINTS.get(action, "")
        return f"现在是「{complaint.state}」，不能{action}：只有{where}的投诉可以{action}。{hint}"
    return _blocked(complaint, action)


def report_due(
    complaint: Complaint, calendar: workdays.WorkCalendar, limits: Mapping[str, int]
) -> date:
    """The day by which the heads must have been told (day 0: the day received)."""
    return calendar.add_working_days(complaint.received_at.date(), limits["complaint.report_days"])


def reported_late(
    complaint: Complaint,
    calendar: workdays.WorkCalendar | None = None,
    limits: Mapping[str, int] | None = None,
    today: date | None = None,
) -> bool:
    """Not reported to the heads in time: on the day received (DOMAIN §2), or within the
    setting's working days when `calendar` and `limits` are given."""
    due = complaint.received_at.date()
    if calendar is not None and limits is not None:
        due = report_due(complaint, calendar, limits)
    if not complaint.reports:
        return (today or local_now().date()) > due
    return min(r.reported_at for r in complaint.reports).date() > due


# ------------------------------------------------------------------ deadlines


@dataclass(frozen=True)
class Deadline:
    day: date
    what: str


def _round_start(complaint: Complaint) -> date:
    """The day the current round began: receipt, or the latest 重新处理."""
    if complaint.round > 1:
        reopened = [
            step.at
            for step in complaint.steps
            if step.action == REOPEN and step.round == complaint.round
        ]
        if reopened:
            return max(reopened).date()
    return complaint.received_at.date()


def next_deadline(
    complaint: Complaint, calendar: workdays.WorkCalendar, limits: Mapping[str, int]
) -> Deadline | None:
    """What is due next and by which day; the day of receipt is day 0 (DOMAIN §2).

    已登记: the report to the heads. Service complaints: the investigation starts within
    `service_investigate_days`, a satisfactory reply within `service_reply_days` (in a later
    round: counted from the day it was reopened). 我方原因: a solution within
    `solution_days` of the finding. When several apply, the earliest is shown."""
    state = complaint.state
    if state == REGISTERED:
        return Deadline(report_due(complaint, calendar, limits), "上报领导")
    received = complaint.received_at.date()
    found: list[Deadline] = []
    if complaint.is_service and state in (REPORTED, INVESTIGATING, HANDLING, REOPENED):
        if state == REPORTED:
            days = limits["complaint.service_investigate_days"]
            found.append(Deadline(calendar.add_working_days(received, days), "开始调查"))
        days = limits["complaint.service_reply_days"]
        found.append(
            Deadline(calendar.add_working_days(_round_start(complaint), days), "给客户满意答复")
        )
    if (
        state == HANDLING
        and complaint.cause == CAUSE_OURS
        and complaint.cause_found_at is not None
        and complaint.solution_at is None
    ):
        days = limits["complaint.solution_days"]
        found.append(
            Deadline(
                calendar.add_working_days(complaint.cause_found_at.date(), days), "提出处理方案"
            )
        )
    return min(found, key=lambda deadline: deadline.day) if found else None


def _refresh_deadline(session: Session, complaint: Complaint) -> None:
    found = next_deadline(complaint, workdays.load_calendar(session), settings.values(session))
    complaint.due_on = found.day if found else None
    complaint.due_what = found.what if found else None


def refresh_open_deadlines(session: Session) -> int:
    """Recompute the deadline of every open complaint (after the calendar or the limits
    changed); the caller commits. Returns how many changed."""
    calendar = workdays.load_calendar(session)
    limits = settings.values(session)
    changed = 0
    query = (
        select(Complaint)
        .where(Complaint.state.in_(OPEN_STATES))
        .options(lazyload(Complaint.steps), lazyload(Complaint.reports))
    )
    with session.no_autoflush:
        complaints = list(session.scalars(query))
    for complaint in complaints:
        found = next_deadline(complaint, calendar, limits)
        day, what = (found.day, found.what) if found else (None, None)
        if (complaint.due_on, complaint.due_what) != (day, what):
            complaint.due_on, complaint.due_what = day, what
            changed += 1
    return changed


def working_days_left(calendar: workdays.WorkCalendar, due: date, today: date) -> int:
    """Working days from today to the deadline: 0 due today, negative when overdue (at
    least −1 once the day has passed, also over a weekend)."""
    if due < today:
        return -max(1, calendar.working_days_between(due, today))
    return calendar.working_days_between(today, due)


def deadline_phrase(left: int) -> str:
    """还剩 2 个工作日 / 今天到期 / 逾期 3 个工作日."""
    if left > 0:
        return f"还剩 {left} 个工作日"
    if left == 0:
        return "今天到期"
    return f"逾期 {-left} 个工作日"


# ------------------------------------------------------------------ writing

P = ParamSpec("P")
R = TypeVar("R")


def _guarded(func: Callable[P, R]) -> Callable[P, R]:
    """A concurrent change found while writing (the version counter) is a Conflict."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except StaleDataError:
            session = args[0] if args else kwargs["session"]
            assert isinstance(session, Session)
            session.rollback()
            raise Conflict(STALE_MESSAGE) from None

    return wrapper


def _step(
    session: Session, actor: User, complaint: Complaint, action: str, to_state: str, note: str
) -> None:
    from_state = complaint.state
    complaint.steps.append(
        ComplaintStep(
            round=complaint.round,
            action=action,
            from_state=from_state,
            to_state=to_state,
            at=local_now(),
            user_id=actor.id,
            note=note or None,
        )
    )
    complaint.state = to_state
    complaint.updated_at = local_now()
    _refresh_deadline(session, complaint)
    audit.record(
        session,
        actor,
        audit.EDIT,
        "complaint",
        complaint.id,
        complaint_label(complaint),
        field="状态",
        old=from_state,
        new=to_state,
        detail=f"{action}：{note}" if note else action,
    )


def _begin(
    session: Session, actor: User, complaint_id: int, action: str, expected_version: int | None
) -> Complaint:
    complaint = get_complaint(session, actor, complaint_id, "edit")
    if expected_version is not None and complaint.version != expected_version:
        raise Conflict(STALE_MESSAGE)
    reason = refusal(complaint, action)
    if reason:
        raise ValidationError(reason, field="state")
    return complaint


def _text(
    value: object, label: str, field: str, required: bool = False, limit: int = MAX_TEXT
) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError(f"{label}：必须填写。", field=field)
    if len(text) > limit:
        raise ValidationError(f"{label}：最多 {limit} 个字（现有 {len(text)} 个）。", field=field)
    return text


def _moment(
    value: object,
    label: str,
    field: str,
    earliest: datetime | None,
    earliest_label: str,
    required: bool = False,
) -> datetime:
    """A moment the user gave (now when left empty, unless required), checked for sense."""
    try:
        moment = parse_datetime(value)
    except ParseError as error:
        raise ValidationError(f"{label}：{error}", field=field) from None
    if moment is None:
        if required:
            raise ValidationError(f"{label}：必须填写。", field=field)
        moment = local_now()
        if earliest is not None and moment < earliest:
            moment = earliest  # the receipt was typed a little ahead of this PC's clock
    if not _not_ahead(moment):
        raise ValidationError(f"{label}不能晚于现在。", field=field)
    if earliest is not None and moment < earliest:
        raise ValidationError(
            f"{label}不能早于{earliest_label}（{earliest:%Y-%m-%d %H:%M}）。", field=field
        )
    return moment


@_guarded
def register(
    session: Session, actor: User, values: Mapping[str, object], commit: bool = True
) -> Complaint:
    """登记 a new complaint: the number of its year without gaps, state 已登记, due for
    reporting to the heads on the day. `commit=False` leaves the commit to the caller (a
    revisit that turns a problem into a complaint writes both at once)."""
    rights.require(session, actor, "complaints", "create")
    values = {"received_at": local_now(), "channel": "电话", **values}
    clean, problems = _clean(session, values)
    problems += _required(clean, None, problems)
    received = clean.get("received_at")
    if isinstance(received, datetime) and not _not_ahead(received):
        problems.append(FieldProblem("received_at", "受理时间：不能晚于现在。"))
    if problems:
        raise ValidationError(problems)
    customer = session.get(Customer, clean["customer_id"])
    assert customer is not None
    if not access.owner_in_reach(session, actor, "complaints", "create", customer.owner_id):
        raise PermissionDenied(f"客户「{customer.name}」不归您或您的部门负责，不能为其登记投诉。")
    assert isinstance(received, datetime)
    year = received.year
    number = f"TS{year}-{take_numbers(session, f'{SERIES}-{year}'):04d}"
    complaint = Complaint(
        number=number, received_by_id=actor.id, state=REGISTERED, round=1, escalation=ESCALATION[0]
    )
    for key, value in clean.items():
        setattr(complaint, key, value)
    complaint.is_service = is_service_category(session, complaint.category)
    complaint.customer = customer
    session.add(complaint)
    session.flush()
    complaint.steps.append(
        ComplaintStep(round=1, action="登记", from_state=None, to_state=REGISTERED,
                      at=local_now(), user_id=actor.id)
    )  # fmt: skip
    _refresh_deadline(session, complaint)
    audit.record(
        session, actor, audit.CREATE, "complaint", complaint.id, complaint_label(complaint)
    )
    if complaint.accident:
        audit.record(
            session, actor, audit.CREATE, "complaint", complaint.id, complaint_label(complaint),
            field="质量事故", new=complaint.accident,
        )  # fmt: skip
    if commit:
        session.commit()
    return complaint


@_guarded
def update(
    session: Session,
    actor: User,
    complaint_id: int,
    values: Mapping[str, object],
    expected_version: int | None = None,
) -> Complaint:
    """Correct the record's fields; each change is kept in the audit log. Nothing changed:
    nothing written."""
    complaint = get_complaint(session, actor, complaint_id, "edit")
    if expected_version is not None and complaint.version != expected_version:
        raise Conflict(STALE_MESSAGE)
    if complaint.state == CLOSED:
        raise ValidationError("已结案的投诉不能修改；如需再处理，请先「重新处理」。")
    clean, problems = _clean(session, values, complaint)
    problems += _required(clean, complaint, problems)
    problems += _received_problems(complaint, clean.get("received_at"))
    if problems:
        raise ValidationError(problems)
    changes = {key: value for key, value in clean.items() if getattr(complaint, key) != value}
    new_customer = changes.get("customer_id")
    if new_customer is not None:
        customer = session.get(Customer, new_customer)
        assert customer is not None
        if not access.owner_in_reach(session, actor, "complaints", "edit", customer.owner_id):
            raise PermissionDenied(
                f"客户「{customer.name}」不归您或您的部门负责，不能把投诉改到这个客户名下。"
            )
    if not changes:
        return complaint
    for key, value in changes.items():
        audit.record(
            session, actor, audit.EDIT, "complaint", complaint.id, complaint_label(complaint),
            field=FIELDS_BY_KEY[key].label, old=_shown(session, key, getattr(complaint, key)),
            new=_shown(session, key, value),
        )  # fmt: skip
        setattr(complaint, key, value)
    if "category" in changes:
        complaint.is_service = is_service_category(session, complaint.category)
    if new_customer is not None:  # the complaint's files go with it (they keep its customer)
        session.execute(
            sql_update(Attachment)
            .where(Attachment.complaint_id == complaint.id)
            .values(customer_id=new_customer)
        )
    complaint.updated_at = local_now()
    _refresh_deadline(session, complaint)
    session.commit()
    return complaint


def _received_problems(complaint: Complaint, received: object) -> list[FieldProblem]:
    """A corrected 受理时间 keeps the number's year and stays before the first report."""
    if not isinstance(received, datetime) or received == complaint.received_at:
        return []
    if received.year != complaint.received_at.year:
        return [
            FieldProblem(
                "received_at",
                f"受理时间：不能改到 {received.year} 年，投诉编号 {complaint.number} "
                f"按受理年份 {complaint.received_at.year} 编排。",
            )
        ]
    if not _not_ahead(received):
        return [FieldProblem("received_at", "受理时间：不能晚于现在。")]
    if complaint.reports and received > min(r.reported_at for r in complaint.reports):
        return [FieldProblem("received_at", "受理时间：不能晚于上报时间。")]
    return []


def _shown(session: Session, key: str, value: object) -> str | None:
    if value is None:
        return None
    if key == "customer_id":
        customer = session.get(Customer, value)
        return customer.name if customer else str(value)
    if key == "responsible_department_id":
        department = session.get(Department, value)
        return department.name if department else str(value)
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    return str(value)


@_guarded
def report(
    session: Session,
    actor: User,
    complaint_id: int,
    recipients: Sequence[tuple[str, str]],
    reported_at: object = None,
    expected_version: int | None = None,
) -> Complaint:
    """上报: to whom (市场营销部负责人, 质检部负责人, the responsible department), how and
    when (empty: now). Late reports (after the day received) are marked in the step."""
    complaint = _begin(session, actor, complaint_id, REPORT, expected_version)
    cleaned: list[tuple[str, str]] = []
    for recipient, way in recipients:
        name = _text(recipient, "上报对象", "recipients", limit=80)
        if not name and not way:
            continue  # an empty line of the form
        if not name:
            raise ValidationError("上报对象：请填写上报给谁。", field="recipients")
        if way not in REPORT_WAYS:
            raise ValidationError(
                f"上报方式（{name}）应为：{'、'.join(REPORT_WAYS)}。", field="recipients"
            )
        cleaned.append((name, way))
    if not cleaned:
        raise ValidationError("请至少填写一位上报对象。", field="recipients")
    moment = _moment(reported_at, "上报时间", "reported_at", complaint.received_at, "受理时间")
    for name, way in cleaned:
        complaint.reports.append(
            ComplaintReport(recipient=name, way=way, reported_at=moment, reported_by_id=actor.id)
        )
    note = "；".join(f"{r}（{w}）" for r, w in cleaned) + f"；{moment:%Y-%m-%d %H:%M}"
    due = report_due(complaint, workdays.load_calendar(session), settings.values(session))
    if moment.date() > due:
        note += "；未在受理当日上报" if due == complaint.received_at.date() else "；超过上报期限"
    _step(session, actor, complaint, REPORT, REPORTED, note)
    session.commit()
    return complaint


@_guarded
def site_check(
    session: Session,
    actor: User,
    complaint_id: int,
    checker: str,
    arrived_at: object,
    findings: str,
    customer_confirmed: bool = False,
    qc_confirmed: bool = False,
    expected_version: int | None = None,
) -> Complaint:
    """现场核实: who went, when they arrived, what they found and who confirmed it."""
    complaint = _begin(session, actor, complaint_id, SITE_CHECK, expected_version)
    checker = _text(checker, "核实人", "site_checker", required=True, limit=80)
    arrived = _moment(
        arrived_at, "到达时间", "site_arrived_at", complaint.received_at, "受理时间", True
    )
    findings = _text(findings, "核实情况", "findings", required=True)
    complaint.site_checker, complaint.site_arrived_at = checker, arrived
    complaint.findings = findings
    complaint.customer_confirmed, complaint.qc_confirmed = customer_confirmed, qc_confirmed
    to_state = INVESTIGATING if complaint.state == REPORTED else complaint.state
    confirmed = "、".join(
        who for who, yes in (("客户", customer_confirmed), ("质检部", qc_confirmed)) if yes
    )
    note = f"{checker} {arrived:%Y-%m-%d %H:%M} 到达：{findings}"
    if confirmed:
        note += f"（{confirmed}已确认）"
    _step(session, actor, complaint, SITE_CHECK, to_state, note)
    session.commit()
    return complaint


@_guarded
def find_cause(
    session: Session,
    actor: User,
    complaint_id: int,
    cause: str,
    responsible_department_id: int | None = None,
    responsible_person: str | None = None,
    explanation: str | None = None,
    expected_version: int | None = None,
    found_at: object = None,
) -> Complaint:
    """认定原因 (confirmed `found_at`, default now): 我方原因 starts the clock for a solution
    and needs the responsible department (given here or already on the record); 非我方原因
    needs the explanation given to the customer; 投诉不成立 ends the handling (已处理)."""
    complaint = _begin(session, actor, complaint_id, FIND_CAUSE, expected_version)
    if cause not in CAUSES:
        raise ValidationError(f"原因应为：{'、'.join(CAUSES)}。", field="cause")
    explanation = _text(explanation, "说明", "explanation", required=cause != CAUSE_OURS)
    department_id = responsible_department_id or complaint.responsible_department_id
    if cause == CAUSE_OURS and department_id is None:
        raise ValidationError("我方原因须指定责任部门。", field="responsible_department_id")
    if department_id is not None and session.get(Department, department_id) is None:
        raise ValidationError("所选责任部门已不存在。", field="responsible_department_id")
    person = _text(responsible_person, "责任人", "responsible_person", limit=40)
    moment = _moment(found_at, "认定时间", "found_at", complaint.received_at, "受理时间")
    complaint.cause, complaint.cause_found_at = cause, moment
    complaint.explanation = explanation or None
    complaint.responsible_department_id = department_id
    if person:
        complaint.responsible_person = person
    complaint.solution_at = None  # a new finding needs a new solution
    if cause == CAUSE_UNFOUNDED:
        complaint.handled_at = moment
        complaint.result = explanation
        to_state = HANDLED
    else:
        to_state = HANDLING
    note = cause + (f"：{explanation}" if explanation else "")
    if department_id is not None:
        department = session.get(Department, department_id)
        note += f"；责任部门 {department.name if department else department_id}"
    if person:
        note += f"；责任人 {person}"
    _step(session, actor, complaint, FIND_CAUSE, to_state, note)
    session.commit()
    return complaint


@_guarded
def propose_solution(
    session: Session,
    actor: User,
    complaint_id: int,
    solution: str,
    expected_version: int | None = None,
    proposed_at: object = None,
) -> Complaint:
    """提出方案 (质检部 and the responsible department), at `proposed_at` (default now)."""
    complaint = _begin(session, actor, complaint_id, PROPOSE, expected_version)
    text = _text(solution, "处理方案", "solution", required=True)
    assert complaint.cause_found_at is not None
    moment = _moment(proposed_at, "提出时间", "proposed_at", complaint.cause_found_at, "认定时间")
    complaint.solution, complaint.solution_at = text, moment
    _step(session, actor, complaint, PROPOSE, HANDLING, text)
    session.commit()
    return complaint


@_guarded
def finish(
    session: Session,
    actor: User,
    complaint_id: int,
    result: str,
    expected_version: int | None = None,
    handled_at: object = None,
) -> Complaint:
    """处理完毕 at `handled_at` (default now): the result, filed by the 客服 (备案)."""
    complaint = _begin(session, actor, complaint_id, FINISH, expected_version)
    text = _text(result, "处理结果", "result", required=True)
    earliest = complaint.solution_at or complaint.cause_found_at
    moment = _moment(handled_at, "完成时间", "handled_at", earliest, "此前一步的时间")
    complaint.result, complaint.handled_at = text, moment
    _step(session, actor, complaint, FINISH, HANDLED, text)
    session.commit()
    return complaint


@_guarded
def revisited(
    session: Session, actor: User, complaint: Complaint, satisfaction: str, revisit_label: str
) -> None:
    """The complaint's revisit was recorded (services.revisits calls this inside its own
    unit of work, checks its own rights, and commits both).

    Satisfied (很满意/满意/基本满意) → 已回访. Not satisfied → 重新处理: a new round, escalated
    one level (受理人 → 部门负责人 → 分管副总 → 总经理, 002 L390–400)."""
    reason = refusal(complaint, REVISIT)
    if reason:
        raise ValidationError(f"投诉 {complaint.number}：{reason}", field="complaint_id")
    if satisfaction not in SATISFACTION_LEVELS:
        raise ValidationError(
            f"满意程度应为：{'、'.join(SATISFACTION_LEVELS)}。", field="satisfaction"
        )
    note = f"{revisit_label}：客户{satisfaction}".lstrip("：")
    if satisfaction in UNSATISFIED:
        _reopen(session, actor, complaint, note)
    else:
        _step(session, actor, complaint, REVISIT, REVISITED, note)


def _reopen(session: Session, actor: User, complaint: Complaint, note: str) -> None:
    level = ESCALATION.index(complaint.escalation) if complaint.escalation in ESCALATION else 0
    old_level = complaint.escalation
    complaint.escalation = ESCALATION[min(level + 1, len(ESCALATION) - 1)]
    complaint.round += 1
    complaint.cause = complaint.cause_found_at = complaint.solution_at = None
    complaint.handled_at = complaint.closed_at = None
    if complaint.escalation != old_level:
        audit.record(
            session, actor, audit.EDIT, "complaint", complaint.id, complaint_label(complaint),
            field="升级", old=old_level, new=complaint.escalation,
        )  # fmt: skip
    _step(
        session, actor, complaint, REOPEN, REOPENED,
        f"{note}；第 {complaint.round} 轮，升级至{complaint.escalation}",
    )  # fmt: skip


@_guarded
def reopen(
    session: Session,
    actor: User,
    complaint_id: int,
    reason: str,
    expected_version: int | None = None,
) -> Complaint:
    """重新处理 by hand (the customer came back): a new round, one escalation level up."""
    complaint = _begin(session, actor, complaint_id, REOPEN, expected_version)
    _reopen(session, actor, complaint, _text(reason, "原因", "reason", required=True))
    session.commit()
    return complaint


@_guarded
def close(
    session: Session,
    actor: User,
    complaint_id: int,
    note: str = "",
    expected_version: int | None = None,
) -> Complaint:
    """结案, after a satisfied revisit."""
    complaint = _begin(session, actor, complaint_id, CLOSE, expected_version)
    text = _text(note, "结案说明", "note")
    complaint.closed_at = local_now()
    _step(session, actor, complaint, CLOSE, CLOSED, text)
    session.commit()
    return complaint


# ------------------------------------------------------------------ helpers for screens


def handling_days(complaint: Complaint, calendar: workdays.WorkCalendar) -> int | None:
    """Working days from receipt to 处理完毕 (the statistics' handling time)."""
    if complaint.handled_at is None:
        return None
    return calendar.working_days_between(complaint.received_at.date(), complaint.handled_at.date())


def steps_by_round(complaint: Complaint) -> dict[int, list[ComplaintStep]]:
    rounds: dict[int, list[ComplaintStep]] = {}
    for step in complaint.steps:
        rounds.setdefault(step.round, []).append(step)
    return rounds


def open_states() -> Iterable[str]:
    return OPEN_STATES


# ------------------------------------------------------------------ service categories


def set_service_category(session: Session, actor: User, value_id: int, service: bool) -> int:
    """Make a complaint category a service complaint (服务类投诉) or not: its tag in the
    office's list. The open complaints of that category follow at once (their deadlines are
    computed again); closed ones keep how they were handled. Returns how many changed;
    commits, and nothing is written when the tag already is as asked."""
    try:
        rights.require(session, actor, "settings", "edit")
        item = session.get(LookupValue, value_id)
        if item is None:
            raise NotFound("这个值已不存在。")
        if item.list_key != CATEGORY_LIST:
            raise ValidationError("只有投诉类别可以设为服务类投诉。", field="tag")
        if (item.tag == SERVICE_TAG) == service:
            return 0
        old = "是" if item.tag == SERVICE_TAG else "否"
        item.tag = SERVICE_TAG if service else None
        query = select(Complaint).where(
            Complaint.category == item.value,
            Complaint.state.in_(OPEN_STATES),
            Complaint.is_service.is_not(service),
        )
        following = list(session.scalars(query))
        for complaint in following:
            complaint.is_service = service
            _refresh_deadline(session, complaint)
        audit.record(
            session, actor, audit.EDIT, "setting", item.id, f"投诉类别：{item.value}",
            field="服务类投诉", old=old, new="是" if service else "否",
            detail=f"{len(following)} 条未结案投诉随之改变期限" if following else None,
        )  # fmt: skip
        session.commit()
        return len(following)
    except StaleDataError:
        session.rollback()
        raise Conflict(STALE_MESSAGE) from None
    except Exception:
        session.rollback()
        raise
