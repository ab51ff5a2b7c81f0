"""鉴定销毁 (DOMAIN §5): appraisal batches and destructions, with the 档案销毁清册.

What is due for appraisal is `archive_list.due_query` (保管期限 counts from 1 January of
the year after the 年度: a 2015 file kept 10 years is due from 2026-01-01). An appraisal
batch decides per volume: 延长 — a new 保管期限 (counted from the same start) and a new
appraisal date, the volume stays; or 销毁 — the volume waits (待鉴定) for a destruction. A
volume linked to an open complaint is never destroyed.

A destruction (batch XH2026-01) is one approval request of kind 档案销毁: the heads of the
volumes' departments review, then the 总经理 approves; decided in the program or recorded
from paper. Once approved, the archive keeper records the destruction with two different
监销人, the date, the place and the method (粉碎 by default; secret files only 粉碎). The
volumes are marked 已销毁 with the batch number — a ledger row is never deleted — and the
清册 rows written with the request are kept for good (the store refuses to change them).

Rights (area "archives"): appraising is the archive room's ("edit" over 全部); requesting
and carrying out a destruction needs the "delete" right over 全部 (the 档案管理员).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from desktop_crm.models import (
    Approval,
    ArchiveAppraisal,
    ArchiveAppraisalEntry,
    ArchiveDestruction,
    ArchiveDestructionEntry,
    ArchiveNote,
    ArchivePeriod,
    ArchiveVolume,
    Complaint,
    User,
    local_now,
)

from . import approvals, audit, rights
from .archive_receipts import clean_day, clean_text, require_keeper, year_serial
from .archive_scope import get_volume, in_reach, volume_label
from .archive_settings import SECRET_LEVELS, find_period
from .archives import DESTROYED, IN_STORE, LENT, PENDING_APPRAISAL, apply_period, appraisal_due_on
from .complaints import OPEN_STATES
from .errors import Conflict, FieldProblem, NotFound, PermissionDenied, ValidationError

AREA = "archives"
KIND = "档案销毁"
DESTROY, EXTEND = "销毁", "延长"
DECISIONS = (DESTROY, EXTEND)
REQUESTED, APPROVED, DONE, REFUSED, WITHDRAWN = "申请中", "已批准", "已销毁", "已拒绝", "已撤回"
OPEN_DESTRUCTION = (REQUESTED, APPROVED)
SHRED = "粉碎"
METHODS = (SHRED, "焚烧", "化浆", "其他")
HEAD_ROLE, MANAGER_ROLE = "部门负责人", "总经理"
MAX_VOLUMES = 5000
STALE = "这批销毁刚被别人办理过。请刷新后再看。"


def _write(session: Session, work):  # noqa: ANN001, ANN202
    try:
        return work()
    except StaleDataError:
        session.rollback()
        raise Conflict(STALE) from None
    except Exception:
        session.rollback()
        raise


def open_complaint(session: Session, volume: ArchiveVolume) -> Complaint | None:
    """The open complaint the volume is linked to (a reason never to destroy it)."""
    if volume.complaint_id is None:
        return None
    complaint = session.get(Complaint, volume.complaint_id)
    return complaint if complaint is not None and complaint.state in OPEN_STATES else None


# ------------------------------------------------------------------ appraisal


def create_appraisal(
    session: Session,
    actor: User,
    decisions: Sequence[Mapping[str, object]],
    appraised_on: object = None,
    appraisers: object = None,
    note: object = None,
) -> ArchiveAppraisal:
    """An appraisal batch (批次号 JD2026-01): `decisions` one per volume — {"volume_id",
    "decision": 销毁 / 延长, "period_code" (延长: the new 保管期限), "reason" (延长: required)}.
    Each volume must be due on `appraised_on` (default today). 销毁 is refused for a volume
    linked to an open complaint or lent out; the volume becomes 待鉴定. 延长 sets the new
    period and appraisal date and notes it in the 备考表. All or nothing. Commits."""
    require_keeper(session, actor, what="鉴定档案")
    problems: list[FieldProblem] = []
    day = clean_day(appraised_on, "appraised_on", "鉴定日期", problems, date.today())
    if day is not None and day > date.today():
        problems.append(FieldProblem("appraised_on", "鉴定日期：不能晚于今天。"))
    who = clean_text(appraisers, "appraisers", "鉴定人", 200, problems)
    text = clean_text(note, "note", "说明", 2000, problems)
    if not decisions:
        problems.append(FieldProblem("decisions", "请至少鉴定一个案卷。"))
    if len(decisions) > MAX_VOLUMES:
        problems.append(FieldProblem("decisions", f"一批最多鉴定 {MAX_VOLUMES} 卷。"))
    if problems:
        raise ValidationError(problems)
    assert day is not None
    entries: list[tuple[ArchiveVolume, str, ArchivePeriod | None, str | None]] = []
    seen: set[int] = set()
    for index, raw in enumerate(decisions, start=1):
        field = f"decisions.{index}"
        try:
            volume = get_volume(session, actor, int(raw["volume_id"]), "edit")  # type: ignore[call-overload]
        except (KeyError, TypeError, ValueError):
            problems.append(FieldProblem(field, "案卷：请从台账中选择。"))
            continue
        except (NotFound, PermissionDenied) as error:
            problems.append(FieldProblem(field, error.message))
            continue
        label = volume.number
        if volume.id in seen:
            problems.append(FieldProblem(field, f"{label}：重复。"))
            continue
        seen.add(volume.id)
        decision = str(raw.get("decision") or "").strip()
        reason = clean_text(raw.get("reason"), field, f"{label} 理由", 300, problems)
        if decision not in DECISIONS:
            problems.append(FieldProblem(field, f"{label}：鉴定结论应为销毁或延长。"))
            continue
        if volume.state in (DESTROYED, "移出"):
            problems.append(FieldProblem(field, f"{label}：{volume.state}，不能再鉴定。"))
            continue
        if volume.appraisal_due_on is None or volume.appraisal_due_on > day:
            when = (
                "永久保管"
                if volume.appraisal_due_on is None
                else f"{volume.appraisal_due_on} 才到期"
            )
            problems.append(FieldProblem(field, f"{label}：{when}，还不需要鉴定。"))
            continue
        period = None
        if decision == DESTROY:
            complaint = open_complaint(session, volume)
            if complaint is not None:
                problems.append(FieldProblem(
                    field, f"{label}：关联的投诉 {complaint.number} 尚未结案（{complaint.state}），不能销毁。"
                ))  # fmt: skip
            if volume.state == LENT:
                problems.append(FieldProblem(field, f"{label}：已借出，归还后才能鉴定为销毁。"))
        else:
            period = (
                find_period(session, raw.get("period_code")) if raw.get("period_code") else None
            )
            if period is None:
                problems.append(FieldProblem(field, f"{label}：请选择延长后的保管期限。"))
            else:
                new_due = appraisal_due_on(volume.year, period.years)
                if new_due is not None and new_due <= day:
                    problems.append(FieldProblem(
                        field, f"{label}：{period.name}到 {new_due} 已满，请选更长的保管期限。"
                    ))  # fmt: skip
            if not reason:
                problems.append(FieldProblem(field, f"{label}：延长保管请写明理由。"))
        entries.append((volume, decision, period, reason))
    if problems:
        raise ValidationError(problems)

    def work() -> ArchiveAppraisal:
        batch = ArchiveAppraisal(
            batch_no=year_serial(session, "JD", day.year, 2),
            appraised_on=day,
            appraisers=who,
            note=text,
            created_by_id=actor.id,
            created_at=local_now(),
        )
        session.add(batch)
        now = local_now()
        for volume, decision, period, reason in entries:
            entry = ArchiveAppraisalEntry(
                volume_id=volume.id,
                decision=decision,
                old_period_code=volume.period_code,
                old_due_on=volume.appraisal_due_on,
                reason=reason,
            )
            old_state = volume.state
            if decision == DESTROY:
                volume.state = PENDING_APPRAISAL
                detail = f"鉴定批次 {batch.batch_no}：拟销毁" + (f"；{reason}" if reason else "")
                field, old, new = "状态", old_state, PENDING_APPRAISAL
            else:
                assert period is not None
                old_period = session.get(ArchivePeriod, volume.period_code)
                old_name = old_period.name if old_period else volume.period_code
                apply_period(volume, period)
                if volume.state == PENDING_APPRAISAL:
                    volume.state = IN_STORE
                entry.new_period_code, entry.new_due_on = period.code, volume.appraisal_due_on
                detail = f"鉴定批次 {batch.batch_no}：延长保管；{reason}"
                field, old, new = "保管期限", old_name, period.name
                session.add(ArchiveNote(
                    volume_id=volume.id, kind="其他", user_id=actor.id, user_name=actor.name[:40], at=now,
                    text=f"{day} 鉴定（批次 {batch.batch_no}）：保管期限由{old_name}延长为{period.name}，"
                    f"下次鉴定 {volume.appraisal_due_on or '—（永久）'}。理由：{reason}",
                ))  # fmt: skip
            batch.entries.append(entry)
            volume.updated_at = now
            audit.record(
                session, actor, audit.EDIT, "archive_volume", volume.id, volume_label(volume),
                field=field, old=old, new=new, detail=detail,
            )  # fmt: skip
        session.flush()
        counts = {d: sum(1 for e in entries if e[1] == d) for d in DECISIONS}
        audit.record(
            session, actor, audit.CREATE, "archive_appraisal", batch.id, batch.batch_no,
            detail=f"销毁 {counts[DESTROY]} 卷，延长 {counts[EXTEND]} 卷",
        )  # fmt: skip
        session.commit()
        return batch

    return _write(session, work)


@dataclass(frozen=True)
class AppraisalEntryRow:
    volume_id: int
    number: str
    title: str
    year: int
    decision: str
    old_period: str
    new_period: str
    old_due_on: date | None
    new_due_on: date | None
    reason: str
    volume_state: str


def appraisal_entries(session: Session, actor: User, appraisal_id: int) -> list[AppraisalEntryRow]:
    rights.require(session, actor, AREA, "view")
    batch = session.get(ArchiveAppraisal, appraisal_id)
    if batch is None:
        raise NotFound("这批鉴定记录已不存在。")
    names = {p.code: p.name for p in session.scalars(select(ArchivePeriod))}
    return [
        AppraisalEntryRow(
            volume_id=e.volume_id,
            number=e.volume.number,
            title=e.volume.title,
            year=e.volume.year,
            decision=e.decision,
            old_period=names.get(e.old_period_code, e.old_period_code),
            new_period=names.get(e.new_period_code or "", e.new_period_code or ""),
            old_due_on=e.old_due_on,
            new_due_on=e.new_due_on,
            reason=e.reason or "",
            volume_state=e.volume.state,
        )
        for e in batch.entries
        if in_reach(session, actor, e.volume, "view")
    ]


def appraisals(session: Session, actor: User) -> list[ArchiveAppraisal]:
    rights.require(session, actor, AREA, "view")
    return list(session.scalars(select(ArchiveAppraisal).order_by(ArchiveAppraisal.id.desc())))


def awaiting_destruction(session: Session, actor: User) -> list[ArchiveVolume]:
    """Volumes appraised 销毁 (待鉴定) and not in an open destruction yet."""
    require_keeper(session, actor, "view", "查看待销毁的案卷")
    taken = (
        select(ArchiveDestructionEntry.volume_id)
        .join(ArchiveDestruction, ArchiveDestruction.id == ArchiveDestructionEntry.destruction_id)
        .where(ArchiveDestruction.state.in_(OPEN_DESTRUCTION))
    )
    query = (
        select(ArchiveVolume)
        .where(ArchiveVolume.state == PENDING_APPRAISAL, ArchiveVolume.id.not_in(taken))
        .order_by(ArchiveVolume.number)
    )
    return [v for v in session.scalars(query) if in_reach(session, actor, v, "view")]


# ------------------------------------------------------------------ destruction


def _last_decision(session: Session, volume_id: int) -> ArchiveAppraisalEntry | None:
    return session.scalar(
        select(ArchiveAppraisalEntry)
        .where(ArchiveAppraisalEntry.volume_id == volume_id)
        .order_by(ArchiveAppraisalEntry.id.desc())
        .limit(1)
    )


def destruction_state(destruction: ArchiveDestruction) -> str:
    """The batch's state, following its request's fate (refused or withdrawn on the
    approvals page)."""
    if destruction.state == REQUESTED and destruction.approval is not None:
        return {approvals.REFUSED: REFUSED, approvals.WITHDRAWN: WITHDRAWN,
                approvals.APPROVED: APPROVED}.get(destruction.approval.state, REQUESTED)  # fmt: skip
    return destruction.state


def _open_destruction_of(session: Session, volume_id: int) -> ArchiveDestruction | None:
    for destruction in session.scalars(
        select(ArchiveDestruction)
        .join(
            ArchiveDestructionEntry, ArchiveDestructionEntry.destruction_id == ArchiveDestruction.id
        )
        .where(ArchiveDestructionEntry.volume_id == volume_id)
    ):
        if destruction_state(destruction) in OPEN_DESTRUCTION:
            return destruction
    return None


def request_destruction(
    session: Session,
    actor: User,
    volume_ids: Sequence[int],
    reason: object = None,
    as_of: date | None = None,
) -> ArchiveDestruction:
    """Ask for the destruction of volumes appraised 销毁 (batch XH2026-01): the heads of
    their departments review, the 总经理 approves (kind 档案销毁). The 清册 rows are written
    now and kept for good. Commits."""
    require_keeper(session, actor, "delete", "申请销毁档案")
    day = as_of or date.today()
    problems: list[FieldProblem] = []
    text = clean_text(reason, "reason", "销毁说明", 300, problems)
    ids = list(dict.fromkeys(int(v) for v in volume_ids))
    if not ids:
        problems.append(FieldProblem("volume_ids", "请选择要销毁的案卷。"))
    volumes: list[tuple[ArchiveVolume, ArchiveAppraisalEntry]] = []
    for volume_id in ids:
        try:
            volume = get_volume(session, actor, volume_id, "delete")
        except (NotFound, PermissionDenied) as error:
            problems.append(FieldProblem("volume_ids", error.message))
            continue
        entry = _last_decision(session, volume.id)
        if volume.state != PENDING_APPRAISAL or entry is None or entry.decision != DESTROY:
            problems.append(
                FieldProblem(
                    "volume_ids", f"{volume.number}：未经鉴定为销毁（{volume.state}），不能销毁。"
                )
            )
            continue
        complaint = open_complaint(session, volume)
        if complaint is not None:
            problems.append(FieldProblem(
                "volume_ids", f"{volume.number}：关联的投诉 {complaint.number} 尚未结案，不能销毁。"
            ))  # fmt: skip
            continue
        taken = _open_destruction_of(session, volume.id)
        if taken is not None:
            problems.append(
                FieldProblem("volume_ids", f"{volume.number}：已在销毁批次 {taken.batch_no} 中。")
            )
            continue
        volumes.append((volume, entry))
    if problems:
        raise ValidationError(problems)
    department_ids = sorted({v.department_id for v, _ in volumes if v.department_id is not None})
    steps = [approvals.StepSpec(HEAD_ROLE, d) for d in department_ids] + [
        approvals.StepSpec(MANAGER_ROLE)
    ]
    periods = {p.code: p.name for p in session.scalars(select(ArchivePeriod))}

    def work() -> ArchiveDestruction:
        destruction = ArchiveDestruction(
            batch_no=year_serial(session, "XH", day.year, 2),
            appraisal_id=None,
            state=REQUESTED,
            reason=text,
            created_by_id=actor.id,
            created_at=local_now(),
        )
        appraisal_ids = {e.appraisal_id for _, e in volumes}
        if len(appraisal_ids) == 1:
            destruction.appraisal_id = appraisal_ids.pop()
        session.add(destruction)
        session.flush()
        for seq, (volume, entry) in enumerate(volumes, start=1):
            session.add(ArchiveDestructionEntry(
                destruction_id=destruction.id, seq=seq, volume_id=volume.id, number=volume.number,
                title=volume.title, year=volume.year,
                period=periods.get(entry.old_period_code, entry.old_period_code),
                kept_years=max(day.year - volume.year - 1, 0), pages=volume.pages,
                remarks=(entry.reason or None) and entry.reason[:300],
            ))  # fmt: skip
        approval = approvals.request_approval(
            session, actor, KIND, f"销毁档案 {destruction.batch_no}（{len(volumes)} 卷）", steps,
            object_type="archive_destruction", object_id=destruction.id,
            detail={"destruction_id": destruction.id, "batch_no": destruction.batch_no,
                    "reason": text or "", "volumes": [v.number for v, _ in volumes]},
        )  # fmt: skip
        destruction.approval_id = approval.id
        audit.record(
            session, actor, audit.CREATE, "archive_destruction", destruction.id, destruction.batch_no,
            field="状态", new=destruction.state,
            detail=f"{len(volumes)} 卷：{'、'.join(v.number for v, _ in volumes)}"[:2000],
        )  # fmt: skip
        session.commit()
        return destruction

    return _write(session, work)


def _on_approved(session: Session, approval: Approval, actor: User) -> None:
    destruction_id = approvals.detail_of(approval).get("destruction_id")
    destruction = session.get(ArchiveDestruction, int(destruction_id)) if destruction_id else None
    if destruction is None or destruction.state != REQUESTED:
        return
    destruction.state = APPROVED
    audit.record(
        session, actor, audit.EDIT, "archive_destruction", destruction.id, destruction.batch_no,
        field="状态", old=REQUESTED, new=APPROVED, detail="审批完成",
    )  # fmt: skip


def _on_closed(session: Session, approval: Approval, actor: User) -> None:
    """Refused or withdrawn on the approvals page: the batch says so at once."""
    destruction_id = approvals.detail_of(approval).get("destruction_id")
    destruction = session.get(ArchiveDestruction, int(destruction_id)) if destruction_id else None
    if destruction is None or destruction.state != REQUESTED:
        return
    destruction.state = destruction_state(destruction)
    audit.record(
        session, actor, audit.EDIT, "archive_destruction", destruction.id, destruction.batch_no,
        field="状态", old=REQUESTED, new=destruction.state, detail="审批结束",
    )  # fmt: skip


approvals.register_kind(KIND, AREA, "档案销毁", _on_approved, _on_closed)


def _get_destruction(session: Session, actor: User, destruction_id: int) -> ArchiveDestruction:
    rights.require(session, actor, AREA, "view")
    destruction = session.get(ArchiveDestruction, destruction_id)
    if destruction is None:
        raise NotFound("这批销毁记录已不存在。")
    return destruction


def _supervisor(
    session: Session, raw: object, field: str, problems: list[FieldProblem]
) -> User | None:
    user = session.get(User, int(raw)) if raw not in (None, "") else None  # type: ignore[call-overload]
    if user is None or not user.active:
        problems.append(FieldProblem(field, "监销人：请从职工名单中选择在职人员。"))
        return None
    return user


def carry_out_destruction(
    session: Session,
    actor: User,
    destruction_id: int,
    supervisor_ids: Sequence[object],
    destroyed_on: object,
    place: object,
    method: object = None,
    expected_version: int | None = None,
) -> ArchiveDestruction:
    """Record the approved destruction (archive keeper): two different 监销人 (staff ids),
    the date, the place, the method (default 粉碎; secret files only 粉碎). Each volume is
    marked 已销毁 with the batch number and a 销毁 note in its 备考表; nothing is deleted.
    Commits."""
    require_keeper(session, actor, "delete", "办理档案销毁")
    destruction = _get_destruction(session, actor, destruction_id)
    if expected_version is not None and destruction.version != expected_version:
        raise Conflict(STALE)
    state = destruction_state(destruction)
    if state == REQUESTED:
        waiting = "、".join(
            f"{s.department.name}{s.role}" if s.department else s.role
            for s in destruction.approval.steps  # type: ignore[union-attr]
            if s.decision is None
        )
        raise ValidationError(f"销毁申请尚未审批完（待：{waiting}），不能销毁。")
    if state != APPROVED:
        raise Conflict(f"这批销毁{state}，不能再办理。")
    problems: list[FieldProblem] = []
    ids = list(supervisor_ids) + [None] * (2 - len(supervisor_ids))
    first = _supervisor(session, ids[0], "supervisor1_id", problems)
    second = _supervisor(session, ids[1], "supervisor2_id", problems)
    if len(supervisor_ids) > 2:
        problems.append(FieldProblem("supervisor2_id", "监销人：填写两位。"))
    if first is not None and second is not None and first.id == second.id:
        problems.append(FieldProblem("supervisor2_id", "监销人：两位监销人必须是不同的人。"))
    day = clean_day(destroyed_on, "destroyed_on", "销毁日期", problems)
    if day is None and "destroyed_on" not in {p.field for p in problems}:
        problems.append(FieldProblem("destroyed_on", "销毁日期：必须填写。"))
    elif day is not None and day > date.today():
        problems.append(FieldProblem("destroyed_on", "销毁日期：不能晚于今天。"))
    elif day is not None and destruction.approval and destruction.approval.decided_at:
        if day < destruction.approval.decided_at.date():
            problems.append(FieldProblem("destroyed_on", "销毁日期：不能早于批准日期。"))
    where = clean_text(place, "place", "销毁地点", 100, problems, True)
    how = clean_text(method, "method", "销毁方式", 10, problems) or SHRED
    if how not in METHODS:
        problems.append(FieldProblem("method", f"销毁方式：应为{'、'.join(METHODS)}。"))
    volumes = [session.get(ArchiveVolume, e.volume_id) for e in destruction.entries]
    if how != SHRED and any(v.secrecy in SECRET_LEVELS for v in volumes if v):
        problems.append(FieldProblem("method", "销毁方式：涉密档案只能粉碎销毁。"))
    for volume in volumes:
        assert volume is not None
        complaint = open_complaint(session, volume)
        if complaint is not None:
            problems.append(FieldProblem(
                "volume_ids", f"{volume.number}：关联的投诉 {complaint.number} 尚未结案，不能销毁。"
            ))  # fmt: skip
        elif volume.state != PENDING_APPRAISAL:
            problems.append(
                FieldProblem("volume_ids", f"{volume.number}：现为{volume.state}，不能销毁。")
            )
    if problems:
        raise ValidationError(problems)
    assert first is not None and second is not None and day is not None

    def work() -> ArchiveDestruction:
        now = local_now()
        destruction.supervisor1_id, destruction.supervisor1 = first.id, first.name[:40]
        destruction.supervisor2_id, destruction.supervisor2 = second.id, second.name[:40]
        destruction.destroyed_on, destruction.place, destruction.method = day, where, how
        destruction.executed_by_id, destruction.state = actor.id, DONE
        for volume in volumes:
            assert volume is not None
            volume.state, volume.destroyed_batch, volume.updated_at = (
                DESTROYED,
                destruction.batch_no,
                now,
            )
            text = (
                f"{day} 于{where}{how}销毁（批次 {destruction.batch_no}），"
                f"监销人：{first.name}、{second.name}"
            )
            session.add(ArchiveNote(volume_id=volume.id, kind="销毁", text=text, user_id=actor.id,
                                    user_name=actor.name[:40], at=now))  # fmt: skip
            audit.record(
                session, actor, audit.EDIT, "archive_volume", volume.id, volume_label(volume),
                field="状态", old=PENDING_APPRAISAL, new=DESTROYED, detail=text,
            )  # fmt: skip
        audit.record(
            session, actor, audit.EDIT, "archive_destruction", destruction.id, destruction.batch_no,
            field="状态", old=APPROVED, new=DONE,
            detail=f"{day}，{where}，{how}，监销人 {first.name}、{second.name}",
        )  # fmt: skip
        session.commit()
        return destruction

    return _write(session, work)


# ------------------------------------------------------------------ the 档案销毁清册


@dataclass(frozen=True)
class RegisterRow:
    seq: int  # 序号
    title: str  # 题名
    year: int  # 年度
    number: str  # 档号
    period: str  # 应保管期限
    kept_years: int  # 已保管期限 (years)
    pages: int  # 页数
    remarks: str  # 备注

    @property
    def kept(self) -> str:
        return f"{self.kept_years}年"


@dataclass(frozen=True)
class DestructionRegister:
    """档案销毁清册: its rows and who reviewed, approved, supervised, when, where, how."""

    id: int
    batch_no: str
    state: str
    reason: str
    requested_by: str
    requested_at: datetime
    rows: tuple[RegisterRow, ...]
    approvers: tuple[str, ...]  # each step: 市场营销部部门负责人：批准（李明 2026-11-03）
    reviewed_by: tuple[str, ...]  # the department heads who reviewed (names)
    approved_by: str  # the 总经理 who approved (name)
    supervisors: tuple[str, ...]
    destroyed_on: date | None
    place: str
    method: str
    version: int

    @property
    def total_pages(self) -> int:
        return sum(row.pages for row in self.rows)


def _decider(step: approvals.StepRow) -> str:
    if step.decision != approvals.APPROVE:
        return ""
    return step.paper_approver or step.decided_by or ""


def destruction_register(session: Session, actor: User, destruction_id: int) -> DestructionRegister:
    """The 档案销毁清册 of one batch, for the form and the screen."""
    destruction = _get_destruction(session, actor, destruction_id)
    approval = approvals.approval_rows(
        session, [destruction.approval_id] if destruction.approval_id else []
    )
    row = approval.get(destruction.approval_id or 0)
    steps = row.steps if row else ()
    requested_by = (
        session.get(User, destruction.created_by_id) if destruction.created_by_id else None
    )
    return DestructionRegister(
        id=destruction.id,
        batch_no=destruction.batch_no,
        state=destruction_state(destruction),
        reason=destruction.reason or "",
        requested_by=requested_by.name if requested_by else "",
        requested_at=destruction.created_at,
        rows=tuple(
            RegisterRow(
                e.seq, e.title, e.year, e.number, e.period, e.kept_years, e.pages, e.remarks or ""
            )
            for e in destruction.entries
        ),
        approvers=tuple(step.summary for step in steps),
        reviewed_by=tuple(_decider(s) for s in steps if s.role == HEAD_ROLE and _decider(s)),
        approved_by=next((_decider(s) for s in steps if s.role == MANAGER_ROLE), ""),
        supervisors=tuple(n for n in (destruction.supervisor1, destruction.supervisor2) if n),
        destroyed_on=destruction.destroyed_on,
        place=destruction.place or "",
        method=destruction.method or "",
        version=destruction.version,
    )


def destruction_by_batch(session: Session, actor: User, batch_no: str) -> DestructionRegister:
    """The 清册 by its 批次号 (for `report destruction-list 批次号`)."""
    rights.require(session, actor, AREA, "view")
    found = session.scalar(
        select(ArchiveDestruction.id).where(
            ArchiveDestruction.batch_no == (batch_no or "").strip().upper()
        )
    )
    if found is None:
        raise NotFound(f"没有批次号为「{batch_no}」的销毁记录。")
    return destruction_register(session, actor, found)


def destructions(session: Session, actor: User) -> list[DestructionRegister]:
    """Every destruction batch, newest first."""
    rights.require(session, actor, AREA, "view")
    ids = session.scalars(select(ArchiveDestruction.id).order_by(ArchiveDestruction.id.desc()))
    return [destruction_register(session, actor, i) for i in ids]
