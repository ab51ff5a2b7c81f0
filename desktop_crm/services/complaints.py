"""顾客产品质量投诉调查处理记录 (DOMAIN §2): registering a complaint, moving it through its
states, and keeping its next deadline in working days.

States: 已登记 → 已上报 → 调查核实 → 处理中 → 已处理 → 已回访 → 已结案, and 重新处理 when
the customer is not satisfied on the revisit (a new round; the earlier rounds are kept).
Every move is one service call: it checks the right and the transition, writes the step
with who and when, records the audit entry, recomputes the deadline and commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from desktop_crm.models import (
    Complaint,
    ComplaintReport,
    ComplaintStep,
    Customer,
    Department,
    User,
    local_now,
)

from . import access, audit, rights, settings, workdays
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
# Which action may follow which state (the revisit is recorded by services.revisits).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    REGISTERED: (REPORT,),
    REPORTED: (SITE_CHECK, FIND_CAUSE),
    INVESTIGATING: (SITE_CHECK, FIND_CAUSE),
    HANDLING: (PROPOSE, FINISH),
    HANDLED: (REVISIT, REOPEN),
    REVISITED: (CLOSE, REOPEN),
    REOPENED: (SITE_CHECK, FIND_CAUSE, PROPOSE, FINISH),
    CLOSED: (REOPEN,),
}
# Why an action is not possible yet, in the user's words.
_NOT_YET = {
    REPORT: "只有刚登记的投诉需要上报。",
    SITE_CHECK: "投诉须先上报，才能现场核实。",
    FIND_CAUSE: "投诉须先上报，才能认定原因。",
    PROPOSE: "须先认定原因，才能提出处理方案。",
    FINISH: "须先认定原因，才能处理完毕。",
    REVISIT: "投诉处理完毕后才能回访。",
    CLOSE: "须先回访客户（且客户满意），才能结案。",
    REOPEN: "只有已处理、已回访或已结案的投诉可以重新处理。",
}

CAUSE_OURS, CAUSE_NOT_OURS, CAUSE_UNFOUNDED = "我方原因", "非我方原因", "投诉不成立"
CAUSES = (CAUSE_OURS, CAUSE_NOT_OURS, CAUSE_UNFOUNDED)
CHANNELS = ("电话", "书面", "电子邮件", "来访", "其他")
REPORT_WAYS = ("书面", "电子邮件", "电话")
# Service complaints (002 L443) have their own deadlines; the others are product complaints.
SERVICE_CATEGORIES = ("服务态度", "专业素质", "服务效率", "其他服务")
ACCIDENTS = ("重大质量事故", "未遂质量事故")
ESCALATION = ("受理人", "部门负责人", "分管副总", "总经理")
SATISFIED = ("很满意", "满意", "一般")
UNSATISFIED = ("不满意", "很不满意")

SERIES = "complaint"
MAX_TEXT = 4000


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


def _clean(session: Session, values: Mapping[str, object]) -> tuple[dict, list[FieldProblem]]:
    clean: dict[str, object] = {}
    problems: list[FieldProblem] = []
    for key, raw in values.items():
        field = FIELDS_BY_KEY.get(key)
        if field is None:
            continue
        try:
            clean[key] = _parse(session, field, raw)
        except ParseError as error:
            problems.append(FieldProblem(key, f"{field.label}：{error}"))
        except ValueError as error:
            problems.append(FieldProblem(key, f"{field.label}：{error}"))
    return clean, problems


def _parse(session: Session, field: ComplaintField, raw: object) -> object:
    if field.kind == "date":
        return parse_date(raw)
    if field.kind == "datetime":
        return parse_datetime(raw)
    if field.kind in ("customer", "department"):
        if raw in (None, ""):
            return None
        model = Customer if field.kind == "customer" else Department
        found = session.get(model, int(raw))  # type: ignore[arg-type]
        if found is None:
            raise ValueError("所选项已不存在。")
        return found.id
    text = str(raw).strip() if raw is not None else ""
    if len(text) > field.max_length:
        raise ValueError(f"最多 {field.max_length} 个字（现有 {len(text)} 个）。")
    if field.kind == "choice" and text:
        allowed = {
            "channel": CHANNELS,
            "accident": ACCIDENTS,
            "category": tuple(categories(session)),
        }[field.key]
        if text not in allowed:
            raise ValueError(f"应为：{'、'.join(allowed)}。")
    return text or None


def _required(clean: Mapping[str, object], complaint: Complaint | None) -> list[FieldProblem]:
    problems = []
    for field in FIELDS:
        if not field.required:
            continue
        value = clean[field.key] if field.key in clean else getattr(complaint, field.key, None)
        if value in (None, ""):
            problems.append(FieldProblem(field.key, f"{field.label}：必须填写。"))
    return problems


# ------------------------------------------------------------------ reading


def _label(complaint: Complaint) -> str:
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
        session, actor, "complaints", action, complaint.customer.owner_id, _label(complaint)
    )
    return complaint


def get_by_number(session: Session, actor: User, number: str) -> Complaint:
    rights.require(session, actor, "complaints", "view")
    found = session.scalar(select(Complaint.id).where(Complaint.number == number.strip().upper()))
    if found is None:
        raise NotFound(f"没有投诉编号为「{number}」的投诉。")
    return get_complaint(session, actor, found)


def allowed_actions(complaint: Complaint) -> tuple[str, ...]:
    """The workflow actions the complaint's state allows (rights aside)."""
    return TRANSITIONS.get(complaint.state, ())


def reported_late(complaint: Complaint) -> bool:
    """Not reported to the heads on the day it was received (DOMAIN §2)."""
    if not complaint.reports:
        return complaint.received_at.date() < date.today()
    return complaint.reports[0].reported_at.date() > complaint.received_at.date()


# ------------------------------------------------------------------ deadlines


@dataclass(frozen=True)
class Deadline:
    day: date
    what: str


def next_deadline(
    complaint: Complaint, calendar: workdays.WorkCalendar, limits: Mapping[str, int]
) -> Deadline | None:
    """What is due next and by which day; the day of receipt is day 0 (DOMAIN §2)."""
    received = complaint.received_at.date()
    state = complaint.state
    if state == REGISTERED:
        days = limits["complaint.report_days"]
        return Deadline(calendar.add_working_days(received, days), "上报领导")
    if complaint.is_service and state in (REPORTED, INVESTIGATING, HANDLING, REOPENED):
        if state == REPORTED:
            days = limits["complaint.service_investigate_days"]
            return Deadline(calendar.add_working_days(received, days), "开始调查")
        if complaint.round == 1:
            days = limits["complaint.service_reply_days"]
            return Deadline(calendar.add_working_days(received, days), "给客户满意答复")
    if (
        state in (HANDLING, REOPENED)
        and complaint.cause == CAUSE_OURS
        and complaint.cause_found_at is not None
        and complaint.solution_at is None
    ):
        days = limits["complaint.solution_days"]
        return Deadline(
            calendar.add_working_days(complaint.cause_found_at.date(), days), "提出处理方案"
        )
    return None


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
    for complaint in session.scalars(select(Complaint).where(Complaint.state != CLOSED)):
        found = next_deadline(complaint, calendar, limits)
        day, what = (found.day, found.what) if found else (None, None)
        if (complaint.due_on, complaint.due_what) != (day, what):
            complaint.due_on, complaint.due_what = day, what
            changed += 1
    return changed


def working_days_left(calendar: workdays.WorkCalendar, due: date, today: date) -> int:
    """Working days from today to the deadline: 0 due today, negative when overdue."""
    return calendar.working_days_between(today, due)


# ------------------------------------------------------------------ writing


def _commit(session: Session) -> None:
    try:
        session.commit()
    except StaleDataError:
        session.rollback()
        raise Conflict("这条投诉刚被别人修改过。请关闭后重新打开，再继续办理。") from None


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
        _label(complaint),
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
        raise Conflict("这条投诉刚被别人修改过。请关闭后重新打开，再继续办理。")
    if action not in allowed_actions(complaint):
        raise ValidationError(
            f"现在是「{complaint.state}」，不能{action}：{_NOT_YET[action]}", field="state"
        )
    return complaint


def _text(value: object, label: str, field: str, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError(f"{label}：必须填写。", field=field)
    if len(text) > MAX_TEXT:
        raise ValidationError(f"{label}：最多 {MAX_TEXT} 个字。", field=field)
    return text


def register(
    session: Session, actor: User, values: Mapping[str, object], commit: bool = True
) -> Complaint:
    """登记 a new complaint: the number of its year without gaps, state 已登记, due for
    reporting to the heads on the day. `commit=False` leaves the commit to the caller (a
    revisit that turns a problem into a complaint writes both at once)."""
    rights.require(session, actor, "complaints", "create")
    values = {"received_at": local_now(), "channel": "电话", **values}
    clean, problems = _clean(session, values)
    problems += _required(clean, None)
    if problems:
        raise ValidationError(problems)
    customer = session.get(Customer, clean["customer_id"])
    assert customer is not None
    if not access.owner_in_reach(session, actor, "complaints", "create", customer.owner_id):
        raise PermissionDenied(f"客户「{customer.name}」不归您或您的部门负责，不能为其登记投诉。")
    received: datetime = clean["received_at"]  # type: ignore[assignment]
    year = received.year
    number = f"TS{year}-{take_numbers(session, f'{SERIES}-{year}'):04d}"
    complaint = Complaint(
        number=number, received_by_id=actor.id, state=REGISTERED, round=1, escalation="受理人"
    )
    for key, value in clean.items():
        setattr(complaint, key, value)
    complaint.is_service = complaint.category in SERVICE_CATEGORIES
    complaint.customer = customer
    session.add(complaint)
    session.flush()
    complaint.steps.append(
        ComplaintStep(round=1, action="登记", from_state=None, to_state=REGISTERED,
                      at=local_now(), user_id=actor.id)
    )  # fmt: skip
    _refresh_deadline(session, complaint)
    audit.record(session, actor, audit.CREATE, "complaint", complaint.id, _label(complaint))
    if complaint.accident:
        audit.record(
            session, actor, audit.CREATE, "complaint", complaint.id, _label(complaint),
            field="质量事故", new=complaint.accident,
        )  # fmt: skip
    if commit:
        _commit(session)
    return complaint


def update(
    session: Session,
    actor: User,
    complaint_id: int,
    values: Mapping[str, object],
    expected_version: int | None = None,
) -> Complaint:
    """Correct the record's fields; each change is kept in the audit log."""
    complaint = get_complaint(session, actor, complaint_id, "edit")
    if expected_version is not None and complaint.version != expected_version:
        raise Conflict("这条投诉刚被别人修改过。请关闭后重新打开，再继续办理。")
    if complaint.state == CLOSED:
        raise ValidationError("已结案的投诉不能修改；如需再处理，请先「重新处理」。")
    clean, problems = _clean(session, values)
    problems += _required(clean, complaint)
    if problems:
        raise ValidationError(problems)
    for key, value in clean.items():
        old = getattr(complaint, key)
        if old != value:
            audit.record(
                session, actor, audit.EDIT, "complaint", complaint.id, _label(complaint),
                field=FIELDS_BY_KEY[key].label, old=_shown(session, key, old),
                new=_shown(session, key, value),
            )  # fmt: skip
            setattr(complaint, key, value)
    complaint.is_service = complaint.category in SERVICE_CATEGORIES
    complaint.updated_at = local_now()
    _refresh_deadline(session, complaint)
    _commit(session)
    return complaint


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


def report(
    session: Session,
    actor: User,
    complaint_id: int,
    recipients: Sequence[tuple[str, str]],
    reported_at: object = None,
    expected_version: int | None = None,
) -> Complaint:
    """上报: to whom (市场营销部负责人, 质检部负责人, the responsible department) and how."""
    complaint = _begin(session, actor, complaint_id, REPORT, expected_version)
    if not recipients:
        raise ValidationError("请至少填写一位上报对象。", field="recipients")
    try:
        moment = parse_datetime(reported_at) or local_now()
    except ParseError as error:
        raise ValidationError(f"上报时间：{error}", field="reported_at") from None
    if moment < complaint.received_at:
        raise ValidationError("上报时间不能早于受理时间。", field="reported_at")
    for recipient, way in recipients:
        recipient = _text(recipient, "上报对象", "recipients", required=True)[:80]
        if way not in REPORT_WAYS:
            raise ValidationError(f"上报方式应为：{'、'.join(REPORT_WAYS)}。", field="recipients")
        complaint.reports.append(
            ComplaintReport(
                recipient=recipient, way=way, reported_at=moment, reported_by_id=actor.id
            )
        )
    note = "；".join(f"{r}（{w}）" for r, w in recipients)
    if moment.date() > complaint.received_at.date():
        note += "；未在受理当日上报"
    _step(session, actor, complaint, REPORT, REPORTED, note)
    _commit(session)
    return complaint


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
    checker = _text(checker, "核实人", "site_checker", required=True)[:80]
    try:
        arrived = parse_datetime(arrived_at)
    except ParseError as error:
        raise ValidationError(f"到达时间：{error}", field="site_arrived_at") from None
    if arrived is None:
        raise ValidationError("到达时间：必须填写。", field="site_arrived_at")
    findings = _text(findings, "核实情况", "findings", required=True)
    complaint.site_checker, complaint.site_arrived_at = checker, arrived
    complaint.findings = findings
    complaint.customer_confirmed, complaint.qc_confirmed = customer_confirmed, qc_confirmed
    to_state = INVESTIGATING if complaint.state == REPORTED else complaint.state
    _step(session, actor, complaint, SITE_CHECK, to_state, f"{checker} {arrived:%m-%d %H:%M} 到达")
    _commit(session)
    return complaint


def find_cause(
    session: Session,
    actor: User,
    complaint_id: int,
    cause: str,
    responsible_department_id: int | None = None,
    responsible_person: str | None = None,
    explanation: str | None = None,
    expected_version: int | None = None,
) -> Complaint:
    """认定原因: 我方原因 starts the 3-working-day clock for a solution; 非我方原因 needs the
    explanation given to the customer; 投诉不成立 ends the handling (已处理)."""
    complaint = _begin(session, actor, complaint_id, FIND_CAUSE, expected_version)
    if cause not in CAUSES:
        raise ValidationError(f"原因应为：{'、'.join(CAUSES)}。", field="cause")
    explanation = _text(explanation, "说明", "explanation", required=cause != CAUSE_OURS)
    if cause == CAUSE_OURS and responsible_department_id is None:
        raise ValidationError("我方原因须指定责任部门。", field="responsible_department_id")
    if (
        responsible_department_id is not None
        and session.get(Department, responsible_department_id) is None
    ):
        raise ValidationError("所选责任部门已不存在。", field="responsible_department_id")
    complaint.cause, complaint.cause_found_at = cause, local_now()
    complaint.explanation = explanation or None
    complaint.responsible_department_id = responsible_department_id
    complaint.responsible_person = (
        _text(responsible_person, "责任人", "responsible_person")[:40] or None
    )
    complaint.solution_at = None  # a new finding needs a new solution
    if cause == CAUSE_UNFOUNDED:
        complaint.handled_at = local_now()
        complaint.result = explanation
        to_state = HANDLED
    else:
        to_state = HANDLING
    _step(
        session,
        actor,
        complaint,
        FIND_CAUSE,
        to_state,
        cause + (f"：{explanation}" if explanation else ""),
    )
    _commit(session)
    return complaint


def propose_solution(
    session: Session,
    actor: User,
    complaint_id: int,
    solution: str,
    expected_version: int | None = None,
) -> Complaint:
    """提出方案 (质检部 and the responsible department)."""
    complaint = _begin(session, actor, complaint_id, PROPOSE, expected_version)
    if complaint.cause is None or complaint.state == REOPENED and complaint.cause_found_at is None:
        raise ValidationError(_NOT_YET[PROPOSE], field="state")
    complaint.solution = _text(solution, "处理方案", "solution", required=True)
    complaint.solution_at = local_now()
    to_state = HANDLING
    _step(session, actor, complaint, PROPOSE, to_state, complaint.solution[:200])
    _commit(session)
    return complaint


def finish(
    session: Session,
    actor: User,
    complaint_id: int,
    result: str,
    expected_version: int | None = None,
) -> Complaint:
    """处理完毕: the result, filed by the 客服 (备案)."""
    complaint = _begin(session, actor, complaint_id, FINISH, expected_version)
    if complaint.cause is None:
        raise ValidationError(_NOT_YET[FINISH], field="state")
    if complaint.cause == CAUSE_OURS and complaint.solution_at is None:
        raise ValidationError("我方原因的投诉须先提出处理方案，才能处理完毕。", field="state")
    complaint.result = _text(result, "处理结果", "result", required=True)
    complaint.handled_at = local_now()
    _step(session, actor, complaint, FINISH, HANDLED, complaint.result[:200])
    _commit(session)
    return complaint


def revisited(
    session: Session, actor: User, complaint: Complaint, satisfaction: str, revisit_label: str
) -> None:
    """The complaint's revisit was recorded (services.revisits calls this; it commits).

    Satisfied → 已回访. Not satisfied → 重新处理: a new round, escalated one level
    (受理人 → 部门负责人 → 分管副总 → 总经理, 002 L390–400)."""
    if REVISIT not in allowed_actions(complaint):
        raise ValidationError(
            f"投诉 {complaint.number} 现在是「{complaint.state}」：{_NOT_YET[REVISIT]}",
            field="complaint_id",
        )
    if satisfaction in UNSATISFIED:
        _reopen(session, actor, complaint, f"{revisit_label}：客户{satisfaction}")
    else:
        _step(session, actor, complaint, REVISIT, REVISITED, f"{revisit_label}：客户{satisfaction}")


def _reopen(session: Session, actor: User, complaint: Complaint, note: str) -> None:
    level = ESCALATION.index(complaint.escalation) if complaint.escalation in ESCALATION else 0
    complaint.escalation = ESCALATION[min(level + 1, len(ESCALATION) - 1)]
    complaint.round += 1
    complaint.cause = complaint.cause_found_at = complaint.solution_at = None
    complaint.handled_at = complaint.closed_at = None
    _step(session, actor, complaint, REOPEN, REOPENED, f"{note}；升级至{complaint.escalation}")


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
    _commit(session)
    return complaint


def close(
    session: Session,
    actor: User,
    complaint_id: int,
    note: str = "",
    expected_version: int | None = None,
) -> Complaint:
    """结案, after a satisfied revisit."""
    complaint = _begin(session, actor, complaint_id, CLOSE, expected_version)
    complaint.closed_at = local_now()
    _step(session, actor, complaint, CLOSE, CLOSED, _text(note, "结案说明", "note"))
    _commit(session)
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
