"""查看授权: the 总经理's grant to one person to read another department's customer files
for a period (DOMAIN §1, issue 7 "Rights"). Asked for through an approval, or given
directly by the 总经理; recorded either way, and revocable.

`access.granted_departments` reads the AccessGrant rows this module writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from desktop_crm.models import AccessGrant, Approval, Department, User, local_now

from . import approvals, audit, rights
from .customer_fields import ADMIN_ROLE
from .errors import Conflict, FieldProblem, NotFound, PermissionDenied, ValidationError
from .field_parsing import ParseError, parse_date

KIND = "查看授权"
AREA = "customers"
GRANTOR_ROLE = "总经理"
MAX_REASON = 1000

ACTIVE, NOT_YET, EXPIRED, REVOKED = "生效中", "未生效", "已过期", "已撤销"


@dataclass(frozen=True)
class GrantInput:
    """A grant as asked for: whose, which department, from when until when, why."""

    grantee: User
    department_id: object
    valid_from: object
    valid_until: object
    reason: str | None


@dataclass(frozen=True)
class _Clean:
    department: Department
    valid_from: date
    valid_until: date
    reason: str


def _one_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28) + timedelta(days=1)


def _parse_day(value: object, field: str, label: str, problems: list[FieldProblem]) -> date | None:
    try:
        day = parse_date(value)
    except ParseError as error:
        problems.append(FieldProblem(field, f"{label}：{error}"))
        return None
    if day is None:
        problems.append(FieldProblem(field, f"请填写{label}。"))
    elif day < date.today():
        problems.append(FieldProblem(field, f"{label}不能早于今天。"))
    return day


def _check_period(start: date | None, end: date | None, problems: list[FieldProblem]) -> None:
    if start is None or end is None:
        return
    if end < start:
        problems.append(FieldProblem("valid_until", "结束日期不能早于开始日期。"))
    elif end >= _one_year_after(start):
        problems.append(FieldProblem("valid_until", "授权期限最长一年，请缩短期限。"))


def _check_department(
    session: Session, grantee: User, department_id: object, problems: list[FieldProblem]
) -> Department | None:
    department = session.get(Department, department_id) if department_id else None
    if department is None or not department.active:
        problems.append(FieldProblem("department_id", "请选择要查看的部门。"))
        return None
    if department.id == grantee.department_id:
        problems.append(
            FieldProblem(
                "department_id",
                f"{grantee.name}本来就在{department.name}，不需要授权查看本部门的客户档案。",
            )
        )
    return department


def _check_grantee(session: Session, grantee: User, problems: list[FieldProblem]) -> None:
    """A grant widens 本人/本部门 reading; it means nothing to others."""
    scope = rights.scope_for(session, grantee, AREA, "view")
    if scope is None:
        problems.append(
            FieldProblem("grantee_id", f"{grantee.name}没有查看客户档案的权限，授权不起作用。")
        )
    elif scope == rights.ALL:
        problems.append(
            FieldProblem("grantee_id", f"{grantee.name}已能查看所有部门的客户档案，无需授权。")
        )


def _clean(session: Session, data: GrantInput) -> _Clean:
    problems: list[FieldProblem] = []
    _check_grantee(session, data.grantee, problems)
    department = _check_department(session, data.grantee, data.department_id, problems)
    start = _parse_day(data.valid_from, "valid_from", "开始日期", problems)
    end = _parse_day(data.valid_until, "valid_until", "结束日期", problems)
    _check_period(start, end, problems)
    reason = (data.reason or "").strip()
    if not reason:
        problems.append(FieldProblem("reason", "请写明为什么需要查看。"))
    elif len(reason) > MAX_REASON:
        problems.append(FieldProblem("reason", f"理由最多 {MAX_REASON} 个字。"))
    if problems:
        raise ValidationError(problems)
    assert department is not None and start is not None and end is not None
    return _Clean(department, start, end, reason)


def _title(grantee: User, clean: _Clean) -> str:
    return (
        f"{grantee.name}查看{clean.department.name}客户档案"
        f"（{clean.valid_from} 至 {clean.valid_until}）"
    )


def _detail(grantee: User, clean: _Clean) -> dict[str, object]:
    return {
        "grantee_id": grantee.id,
        "department_id": clean.department.id,
        "valid_from": clean.valid_from.isoformat(),
        "valid_until": clean.valid_until.isoformat(),
        "reason": clean.reason,
    }


def _refuse_duplicate(session: Session, grantee: User, clean: _Clean) -> None:
    pending = session.scalars(
        select(Approval).where(
            Approval.kind == KIND,
            Approval.state == approvals.PENDING,
            Approval.requested_by_id == grantee.id,
        )
    )
    for approval in pending:
        if approvals.detail_of(approval).get("department_id") == clean.department.id:
            raise Conflict(
                f"您查看{clean.department.name}客户档案的申请还在等待审批，请不要重复申请。"
            )


def request_grant(
    session: Session,
    actor: User,
    department_id: int,
    valid_from: date,
    valid_until: date,
    reason: str,
) -> Approval:
    """`actor` asks the 总经理 to read `department_id`'s customer files for a period; commits.

    Once the 总经理 approves, the grant takes effect (an AccessGrant for `actor`)."""
    try:
        rights.require(session, actor, AREA, "view")
        data = GrantInput(actor, department_id, valid_from, valid_until, reason)
        clean = _clean(session, data)
        _refuse_duplicate(session, actor, clean)
        approval = approvals.request_approval(
            session,
            actor,
            KIND,
            _title(actor, clean),
            [approvals.StepSpec(GRANTOR_ROLE)],
            object_type="grant",
            detail=_detail(actor, clean),
        )
        session.commit()
        return approval
    except Exception:
        session.rollback()
        raise


def _require_grantor(session: Session, actor: User) -> None:
    rights.require(session, actor, AREA, "approve")
    if GRANTOR_ROLE not in actor.role_names:
        raise PermissionDenied("只有总经理可以授权查看其他部门的客户档案。")


def grant_access(
    session: Session,
    actor: User,
    grantee_id: int,
    department_id: int,
    valid_from: date,
    valid_until: date,
    reason: str,
) -> AccessGrant:
    """The 总经理 grants directly: the request is recorded as already approved by them, and
    the grant takes effect at once; commits."""
    try:
        _require_grantor(session, actor)
        grantee = session.get(User, grantee_id) if grantee_id else None
        if grantee is None or not grantee.active:
            raise ValidationError("请选择授权给谁（在职人员）。", field="grantee_id")
        clean = _clean(session, GrantInput(grantee, department_id, valid_from, valid_until, reason))
        approval = approvals.request_approval(
            session,
            actor,
            KIND,
            _title(grantee, clean),
            [approvals.StepSpec(GRANTOR_ROLE)],
            object_type="grant",
            detail=_detail(grantee, clean),
        )
        if approval.state != approvals.APPROVED:  # the rights table took 总经理's approval away
            raise PermissionDenied("您现在不能审批查看授权。")
        session.commit()
        return session.scalars(
            select(AccessGrant).where(AccessGrant.approval_id == approval.id)
        ).one()
    except Exception:
        session.rollback()
        raise


def _on_approved(session: Session, approval: Approval, actor: User) -> None:
    """The approved request takes effect: the grantee may read the department's files."""
    detail = approvals.detail_of(approval)
    if date.fromisoformat(detail["valid_until"]) < date.today():
        raise Conflict("申请的查看期限已经过去，批准也不起作用。请拒绝，由申请人重新申请。")
    grant = AccessGrant(
        grantee_id=int(detail.get("grantee_id") or approval.requested_by_id),
        department_id=int(detail["department_id"]),
        valid_from=date.fromisoformat(detail["valid_from"]),
        valid_until=date.fromisoformat(detail["valid_until"]),
        reason=detail.get("reason"),
        approval_id=approval.id,
        created_by_id=actor.id,
        created_at=local_now(),
    )
    session.add(grant)
    session.flush()
    _record(session, actor, grant, None, f"{grant.valid_from} 至 {grant.valid_until}", "授权生效")


def _grant_label(session: Session, grant: AccessGrant) -> str:
    grantee = session.get(User, grant.grantee_id)
    department = session.get(Department, grant.department_id)
    return (
        f"{grantee.name if grantee else '?'}：查看{department.name if department else '?'}客户档案"
    )


def _record(
    session: Session,
    actor: User,
    grant: AccessGrant,
    old: str | None,
    new: str | None,
    detail: str,
) -> None:
    audit.record(
        session,
        actor,
        audit.RIGHTS_CHANGED,
        "grant",
        grant.id,
        _grant_label(session, grant),
        field="查看授权",
        old=old,
        new=new,
        detail=f"{detail}；理由：{grant.reason}" if grant.reason else detail,
    )


def revoke_grant(session: Session, actor: User, grant_id: int) -> AccessGrant:
    """The 总经理 or the 系统管理员 ends a grant before its time; commits."""
    if not actor.active or not {GRANTOR_ROLE, ADMIN_ROLE} & set(actor.role_names):
        raise PermissionDenied("只有总经理或系统管理员可以撤销查看授权。")
    grant = session.get(AccessGrant, grant_id)
    if grant is None:
        raise NotFound("这项授权已不存在。")
    if grant.revoked_at is not None:
        raise Conflict(f"这项授权已于 {grant.revoked_at:%Y-%m-%d %H:%M} 撤销。")
    try:
        grant.revoked_at = local_now()
        period = f"{grant.valid_from} 至 {grant.valid_until}"
        _record(session, actor, grant, period, REVOKED, "撤销授权")
        session.commit()
    except Exception:
        session.rollback()
        raise
    return grant


@dataclass(frozen=True)
class GrantRow:
    id: int
    grantee_id: int
    grantee: str
    department: str
    valid_from: date
    valid_until: date
    reason: str
    granted_by: str
    created_at: datetime
    revoked_at: datetime | None
    state: str


def grant_state(grant: AccessGrant, today: date | None = None) -> str:
    day = today or date.today()
    if grant.revoked_at is not None:
        return REVOKED
    if grant.valid_until < day:
        return EXPIRED
    if grant.valid_from > day:
        return NOT_YET
    return ACTIVE


def sees_all_grants(actor: User) -> bool:
    return actor.active and bool({GRANTOR_ROLE, ADMIN_ROLE} & set(actor.role_names))


def grants_list(session: Session, actor: User, include_past: bool = False) -> list[GrantRow]:
    """Grants, newest first: all of them for the 总经理 and the 系统管理员, else the
    actor's own. Without `include_past`, only those in force or still to come."""
    query = select(AccessGrant).options(
        selectinload(AccessGrant.grantee), selectinload(AccessGrant.department)
    )
    if not sees_all_grants(actor):
        query = query.where(AccessGrant.grantee_id == actor.id)
    if not include_past:
        query = query.where(
            AccessGrant.revoked_at.is_(None), AccessGrant.valid_until >= date.today()
        )
    query = query.order_by(AccessGrant.created_at.desc(), AccessGrant.id.desc())
    found = list(session.scalars(query))
    granted_by = _names(session, {g.created_by_id for g in found if g.created_by_id})
    return [
        GrantRow(
            id=g.id,
            grantee_id=g.grantee_id,
            grantee=g.grantee.name,
            department=g.department.name,
            valid_from=g.valid_from,
            valid_until=g.valid_until,
            reason=g.reason or "",
            granted_by=granted_by.get(g.created_by_id or 0, ""),
            created_at=g.created_at,
            revoked_at=g.revoked_at,
            state=grant_state(g),
        )
        for g in found
    ]


def _names(session: Session, user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    rows = session.execute(select(User.id, User.name).where(User.id.in_(user_ids)))
    return {row.id: row.name for row in rows}


def grantable_departments(session: Session, grantee: User) -> list[tuple[int, str]]:
    """The departments a grant to `grantee` could open (active, not their own)."""
    query = (
        select(Department.id, Department.name)
        .where(Department.active.is_(True), Department.id != (grantee.department_id or 0))
        .order_by(Department.sort_order, Department.id)
    )
    return [(row.id, row.name) for row in session.execute(query)]


approvals.register_kind(KIND, AREA, "查看其他部门客户档案", _on_approved)
