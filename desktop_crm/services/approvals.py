"""One approval mechanism for the whole program (issue 7 "Approvals", DOMAIN §7).

A request (`Approval`) names the decisions it needs (`ApprovalStep`: a role, perhaps of one
department), taken in order. A person holding the step's role — in the step's department
when it has one — and the "approve" right of the kind's area decides it in the program, or
the clerk records the paper decision (who signed, when, the scan). One refusal ends the
request 已拒绝; the last approval makes it 已批准 and runs the kind's on-approved hook (a
grant then takes effect). The requester may withdraw while it is pending.

Kinds register themselves (`register_kind`) in the modules that use them; KIND_MODULES lists
those modules, so a decision taken from the approvals page finds its hook even when nothing
else imported the module yet.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from desktop_crm.models import Approval, ApprovalStep, Department, User, local_now

from . import access, audit, rights
from .customer_fields import ROLES
from .errors import Conflict, FieldProblem, NotFound, PermissionDenied, ValidationError
from .stored_files import read_user_file

PENDING, APPROVED, REFUSED, WITHDRAWN = "待审批", "已批准", "已拒绝", "已撤回"
STATES = (PENDING, APPROVED, REFUSED, WITHDRAWN)
APPROVE, REFUSE = "批准", "拒绝"
MAX_SCAN_BYTES = 20 * 1024 * 1024
MAX_COMMENT = 2000
MAX_TITLE = 300
LIST_LIMIT = 500

STALE = "这份申请刚被别人处理过（审批、录入或撤回）。请刷新后再看。"

# The modules that call register_kind when imported; a later area adds its own here.
KIND_MODULES = (
    "desktop_crm.services.grants",
    "desktop_crm.services.gifts_discounts",
    "desktop_crm.services.complaint_handling_reports",
    "desktop_crm.services.archive_loans",
    "desktop_crm.services.archive_appraisal",
)

Hook = Callable[[Session, Approval, User], None]


class Kind(NamedTuple):
    """What a kind of request is about: the rights area it is decided in, and its name."""

    area: str
    label: str


KINDS: dict[str, Kind] = {}
ON_APPROVED: dict[str, Hook] = {}
ON_CLOSED: dict[str, Hook] = {}


@dataclass(frozen=True)
class StepSpec:
    """One decision a request needs: a role, of one department when `department_id` is set."""

    role: str
    department_id: int | None = None


def register_kind(
    kind: str,
    area: str,
    label: str,
    on_approved: Hook | None = None,
    on_closed: Hook | None = None,
) -> None:
    """Declare a kind of request; `on_approved(session, approval, actor)` runs when the last
    step is approved, `on_closed` when the request is refused or withdrawn instead — both
    inside that transaction, so what the request is about follows at once."""
    if area not in rights.AREAS:
        raise ValueError(f"unknown rights area {area!r}")
    KINDS[kind] = Kind(area, label)
    if on_approved is not None:
        ON_APPROVED[kind] = on_approved
    if on_closed is not None:
        ON_CLOSED[kind] = on_closed


def _load_kind_modules() -> None:
    for module in KIND_MODULES:
        importlib.import_module(module)


def kind_info(kind: str) -> Kind:
    """The area and label of `kind` (ValueError for a kind nobody registered: a bug)."""
    if kind not in KINDS:
        _load_kind_modules()
    try:
        return KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown approval kind {kind!r}") from None


def detail_of(approval: Approval) -> dict[str, Any]:
    """The request's particulars (stored as a JSON object in `detail`)."""
    if not approval.detail:
        return {}
    try:
        value = json.loads(approval.detail)
    except ValueError:
        return {"reason": approval.detail}
    return value if isinstance(value, dict) else {"reason": str(value)}


# ---------------------------------------------------------------- who may do what


def _step_label(step: ApprovalStep) -> str:
    if step.department is not None:
        return f"{step.department.name}{step.role}"
    return step.role


def open_step(approval: Approval) -> ApprovalStep | None:
    """The step waiting for a decision: steps are decided in order."""
    if approval.state != PENDING:
        return None
    return next((s for s in approval.steps if s.decision is None), None)


def _decider_problem(
    session: Session, actor: User, approval: Approval, step: ApprovalStep
) -> str | None:
    """Why `actor` may not decide `step` in the program; None when they may."""
    if not actor.active:
        return "此账户已停用，不能审批。"
    if step.role not in actor.role_names:
        return f"这一步需要「{_step_label(step)}」审批，您没有这个角色。"
    if step.department_id is not None and step.department_id != actor.department_id:
        return f"这一步需要「{_step_label(step)}」审批，您不在该部门。"
    area = kind_info(approval.kind).area
    if not rights.may(session, actor, area, "approve"):
        return f"您没有「{rights.right_name(area, 'approve')}」的权限。"
    return None


def may_decide(session: Session, actor: User, approval: Approval, step: ApprovalStep) -> bool:
    return _decider_problem(session, actor, approval, step) is None


def may_record_paper(session: Session, actor: User, approval: Approval) -> bool:
    """The requester, or a clerk with the area's "edit" right over the requester's records."""
    if not actor.active:
        return False
    if approval.requested_by_id == actor.id:
        return True
    area = kind_info(approval.kind).area
    return access.owner_in_reach(session, actor, area, "edit", approval.requested_by_id)


# ---------------------------------------------------------------- requesting


def request_approval(
    session: Session,
    actor: User,
    kind: str,
    title: str,
    steps: Sequence[StepSpec],
    customer_id: int | None = None,
    object_type: str | None = None,
    object_id: object = None,
    detail: Mapping[str, Any] | None = None,
) -> Approval:
    """A new request of `kind` needing `steps` in order. Does not commit: the caller adds
    the object the request is about and commits both together.

    Leading steps the requester may decide themselves (a department head asking for their
    own department's discount) are recorded as approved by them at once; when that covers
    every step the request is approved and the kind's hook runs now.
    """
    info = kind_info(kind)
    if not steps:
        raise ValueError("an approval needs at least one step")
    if unknown := [s.role for s in steps if s.role not in ROLES]:
        raise ValueError(f"unknown roles {unknown}")
    if not actor.active:
        raise PermissionDenied("此账户已停用，不能提交申请。")
    title = (title or "").strip()
    if not title:
        raise ValidationError("请填写申请事项。", field="title")
    approval = Approval(
        kind=kind,
        title=title[:MAX_TITLE],
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        customer_id=customer_id,
        requested_by=actor,
        requested_at=local_now(),
        state=PENDING,
        detail=json.dumps(dict(detail), ensure_ascii=False, default=str) if detail else None,
    )
    approval.steps = [
        ApprovalStep(position=n, role=s.role, department=_department(session, s.department_id))
        for n, s in enumerate(steps, start=1)
    ]
    session.add(approval)
    session.flush()
    needs = "、".join(_step_label(s) for s in approval.steps)
    _record(session, actor, approval, None, PENDING, f"提交申请（{info.label}），需{needs}审批")
    _approve_own_steps(session, actor, approval)
    return approval


def _department(session: Session, department_id: int | None) -> Department | None:
    if department_id is None:
        return None
    department = session.get(Department, department_id)
    if department is None:
        raise ValueError(f"no department {department_id}")
    return department


def _approve_own_steps(session: Session, actor: User, approval: Approval) -> None:
    while (step := open_step(approval)) is not None and may_decide(session, actor, approval, step):
        _set_decision(step, actor, APPROVE, "申请人本人有此审批权，提交即批准。")
        _after_step(session, actor, approval, step)


# ---------------------------------------------------------------- deciding


def decide(
    session: Session,
    actor: User,
    step_id: int,
    approve: bool,
    comment: str | None = None,
    expected_version: int | None = None,
) -> Approval:
    """`actor` approves or refuses one step in the program; commits.

    Refused with PermissionDenied unless `actor` holds the step's role (in its department)
    and the "approve" right of the kind's area; Conflict when the request is no longer
    pending, the step was decided, an earlier step is still open, or the request changed
    since the caller read `expected_version`. A refusal needs a comment.
    """
    return _in_transaction(
        session, lambda: _decide(session, actor, step_id, approve, comment, expected_version)
    )


def _decide(
    session: Session,
    actor: User,
    step_id: int,
    approve: bool,
    comment: str | None,
    expected_version: int | None,
) -> Approval:
    step, approval = _load_step(session, step_id)
    problem = _decider_problem(session, actor, approval, step)
    if problem is not None:
        raise PermissionDenied(problem)
    if approval.requested_by_id == actor.id:
        raise PermissionDenied("不能审批自己提交的申请。")
    _check_open(approval, step, expected_version)
    text = _clean_comment(comment, required=not approve)
    _set_decision(step, actor, APPROVE if approve else REFUSE, text)
    _after_step(session, actor, approval, step)
    session.commit()
    return approval


def record_paper(
    session: Session,
    actor: User,
    step_id: int,
    approver_name: str,
    signed_on: date,
    scan_path: str | Path | None,
    approve: bool = True,
    comment: str | None = None,
    expected_version: int | None = None,
) -> Approval:
    """The clerk records a decision taken on paper by someone who does not use the program:
    who signed, on which date, and the scan of the signed paper (≤ 20 MB). Commits.

    Allowed to the requester and to whoever has the kind area's "edit" right over the
    requester's records."""
    return _in_transaction(
        session,
        lambda: _record_paper(
            session,
            actor,
            step_id,
            approver_name,
            signed_on,
            scan_path,
            approve,
            comment,
            expected_version,
        ),
    )


def _record_paper(
    session: Session,
    actor: User,
    step_id: int,
    approver_name: str,
    signed_on: date,
    scan_path: str | Path | None,
    approve: bool,
    comment: str | None,
    version: int | None,
) -> Approval:
    step, approval = _load_step(session, step_id)
    if not may_record_paper(session, actor, approval):
        area = kind_info(approval.kind).area
        raise PermissionDenied(
            "只有申请人，或对申请人的记录有"
            f"「{rights.right_name(area, 'edit')}」权限的人，才能录入纸质审批。"
        )
    _check_open(approval, step, version)
    name, day, text, scan = _clean_paper(approver_name, signed_on, scan_path, comment, approve)
    _set_decision(step, actor, APPROVE if approve else REFUSE, text)
    step.paper_approver, step.paper_date = name, day
    if scan is not None:
        step.paper_scan_name, step.paper_scan = scan
    _after_step(session, actor, approval, step, paper=True)
    session.commit()
    return approval


def _clean_paper(
    approver_name: str,
    signed_on: date | None,
    scan_path: str | Path | None,
    comment: str | None,
    approve: bool,
) -> tuple[str, date, str | None, tuple[str, bytes] | None]:
    problems: list[FieldProblem] = []
    name = (approver_name or "").strip()
    if not name:
        problems.append(FieldProblem("approver_name", "请填写在纸质审批单上签字的人。"))
    elif len(name) > 40:
        problems.append(FieldProblem("approver_name", "签字人姓名最多 40 个字。"))
    if not isinstance(signed_on, date):
        problems.append(FieldProblem("signed_on", "请填写签字日期。"))
    elif signed_on > date.today():
        problems.append(FieldProblem("signed_on", "签字日期不能晚于今天。"))
    text, scan = None, None
    try:
        text = _clean_comment(comment, required=not approve)
    except ValidationError as error:
        problems.extend(error.problems)
    if scan_path is not None and str(scan_path).strip():
        try:
            scan = read_scan(scan_path)
        except ValidationError as error:
            problems.extend(error.problems)
    if problems:
        raise ValidationError(problems)
    return name, signed_on, text, scan


def read_scan(path: str | Path) -> tuple[str, bytes]:
    """The file name and bytes of a scan, or ValidationError (field "scan") saying why not."""
    return read_user_file(path, MAX_SCAN_BYTES, "scan", "扫描件", "请降低扫描分辨率后再试。")


def withdraw(
    session: Session, actor: User, approval_id: int, expected_version: int | None = None
) -> Approval:
    """The requester takes back a request that is still pending; commits."""
    return _in_transaction(
        session, lambda: _withdraw(session, actor, approval_id, expected_version)
    )


def _withdraw(
    session: Session, actor: User, approval_id: int, expected_version: int | None
) -> Approval:
    approval = session.get(Approval, approval_id)
    if approval is None:
        raise NotFound("这份申请已不存在。")
    if approval.requested_by_id != actor.id:
        raise PermissionDenied("只有申请人本人可以撤回申请。")
    if approval.state != PENDING:
        raise Conflict(f"这份申请{approval.state}，不能再撤回。")
    if expected_version is not None and approval.version != expected_version:
        raise Conflict(STALE)
    approval.state = WITHDRAWN
    approval.decided_at = local_now()
    _record(session, actor, approval, PENDING, WITHDRAWN, "申请人撤回")
    _run_hook(session, actor, approval)
    session.commit()
    return approval


def _in_transaction(session: Session, work: Callable[[], Approval]) -> Approval:
    """Run one write; on any failure the session is rolled back, a stale write → Conflict."""
    try:
        return work()
    except StaleDataError:
        session.rollback()
        raise Conflict(STALE) from None
    except Exception:
        session.rollback()
        raise


def _load_step(session: Session, step_id: int) -> tuple[ApprovalStep, Approval]:
    step = session.get(ApprovalStep, step_id)
    approval = session.get(Approval, step.approval_id) if step is not None else None
    if step is None or approval is None:
        raise NotFound("这个审批步骤已不存在。")
    return step, approval


def _check_open(approval: Approval, step: ApprovalStep, expected_version: int | None) -> None:
    if approval.state != PENDING:
        raise Conflict(f"这份申请{approval.state}，不能再审批。")
    if step.decision is not None:
        who = step.paper_approver or (step.decided_by.name if step.decided_by else "别人")
        raise Conflict(f"这一步已由{who}{step.decision}。请刷新后再看。")
    if expected_version is not None and approval.version != expected_version:
        raise Conflict(STALE)
    if open_step(approval) is not step:
        raise Conflict("前面的审批还没有完成，请等前一步审批后再办理这一步。")


def _clean_comment(comment: str | None, required: bool) -> str | None:
    text = (comment or "").strip()
    if required and not text:
        raise ValidationError("拒绝时请写明理由。", field="comment")
    if len(text) > MAX_COMMENT:
        raise ValidationError(f"审批意见最多 {MAX_COMMENT} 个字。", field="comment")
    return text or None


def _set_decision(step: ApprovalStep, actor: User, decision: str, comment: str | None) -> None:
    step.decision = decision
    step.decided_by = actor  # the relationship, so rows read in this session show the name
    step.decided_at = local_now()
    step.comment = comment


def _after_step(
    session: Session, actor: User, approval: Approval, step: ApprovalStep, paper: bool = False
) -> None:
    """Close the request when the step ended it; record the step; run the hook."""
    before = approval.state
    if step.decision == REFUSE:
        approval.state = REFUSED
    elif all(s.decision == APPROVE for s in approval.steps):
        approval.state = APPROVED
    if approval.state != PENDING:
        approval.decided_at = step.decided_at
    # Every decision bumps the request's version, so two people deciding at once clash.
    flag_modified(approval, "state")
    session.flush()
    _record(session, actor, approval, before, approval.state, _step_note(step, paper))
    _run_hook(session, actor, approval)


def _run_hook(session: Session, actor: User, approval: Approval) -> None:
    """What the request is about follows its end: approved, or refused/withdrawn."""
    kind_info(approval.kind)  # loads the kind modules, which register the hooks
    if approval.state == APPROVED:
        hook = ON_APPROVED.get(approval.kind)
    elif approval.state in (REFUSED, WITHDRAWN):
        hook = ON_CLOSED.get(approval.kind)
    else:
        hook = None
    if hook is not None:
        hook(session, approval, actor)


def _step_note(step: ApprovalStep, paper: bool) -> str:
    note = f"第 {step.position} 步（{_step_label(step)}）{step.decision}"
    if paper:
        note += f"，纸质审批：{step.paper_approver} 于 {step.paper_date} 签字"
        if step.paper_scan_name:
            note += f"，扫描件 {step.paper_scan_name}"
    if step.comment:
        note += f"；意见：{step.comment}"
    return note


def _record(
    session: Session,
    actor: User,
    approval: Approval,
    old: str | None,
    new: str,
    note: str,
) -> None:
    audit.record(
        session,
        actor,
        audit.APPROVAL,
        "approval",
        approval.id,
        f"{approval.kind}：{approval.title}",
        field="状态",
        old=old,
        new=new,
        detail=note,
    )


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class StepRow:
    id: int
    position: int
    role: str
    department: str | None
    decision: str | None
    decided_by: str | None
    decided_at: datetime | None
    comment: str | None
    paper_approver: str | None
    paper_date: date | None
    scan_name: str | None

    @property
    def label(self) -> str:
        return f"{self.department}{self.role}" if self.department else self.role

    @property
    def summary(self) -> str:
        """E.g. 总经理：批准（张总 2026-01-05）, or 总经理：待审批."""
        if self.decision is None:
            return f"{self.label}：待审批"
        if self.paper_approver:
            who = f"纸质，{self.paper_approver} {self.paper_date}"
        else:
            when = self.decided_at.date() if self.decided_at else ""
            who = f"{self.decided_by or ''} {when}".strip()
        return f"{self.label}：{self.decision}（{who}）"


@dataclass(frozen=True)
class ApprovalRow:
    """One request as the lists show it (plain values)."""

    id: int
    kind: str
    kind_label: str
    title: str
    requester_id: int | None
    requester: str
    requested_at: datetime
    state: str
    decided_at: datetime | None
    reason: str
    customer_id: int | None
    object_type: str | None
    object_id: str | None
    version: int
    steps: tuple[StepRow, ...]
    open_step_id: int | None

    @property
    def steps_summary(self) -> str:
        return "；".join(step.summary for step in self.steps)


def _step_row(step: ApprovalStep) -> StepRow:
    return StepRow(
        id=step.id,
        position=step.position,
        role=step.role,
        department=step.department.name if step.department else None,
        decision=step.decision,
        decided_by=step.decided_by.name if step.decided_by else None,
        decided_at=step.decided_at,
        comment=step.comment,
        paper_approver=step.paper_approver,
        paper_date=step.paper_date,
        scan_name=step.paper_scan_name,
    )


def _kind_label(kind: str) -> str:
    """The kind's name; a kind this program does not know (a newer one) shows as stored."""
    try:
        return kind_info(kind).label
    except ValueError:
        return kind


def to_row(approval: Approval) -> ApprovalRow:
    waiting = open_step(approval)
    return ApprovalRow(
        id=approval.id,
        kind=approval.kind,
        kind_label=_kind_label(approval.kind),
        title=approval.title,
        requester_id=approval.requested_by_id,
        requester=approval.requested_by.name if approval.requested_by else "",
        requested_at=approval.requested_at,
        state=approval.state,
        decided_at=approval.decided_at,
        reason=str(detail_of(approval).get("reason") or ""),
        customer_id=approval.customer_id,
        object_type=approval.object_type,
        object_id=approval.object_id,
        version=approval.version,
        steps=tuple(_step_row(s) for s in approval.steps),
        open_step_id=waiting.id if waiting is not None else None,
    )


def _with_people(query: Select) -> Select:
    return query.options(
        selectinload(Approval.requested_by),
        selectinload(Approval.steps).selectinload(ApprovalStep.decided_by),
        selectinload(Approval.steps).selectinload(ApprovalStep.department),
    )


def _rows(session: Session, query: Select) -> list[ApprovalRow]:
    return [to_row(a) for a in session.scalars(_with_people(query))]


def approval_rows(session: Session, approval_ids: Iterable[int]) -> dict[int, ApprovalRow]:
    """The requests with these ids by id (for lists of the objects they are about)."""
    ids = set(approval_ids)
    if not ids:
        return {}
    return {row.id: row for row in _rows(session, select(Approval).where(Approval.id.in_(ids)))}


def pending_for(session: Session, actor: User) -> list[ApprovalRow]:
    """Requests whose next decision `actor` may take in the program, oldest first."""
    if not actor.active or not actor.role_names:
        return []
    candidates = (
        select(ApprovalStep.approval_id)
        .where(
            ApprovalStep.decision.is_(None),
            ApprovalStep.role.in_(actor.role_names),
            or_(
                ApprovalStep.department_id.is_(None),
                ApprovalStep.department_id == actor.department_id,
            ),
        )
        .scalar_subquery()
    )
    query = (
        select(Approval)
        .where(
            Approval.state == PENDING,
            Approval.id.in_(candidates),
            or_(Approval.requested_by_id.is_(None), Approval.requested_by_id != actor.id),
        )
        .order_by(Approval.requested_at, Approval.id)
    )
    found = session.scalars(_with_people(query)).all()
    return [
        to_row(a)
        for a in found
        if (step := open_step(a)) is not None and may_decide(session, actor, a, step)
    ]


def requested_by_me(session: Session, actor: User, limit: int = LIST_LIMIT) -> list[ApprovalRow]:
    """The requests `actor` made, newest first."""
    query = (
        select(Approval)
        .where(Approval.requested_by_id == actor.id)
        .order_by(Approval.requested_at.desc(), Approval.id.desc())
        .limit(limit)
    )
    return _rows(session, query)


def decided_by(session: Session, actor: User, limit: int = LIST_LIMIT) -> list[ApprovalRow]:
    """Requests with a step `actor` decided or recorded (not their own), newest first."""
    mine = (
        select(ApprovalStep.approval_id)
        .where(ApprovalStep.decided_by_id == actor.id)
        .scalar_subquery()
    )
    query = (
        select(Approval)
        .where(
            Approval.id.in_(mine),
            or_(Approval.requested_by_id.is_(None), Approval.requested_by_id != actor.id),
        )
        .order_by(Approval.requested_at.desc(), Approval.id.desc())
        .limit(limit)
    )
    return _rows(session, query)


def _clerk_areas(session: Session, actor: User) -> list[str]:
    """The areas where `actor`'s "edit" right reaches beyond their own records."""
    _load_kind_modules()
    areas = sorted({k.area for k in KINDS.values()})
    return [
        a for a in areas if rights.scope_for(session, actor, a, "edit") not in (None, rights.OWN)
    ]


def records_paper_for_others(session: Session, actor: User) -> bool:
    """Whether `actor` may record paper decisions on other people's requests."""
    return actor.active and bool(_clerk_areas(session, actor))


def paper_pending_for(session: Session, actor: User) -> list[ApprovalRow]:
    """Pending requests of other people whose paper decisions `actor` may record: those of
    the people within reach of `actor`'s "edit" right in the kind's area, oldest first."""
    if not actor.active:
        return []
    conditions = []
    for area in _clerk_areas(session, actor):
        kinds = [name for name, k in KINDS.items() if k.area == area]
        reach = access.scope_condition(session, actor, area, "edit", Approval.requested_by_id)
        of_kind = Approval.kind.in_(kinds)
        conditions.append(of_kind if reach is None else and_(of_kind, reach))
    if not conditions:
        return []
    query = (
        select(Approval)
        .where(
            Approval.state == PENDING,
            or_(*conditions),
            or_(Approval.requested_by_id.is_(None), Approval.requested_by_id != actor.id),
        )
        .order_by(Approval.requested_at, Approval.id)
        .limit(LIST_LIMIT)
    )
    return _rows(session, query)


def may_see(session: Session, actor: User, approval: Approval) -> bool:
    """The requester, anyone who decided a step, a possible decider or paper clerk."""
    if approval.requested_by_id == actor.id:
        return True
    if any(s.decided_by_id == actor.id for s in approval.steps):
        return True
    if any(may_decide(session, actor, approval, s) for s in approval.steps):
        return True
    return may_record_paper(session, actor, approval)


def get_approval(session: Session, actor: User, approval_id: int) -> ApprovalRow:
    """One request, for someone it concerns."""
    approval = session.get(Approval, approval_id)
    if approval is None:
        raise NotFound("这份申请已不存在。")
    if not may_see(session, actor, approval):
        raise PermissionDenied("这份申请与您无关，您不能查看。")
    return to_row(approval)


def paper_scan(session: Session, actor: User, step_id: int) -> tuple[str, bytes]:
    """The file name and bytes of the scan recorded with a paper decision."""
    step, approval = _load_step(session, step_id)
    if not may_see(session, actor, approval):
        raise PermissionDenied("这份申请与您无关，您不能查看它的扫描件。")
    if step.paper_scan is None:
        raise NotFound("这一步没有纸质审批扫描件。")
    return step.paper_scan_name or "扫描件", bytes(step.paper_scan)
