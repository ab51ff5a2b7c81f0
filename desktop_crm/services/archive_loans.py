"""借阅 (DOMAIN §5, 002 第三章): requests to read files in the archive room (查阅) or take
them out (借出), their approvals, lending, extension and return.

Approvals come from a configurable table (`archive_loan_rule`, DEFAULT_RULES when empty):
each line adds a step (a role, of a department) to the requests it matches by borrower
kind, 门类, 密级 and use. By default: staff — the head of the borrower's department;
another unit of the group — the archive's head (综合服务部负责人); outside people — the
archive's head and the 总经理; customer files (门类 客户档案, or linked to a customer) — the
市场营销部 head and the 总经理, for any use. 绝密 files only for people the 总经理 or 副总经理
named (`ArchiveSecretReader`). The steps go through the one approval mechanism
(services.approvals, kind 档案借阅): decided in the program by a holder of the role, or
recorded from paper by the archive keeper. Without all its approvals a request is not lent.

Lending marks each volume 借出 (a volume lent, 待鉴定, 已销毁 or 移出 is refused) with the
pages counted by both sides; a return counts again: 完好, or 缺损 with a note, which is
added to the volume's 卷内备考表 and sent to the head of the volume's department as a
notice (`ArchiveNotice`). 查阅 in the room goes the same way (out and back the same day).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from desktop_crm.models import (
    Approval,
    ArchiveLoan,
    ArchiveLoanExtension,
    ArchiveLoanRule,
    ArchiveLoanVolume,
    ArchiveNote,
    ArchiveNotice,
    ArchiveSecretReader,
    ArchiveVolume,
    Department,
    User,
    local_now,
)

from . import approvals, audit, rights
from .archive_receipts import (
    clean_count,
    clean_day,
    clean_text,
    is_keeper,
    require_keeper,
    year_serial,
)
from .archive_scope import LEND, READ_IN_ROOM, get_volume, in_reach, log_access
from .archive_settings import CUSTOMER_CATEGORY, SECRECY_LEVELS, TOP_SECRET
from .archives import DESTROYED, IN_STORE, PENDING_APPRAISAL, TRANSFERRED
from .archives import LENT as VOLUME_LENT
from .customer_fields import ROLES
from .errors import Conflict, FieldProblem, NotFound, PermissionDenied, ValidationError

AREA = "archives"
KIND = "档案借阅"
OBJECT_TYPE = "archive_loan"

STAFF, GROUP, OUTSIDE = "本单位职工", "集团其他单位", "外部人员"
BORROWER_KINDS = (STAFF, GROUP, OUTSIDE)
READ, TAKE = "查阅", "借出"
USES = (READ, TAKE)
REQUESTED, APPROVED, LENT, RETURNED, REFUSED, WITHDRAWN = (
    "申请中",
    "已批准",
    "已借出",
    "已归还",
    "已拒绝",
    "已撤回",
)
STATES = (REQUESTED, APPROVED, LENT, RETURNED, REFUSED, WITHDRAWN)
INTACT, DAMAGED = "完好", "缺损"
CONDITIONS = (INTACT, DAMAGED)
BORROWER_DEPARTMENT = "借阅人部门"  # a rule's department: the borrowing staff member's
HEAD_ROLE, MANAGER_ROLES = "部门负责人", ("总经理", "副总经理")
MAX_VOLUMES = 50
STALE = "这份借阅记录刚被别人办理过。请刷新后再看。"

# (borrower kind, 门类 code, 密级, use, role, department, position, note); None: any
DEFAULT_RULES: tuple[tuple[str | None, ...], ...] = (
    (STAFF, None, None, None, HEAD_ROLE, BORROWER_DEPARTMENT, 10, "本单位职工：所在部门负责人审批"),
    (
        GROUP,
        None,
        None,
        None,
        HEAD_ROLE,
        "ZHB",
        20,
        "集团其他单位：凭单位领导证明，档案室负责人审批",
    ),
    (OUTSIDE, None, None, None, HEAD_ROLE, "ZHB", 20, "外部人员：凭介绍信和证件，档案室负责人审批"),
    (OUTSIDE, None, None, None, "总经理", None, 90, "外部人员：经理审批"),
    (None, CUSTOMER_CATEGORY, None, None, HEAD_ROLE, "YXB", 30, "客户档案：市场营销部负责人审核"),
    (None, CUSTOMER_CATEGORY, None, None, "总经理", None, 90, "客户档案：总经理批准（任何利用）"),
)
RULE_FIELDS = (
    "borrower_kind",
    "category_code",
    "secrecy",
    "use",
    "role",
    "department",
    "position",
    "note",
)


# ------------------------------------------------------------------ the approval table


def seed_rules(session: Session) -> None:
    """Give an empty approval table the defaults (the caller commits)."""
    if session.scalar(select(ArchiveLoanRule.id).limit(1)) is not None:
        return
    for values in DEFAULT_RULES:
        session.add(ArchiveLoanRule(**dict(zip(RULE_FIELDS, values, strict=True)), active=True))
    session.flush()


def loan_rules(session: Session, active_only: bool = False) -> list[ArchiveLoanRule]:
    """The approval table (an empty one is given the defaults first)."""
    seed_rules(session)
    query = select(ArchiveLoanRule).order_by(ArchiveLoanRule.position, ArchiveLoanRule.id)
    if active_only:
        query = query.where(ArchiveLoanRule.active.is_(True))
    return list(session.scalars(query))


def _rule_label(rule: ArchiveLoanRule) -> str:
    when = "、".join(
        part for part in (rule.borrower_kind, rule.category_code, rule.secrecy, rule.use) if part
    )
    department = f"{rule.department}的" if rule.department else ""
    return f"{when or '所有借阅'} → {department}{rule.role}"


def save_rule(
    session: Session, actor: User, values: Mapping[str, object], rule_id: int | None = None
) -> ArchiveLoanRule:
    """Add or change one line of the approval table (settings·edit right); audited. Commits."""
    from desktop_crm.models import ArchiveCategory

    rights.require(session, actor, "settings", "edit")
    seed_rules(session)  # a first line joins the defaults, not replaces them
    problems: list[FieldProblem] = []
    clean: dict[str, Any] = {}
    for key in ("borrower_kind", "category_code", "secrecy", "use", "department", "note"):
        raw = values.get(key)
        clean[key] = str(raw).strip() if raw not in (None, "") else None
    choices = {"borrower_kind": BORROWER_KINDS, "secrecy": SECRECY_LEVELS, "use": USES}
    labels = {"borrower_kind": "借阅人类别", "secrecy": "密级", "use": "利用方式"}
    for key, allowed in choices.items():
        if clean[key] is not None and clean[key] not in allowed:
            problems.append(FieldProblem(key, f"{labels[key]}：应为{'、'.join(allowed)}，或不限。"))
    if (
        clean["category_code"] is not None
        and session.get(ArchiveCategory, clean["category_code"]) is None
    ):
        problems.append(FieldProblem("category_code", "门类：没有这个门类代码。"))
    role = str(values.get("role") or "").strip()
    if role not in ROLES:
        problems.append(FieldProblem("role", "审批人角色：请从列表中选择。"))
    department = clean["department"]
    if department is not None and department != BORROWER_DEPARTMENT:
        if (
            session.scalar(select(Department.id).where(Department.code == department.upper()))
            is None
        ):
            problems.append(
                FieldProblem("department", f"部门：应为机构代码或「{BORROWER_DEPARTMENT}」。")
            )
        clean["department"] = department.upper()
    position = clean_count(values.get("position"), "position", "顺序", problems) or 0
    if clean["note"] and len(clean["note"]) > 200:
        problems.append(FieldProblem("note", "说明：最多 200 个字。"))
    if problems:
        raise ValidationError(problems)
    try:
        rule = session.get(ArchiveLoanRule, rule_id) if rule_id else None
        if rule_id and rule is None:
            raise NotFound("这条审批规则已不存在。")
        old = _rule_label(rule) if rule is not None else None
        if rule is None:
            rule = ArchiveLoanRule(active=True)
            session.add(rule)
        rule.role, rule.position = role, position
        for key in ("borrower_kind", "category_code", "secrecy", "use", "department", "note"):
            setattr(rule, key, clean[key])
        if "active" in values:
            rule.active = bool(values["active"])
        session.flush()
        audit.record(
            session, actor, audit.CREATE if old is None else audit.EDIT, "archive_loan_rule",
            rule.id, _rule_label(rule), field="借阅审批规则", old=old,
            new=_rule_label(rule) + ("" if rule.active else "（停用）"),
        )  # fmt: skip
        session.commit()
    except Exception:
        session.rollback()
        raise
    return rule


def _volume_categories(volume: ArchiveVolume) -> set[str]:
    """A volume linked to a customer is a customer file whatever its 门类."""
    return {volume.category_code} | ({CUSTOMER_CATEGORY} if volume.customer_id else set())


def _matches(rule: ArchiveLoanRule, kind: str, use: str, volumes: Sequence[ArchiveVolume]) -> bool:
    if rule.borrower_kind not in (None, kind) or rule.use not in (None, use):
        return False
    return any(
        rule.category_code in (None, *_volume_categories(v)) and rule.secrecy in (None, v.secrecy)
        for v in volumes
    )


def required_steps(
    session: Session,
    borrower_kind: str,
    use: str,
    volumes: Sequence[ArchiveVolume],
    borrower_department_id: int | None,
) -> list[approvals.StepSpec]:
    """The approvals a request needs, in order (a step asked twice is taken once)."""
    found: dict[tuple[str, int | None], int] = {}
    for rule in loan_rules(session, active_only=True):
        if not _matches(rule, borrower_kind, use, volumes):
            continue
        if rule.department == BORROWER_DEPARTMENT:
            department_id = borrower_department_id
        elif rule.department:
            department_id = session.scalar(
                select(Department.id).where(Department.code == rule.department)
            )
            if department_id is None:
                raise ValidationError(
                    f"借阅审批表里的机构代码「{rule.department}」已不存在，请先在设置中改正。"
                )
        else:
            department_id = None
        key = (rule.role, department_id)
        found[key] = min(found.get(key, rule.position), rule.position)
    ordered = sorted(found.items(), key=lambda pair: pair[1])
    return [approvals.StepSpec(role, department_id) for (role, department_id), _ in ordered]


# ------------------------------------------------------------------ people named for 绝密


def _is_manager(actor: User) -> bool:
    return actor.active and any(role in MANAGER_ROLES for role in actor.role_names)


def name_secret_reader(
    session: Session,
    actor: User,
    values: Mapping[str, object],
    paper: Mapping[str, object] | None = None,
) -> ArchiveSecretReader:
    """Name a person who may use 绝密 files: values user_id (a staff member) or name +
    id_number (+ unit) for someone outside, volume_id (one volume; None: all 绝密 files),
    valid_until, note. The 总经理 or 副总经理 names in the program; the archive keeper
    records their signed paper with `paper` = {named_by, named_on, scan_path}. Commits."""
    problems: list[FieldProblem] = []
    if paper is None:
        if not _is_manager(actor):
            raise PermissionDenied("只有总经理或副总经理可以指定绝密档案的利用人员。")
        named_by, named_on, scan = actor.name[:40], date.today(), None
    else:
        require_keeper(session, actor, what="录入纸质指定")
        named_by = clean_text(paper.get("named_by"), "named_by", "指定人", 40, problems, True)
        named_on = clean_day(paper.get("named_on"), "named_on", "指定日期", problems)
        if named_on is None and "named_on" not in {p.field for p in problems}:
            problems.append(FieldProblem("named_on", "指定日期：必须填写。"))
        elif named_on is not None and named_on > date.today():
            problems.append(FieldProblem("named_on", "指定日期：不能晚于今天。"))
        scan = None
        if paper.get("scan_path"):
            try:
                scan = approvals.read_scan(Path(str(paper["scan_path"])))
            except ValidationError as error:
                problems += error.problems
    user = None
    if values.get("user_id"):
        user = session.get(User, int(values["user_id"]))  # type: ignore[call-overload]
        if user is None or not user.active:
            problems.append(FieldProblem("user_id", "人员：请选择在职人员。"))
    name = user.name if user else clean_text(values.get("name"), "name", "姓名", 40, problems, True)
    id_number = clean_text(values.get("id_number"), "id_number", "证件号码", 30, problems)
    if user is None and not id_number and "name" not in {p.field for p in problems}:
        problems.append(FieldProblem("id_number", "证件号码：单位外人员必须填写。"))
    unit = clean_text(values.get("unit"), "unit", "单位", 100, problems)
    volume_id = values.get("volume_id") or None
    if volume_id is not None:
        volume = session.get(ArchiveVolume, int(volume_id))  # type: ignore[call-overload]
        if volume is None or volume.secrecy != TOP_SECRET:
            problems.append(FieldProblem("volume_id", "案卷：请选择一个绝密案卷，或不限。"))
    valid_until = clean_day(values.get("valid_until"), "valid_until", "有效期至", problems)
    note = clean_text(values.get("note"), "note", "说明", 300, problems)
    if problems:
        raise ValidationError(problems)
    try:
        reader = ArchiveSecretReader(
            user_id=user.id if user else None,
            name=name,
            id_number=id_number,
            unit=unit,
            volume_id=int(volume_id) if volume_id else None,  # type: ignore[call-overload]
            valid_until=valid_until,
            named_by=named_by,
            named_by_id=actor.id if paper is None else None,
            named_on=named_on,
            note=note,
            created_by_id=actor.id,
            created_at=local_now(),
        )
        if scan is not None:
            reader.paper_scan_name, reader.paper_scan = scan
        session.add(reader)
        session.flush()
        how = "" if paper is None else f"（纸质，{named_by} {named_on} 签字）"
        audit.record(
            session, actor, audit.CREATE, "archive_secret_reader", reader.id, name,
            field="绝密档案利用人员", new=name, detail=f"{named_by}指定{how}",
        )  # fmt: skip
        session.commit()
    except Exception:
        session.rollback()
        raise
    return reader


def revoke_secret_reader(session: Session, actor: User, reader_id: int) -> ArchiveSecretReader:
    """End a naming (总经理, 副总经理 or the archive keeper). Commits."""
    if not (_is_manager(actor) or is_keeper(session, actor)):
        raise PermissionDenied("只有总经理、副总经理或档案管理员可以撤销绝密档案利用指定。")
    reader = session.get(ArchiveSecretReader, reader_id)
    if reader is None:
        raise NotFound("这项指定已不存在。")
    if reader.revoked_at is not None:
        raise Conflict("这项指定已经撤销。")
    reader.revoked_at = local_now()
    audit.record(
        session, actor, audit.EDIT, "archive_secret_reader", reader.id, reader.name,
        field="绝密档案利用人员", old=reader.name, new="撤销",
    )  # fmt: skip
    session.commit()
    return reader


def secret_readers(
    session: Session, actor: User, include_past: bool = False
) -> list[ArchiveSecretReader]:
    """The people named for 绝密 files (for the 总经理, 副总经理 and the archive keeper)."""
    if not (_is_manager(actor) or is_keeper(session, actor, "view")):
        raise PermissionDenied("只有总经理、副总经理或档案管理员可以查看绝密档案利用人员。")
    query = select(ArchiveSecretReader).order_by(ArchiveSecretReader.id)
    if not include_past:
        query = query.where(ArchiveSecretReader.revoked_at.is_(None))
    return list(session.scalars(query))


def is_named(
    session: Session,
    volume: ArchiveVolume,
    user_id: int | None,
    id_number: str | None,
    on: date | None = None,
) -> bool:
    """Whether the borrower (a staff member, or an outsider by 证件号码) is named for this
    绝密 volume on `on` (today)."""
    day = on or date.today()
    who = []
    if user_id:
        who.append(ArchiveSecretReader.user_id == user_id)
    if id_number:
        who.append(ArchiveSecretReader.id_number == id_number)
    if not who:
        return False
    from sqlalchemy import or_

    found = session.scalar(
        select(ArchiveSecretReader.id)
        .where(
            or_(*who),
            ArchiveSecretReader.revoked_at.is_(None),
            or_(
                ArchiveSecretReader.volume_id.is_(None), ArchiveSecretReader.volume_id == volume.id
            ),
            or_(ArchiveSecretReader.valid_until.is_(None), ArchiveSecretReader.valid_until >= day),
        )
        .limit(1)
    )
    return found is not None


def _check_named(session: Session, loan_or_values: Any, volumes: Iterable[ArchiveVolume]) -> None:
    for volume in volumes:
        if volume.secrecy == TOP_SECRET and not is_named(
            session, volume, loan_or_values.borrower_id, loan_or_values.id_number
        ):
            raise PermissionDenied(
                f"案卷「{volume.number}」是绝密档案，只能由总经理或副总经理指定的人员利用；"
                f"{loan_or_values.borrower_name}未被指定。"
            )


# ------------------------------------------------------------------ requesting


@dataclass
class _Borrower:
    borrower_kind: str
    borrower_id: int | None
    borrower_name: str
    borrower_unit: str | None
    department_id: int | None
    letter: str | None
    id_number: str | None


def _clean_borrower(
    session: Session, values: Mapping[str, object], problems: list[FieldProblem]
) -> _Borrower | None:
    kind = str(values.get("borrower_kind") or "").strip()
    if kind not in BORROWER_KINDS:
        problems.append(
            FieldProblem("borrower_kind", f"借阅人类别：应为{'、'.join(BORROWER_KINDS)}。")
        )
        return None
    letter = clean_text(values.get("letter"), "letter", "介绍信/证明", 100, problems)
    id_number = clean_text(values.get("id_number"), "id_number", "证件号码", 30, problems)
    if kind == STAFF:
        user = session.get(User, int(values["borrower_id"])) if values.get("borrower_id") else None  # type: ignore[call-overload]
        if user is None or not user.active:
            problems.append(FieldProblem("borrower_id", "借阅人：请从职工名单中选择在职人员。"))
            return None
        if user.department_id is None:
            problems.append(
                FieldProblem("borrower_id", "借阅人：此人没有所在部门，无法确定审批人。")
            )
            return None
        department = session.get(Department, user.department_id)
        return _Borrower(kind, user.id, user.name[:40], department.name if department else None,
                         user.department_id, letter, id_number)  # fmt: skip
    name = clean_text(values.get("borrower_name"), "borrower_name", "借阅人", 40, problems, True)
    unit = clean_text(values.get("borrower_unit"), "borrower_unit", "单位", 100, problems, True)
    if letter is None:
        what = "单位领导证明" if kind == GROUP else "介绍信"
        problems.append(FieldProblem("letter", f"{what}：必须填写（编号或说明）。"))
    if kind == OUTSIDE and id_number is None:
        problems.append(FieldProblem("id_number", "证件号码：外部人员必须填写。"))
    if name is None or unit is None:
        return None
    return _Borrower(kind, None, name, unit, None, letter, id_number)


def _loan_volumes(
    session: Session, actor: User, volume_ids: Sequence[int], problems: list[FieldProblem]
) -> list[ArchiveVolume]:
    ids = list(dict.fromkeys(int(v) for v in volume_ids))
    if not ids:
        problems.append(FieldProblem("volume_ids", "请选择要借阅的案卷。"))
    if len(ids) > MAX_VOLUMES:
        problems.append(FieldProblem("volume_ids", f"一次最多借阅 {MAX_VOLUMES} 卷。"))
        return []
    volumes = []
    for volume_id in ids:
        try:
            volume = get_volume(session, actor, volume_id)
        except (NotFound, PermissionDenied) as error:
            problems.append(FieldProblem("volume_ids", error.message))
            continue
        if volume.state in (DESTROYED, TRANSFERRED):
            problems.append(
                FieldProblem("volume_ids", f"案卷「{volume.number}」{volume.state}，不能借阅。")
            )
        volumes.append(volume)
    return volumes


def _title(borrower: _Borrower, use: str, volumes: Sequence[ArchiveVolume]) -> str:
    first = volumes[0].number if volumes else ""
    more = f"等 {len(volumes)} 卷" if len(volumes) > 1 else ""
    who = borrower.borrower_name + (
        f"（{borrower.borrower_unit}）" if borrower.borrower_unit else ""
    )
    return f"{who}{use}档案 {first}{more}"


def request_loan(
    session: Session,
    actor: User,
    values: Mapping[str, object],
    volume_ids: Sequence[int],
) -> ArchiveLoan:
    """A request (registered by the archive keeper or a 部门档案员: archives·create):
    values borrower_kind; borrower_id (staff) or borrower_name + borrower_unit + letter
    (+ id_number for outside people); purpose; use (查阅 / 借出); due_on (查阅: default the
    day itself); requested_on (default today). The approvals the table asks for are
    requested at once (kind 档案借阅). Every problem at once; nothing written. Commits."""
    rights.require(session, actor, AREA, "create")
    problems: list[FieldProblem] = []
    borrower = _clean_borrower(session, values, problems)
    purpose = clean_text(values.get("purpose"), "purpose", "借阅目的", 300, problems, True)
    use = str(values.get("use") or "").strip()
    if use not in USES:
        problems.append(FieldProblem("use", "利用方式：应为查阅（在档案室内）或借出。"))
    requested_on = clean_day(
        values.get("requested_on"), "requested_on", "申请日期", problems, date.today()
    )
    due_on = clean_day(values.get("due_on"), "due_on", "应还日期", problems,
                       requested_on if use == READ else None)  # fmt: skip
    if due_on is None and "due_on" not in {p.field for p in problems}:
        problems.append(FieldProblem("due_on", "应还日期：借出时必须填写。"))
    elif due_on is not None and requested_on is not None and due_on < requested_on:
        problems.append(FieldProblem("due_on", "应还日期：不能早于申请日期。"))
    volumes = _loan_volumes(session, actor, volume_ids, problems)
    if problems:
        raise ValidationError(problems)
    assert borrower is not None and requested_on is not None and due_on is not None
    _check_named(session, borrower, volumes)
    steps = required_steps(session, borrower.borrower_kind, use, volumes, borrower.department_id)
    if not steps:
        raise ValidationError("借阅审批表中没有适用于这份申请的审批人，请先在设置中配置。")
    try:
        loan = ArchiveLoan(
            number=year_serial(session, "JY", requested_on.year),
            borrower_kind=borrower.borrower_kind,
            borrower_id=borrower.borrower_id,
            borrower_name=borrower.borrower_name,
            borrower_unit=borrower.borrower_unit,
            department_id=borrower.department_id,
            letter=borrower.letter,
            id_number=borrower.id_number,
            purpose=purpose,
            use=use,
            requested_on=requested_on,
            due_on=due_on,
            state=REQUESTED,
            created_by_id=actor.id,
            created_at=local_now(),
        )
        loan.volumes = [ArchiveLoanVolume(volume_id=v.id) for v in volumes]
        session.add(loan)
        session.flush()
        customers = {v.customer_id for v in volumes if v.customer_id}
        approval = approvals.request_approval(
            session,
            actor,
            KIND,
            _title(borrower, use, volumes),
            steps,
            customer_id=customers.pop() if len(customers) == 1 else None,
            object_type=OBJECT_TYPE,
            object_id=loan.id,
            detail={
                "loan_id": loan.id,
                "number": loan.number,
                "reason": purpose,
                "use": use,
                "due_on": due_on.isoformat(),
                "volumes": [v.number for v in volumes],
            },
        )
        loan.approval_id = approval.id
        audit.record(
            session, actor, audit.CREATE, OBJECT_TYPE, loan.id, _label(loan),
            field="状态", new=loan.state,
            detail=f"{use}；{'、'.join(v.number for v in volumes)}；目的：{purpose}",
        )  # fmt: skip
        session.commit()
    except Exception:
        session.rollback()
        raise
    return loan


def _on_approved(session: Session, approval: Approval, actor: User) -> None:
    loan_id = approvals.detail_of(approval).get("loan_id")
    loan = session.get(ArchiveLoan, int(loan_id)) if loan_id else None
    if loan is None or loan.state != REQUESTED:
        return
    loan.state = APPROVED
    audit.record(
        session, actor, audit.EDIT, OBJECT_TYPE, loan.id, _label(loan),
        field="状态", old=REQUESTED, new=APPROVED, detail="审批完成",
    )  # fmt: skip


def _on_closed(session: Session, approval: Approval, actor: User) -> None:
    """Refused or withdrawn on the approvals page: the loan says so at once."""
    loan_id = approvals.detail_of(approval).get("loan_id")
    loan = session.get(ArchiveLoan, int(loan_id)) if loan_id else None
    if loan is None or loan.state != REQUESTED:
        return
    _sync(loan)
    audit.record(
        session, actor, audit.EDIT, OBJECT_TYPE, loan.id, _label(loan),
        field="状态", old=REQUESTED, new=loan.state, detail="审批结束",
    )  # fmt: skip


approvals.register_kind(KIND, AREA, "档案借阅", _on_approved, _on_closed)


def _label(loan: ArchiveLoan) -> str:
    return f"{loan.number} {loan.borrower_name}"


def loan_state(loan: ArchiveLoan) -> str:
    """The loan's state, following its request's fate (a refusal or withdrawal taken on
    the approvals page)."""
    if loan.state == REQUESTED and loan.approval is not None:
        return {approvals.REFUSED: REFUSED, approvals.WITHDRAWN: WITHDRAWN,
                approvals.APPROVED: APPROVED}.get(loan.approval.state, REQUESTED)  # fmt: skip
    return loan.state


def _sync(loan: ArchiveLoan) -> None:
    loan.state = loan_state(loan)


def _load(
    session: Session, actor: User, loan_id: int, keeper_work: str | None = None
) -> ArchiveLoan:
    if keeper_work is not None:
        require_keeper(session, actor, what=keeper_work)
    else:
        rights.require(session, actor, AREA, "view")
    loan = session.get(ArchiveLoan, loan_id)
    if loan is None:
        raise NotFound("这份借阅记录已不存在。")
    if not all(in_reach(session, actor, lv.volume, "view") for lv in loan.volumes):
        raise PermissionDenied("这份借阅记录中有您无权查看的案卷。")
    return loan


def _write(session: Session, work: Any) -> Any:
    try:
        return work()
    except StaleDataError:
        session.rollback()
        raise Conflict(STALE) from None
    except Exception:
        session.rollback()
        raise


def withdraw_loan(session: Session, actor: User, loan_id: int) -> ArchiveLoan:
    """Take back a request not lent yet: a pending one through its approval (by whoever
    requested it), an approved one by the requester or the archive keeper. Commits."""
    loan = _load(session, actor, loan_id)
    state = loan_state(loan)
    if state not in (REQUESTED, APPROVED):
        raise Conflict(f"这份借阅{state}，不能撤回。")
    if loan.created_by_id != actor.id and not is_keeper(session, actor):
        raise PermissionDenied("只有登记人或档案管理员可以撤回借阅申请。")
    if state == REQUESTED and loan.approval_id is not None:
        approvals.withdraw(session, actor, loan.approval_id)
        return loan  # the request's end moved the loan (the on_closed hook)

    def work() -> ArchiveLoan:
        loan.state = WITHDRAWN
        audit.record(
            session, actor, audit.EDIT, OBJECT_TYPE, loan.id, _label(loan),
            field="状态", old=state, new=WITHDRAWN,
        )  # fmt: skip
        session.commit()
        return loan

    return _write(session, work)


# ------------------------------------------------------------------ lending and return

_BLOCKED = {
    VOLUME_LENT: "已借出，尚未归还",
    PENDING_APPRAISAL: "待鉴定，不能借出",
    DESTROYED: "已销毁",
    TRANSFERRED: "已移出",
}


def _blocked_message(session: Session, volume: ArchiveVolume) -> str:
    text = f"案卷「{volume.number}」{_BLOCKED.get(volume.state, volume.state)}"
    if volume.state == VOLUME_LENT:
        holder = session.scalar(
            select(ArchiveLoan)
            .join(ArchiveLoanVolume, ArchiveLoanVolume.loan_id == ArchiveLoan.id)
            .where(ArchiveLoanVolume.volume_id == volume.id, ArchiveLoan.state == LENT)
            .limit(1)
        )
        if holder is not None:
            text += f"（借阅单 {holder.number}，{holder.borrower_name}，应还 {holder.due_on}）"
    return text + "。"


def _pending_steps(loan: ArchiveLoan) -> str:
    if loan.approval is None:
        return ""
    return "、".join(
        f"{s.department.name}{s.role}" if s.department else s.role
        for s in loan.approval.steps
        if s.decision is None
    )


def lend(
    session: Session,
    actor: User,
    loan_id: int,
    counts: Mapping[int, tuple[object, object]],
    expected_version: int | None = None,
    *,
    today: date | None = None,
) -> ArchiveLoan:
    """Hand the volumes over (archive keeper): `counts` {volume_id: (pages counted by the
    archive, pages counted by the borrower)} for each volume; the two counts must agree.
    Refused without every approval, and for a volume lent, 待鉴定, 已销毁 or 移出. Each
    volume becomes 借出; the use of a logged (confidential or customer) file is logged.
    Commits. `today` (default the real date) is the day a past due date is checked
    against: the demo data lends as of an earlier day; the program always passes nothing."""
    loan = _load(session, actor, loan_id, "办理借出")
    if expected_version is not None and loan.version != expected_version:
        raise Conflict(STALE)
    _sync(loan)
    if loan.state == REQUESTED:
        raise ValidationError(f"借阅申请尚未审批完（待：{_pending_steps(loan)}），不能借出。")
    if loan.state != APPROVED or loan.approval is None or loan.approval.state != approvals.APPROVED:
        raise Conflict(f"这份借阅{loan.state}，不能借出。")
    if loan.use == TAKE and loan.due_on < (today or date.today()):
        raise ValidationError("应还日期已过，请先办理延期或重新申请。", "due_on")
    problems: list[FieldProblem] = []
    for lv in loan.volumes:
        volume = lv.volume
        if volume.state != IN_STORE:
            problems.append(FieldProblem(f"volume.{volume.id}", _blocked_message(session, volume)))
            continue
        out, other = counts.get(volume.id, (None, None))
        field = f"volume.{volume.id}"
        ours = clean_count(out, field, f"{volume.number} 档案室清点页数", problems, 1)
        theirs = clean_count(other, field, f"{volume.number} 借阅人清点页数", problems, 1)
        if ours is None and out in (None, ""):
            problems.append(FieldProblem(field, f"{volume.number}：请填写档案室清点的页数。"))
        if theirs is None and other in (None, ""):
            problems.append(FieldProblem(field, f"{volume.number}：请填写借阅人清点的页数。"))
        if ours is not None and theirs is not None and ours != theirs:
            problems.append(
                FieldProblem(
                    field,
                    f"{volume.number}：双方清点页数不一致（{ours} 与 {theirs}），请重新清点。",
                )
            )
        lv.pages_out, lv.pages_out_borrower = ours, theirs
    if problems:
        session.rollback()
        raise ValidationError(problems)

    def work() -> ArchiveLoan:
        _check_named(session, loan, [lv.volume for lv in loan.volumes])
        now = local_now()
        for lv in loan.volumes:
            lv.volume.state = VOLUME_LENT
            audit.record(
                session, actor, audit.EDIT, "archive_volume", lv.volume.id,
                f"{lv.volume.number} {lv.volume.title}", field="状态", old=IN_STORE,
                new=VOLUME_LENT, detail=f"借阅单 {loan.number}，{loan.borrower_name}，{lv.pages_out} 页",
            )  # fmt: skip
        loan.state, loan.lent_at, loan.lent_by_id = LENT, now, actor.id
        log_access(session, actor, [lv.volume for lv in loan.volumes],
                   READ_IN_ROOM if loan.use == READ else LEND,
                   f"借阅单 {loan.number}，{loan.borrower_name}，{loan.purpose}", now)  # fmt: skip
        audit.record(
            session, actor, audit.EDIT, OBJECT_TYPE, loan.id, _label(loan),
            field="状态", old=APPROVED, new=LENT, detail=f"应还 {loan.due_on}",
        )  # fmt: skip
        session.commit()
        return loan

    return _write(session, work)


def extend_loan(
    session: Session,
    actor: User,
    loan_id: int,
    new_due_on: object,
    reason: object,
    *,
    today: date | None = None,
) -> ArchiveLoan:
    """Move a lent (or approved) loan's due date on, with a reason. Commits. `today`
    (default the real date) is the day the new date is checked against: the demo data
    extends as of an earlier day; the program always passes nothing."""
    loan = _load(session, actor, loan_id, "办理续借")
    _sync(loan)
    if loan.state not in (LENT, APPROVED):
        raise Conflict(f"这份借阅{loan.state}，不能延期。")
    problems: list[FieldProblem] = []
    day = clean_day(new_due_on, "due_on", "新的应还日期", problems)
    text = clean_text(reason, "reason", "延期原因", 300, problems, True)
    if day is None and "due_on" not in {p.field for p in problems}:
        problems.append(FieldProblem("due_on", "新的应还日期：必须填写。"))
    elif day is not None and day <= loan.due_on:
        problems.append(FieldProblem("due_on", f"新的应还日期：应晚于原应还日期 {loan.due_on}。"))
    elif day is not None and day < (today or date.today()):
        problems.append(FieldProblem("due_on", "新的应还日期：不能早于今天。"))
    if problems:
        raise ValidationError(problems)

    def work() -> ArchiveLoan:
        old = loan.due_on
        loan.extensions.append(
            ArchiveLoanExtension(
                old_due_on=old, new_due_on=day, reason=text, user_id=actor.id, at=local_now()
            )
        )
        loan.due_on = day
        audit.record(
            session, actor, audit.EDIT, OBJECT_TYPE, loan.id, _label(loan),
            field="应还日期", old=old.isoformat(), new=day.isoformat(), detail=text,
        )  # fmt: skip
        session.commit()
        return loan

    return _write(session, work)


def return_loan(
    session: Session,
    actor: User,
    loan_id: int,
    returns: Mapping[int, Mapping[str, object]],
    expected_version: int | None = None,
) -> ArchiveLoan:
    """The volumes come back (archive keeper), counted again: `returns` {volume_id:
    {"pages": n, "condition": 完好/缺损, "note": …}} for every volume of the loan. Fewer
    pages than lent cannot be 完好; 缺损 needs a note, which goes into the volume's 卷内备考表
    and to the head of its department as a notice. Volumes go back 在库. Commits."""
    loan = _load(session, actor, loan_id, "办理归还")
    if expected_version is not None and loan.version != expected_version:
        raise Conflict(STALE)
    if loan.state != LENT:
        raise Conflict(f"这份借阅{loan_state(loan)}，不能办理归还。")
    problems: list[FieldProblem] = []
    for lv in loan.volumes:
        field = f"volume.{lv.volume_id}"
        given = returns.get(lv.volume_id)
        if given is None:
            problems.append(
                FieldProblem(field, f"{lv.volume.number}：请清点归还的页数并填写状况。")
            )
            continue
        pages = clean_count(given.get("pages"), field, f"{lv.volume.number} 归还页数", problems)
        if pages is None and given.get("pages") in (None, ""):
            problems.append(FieldProblem(field, f"{lv.volume.number}：请填写归还时清点的页数。"))
        condition = str(given.get("condition") or "").strip()
        if condition not in CONDITIONS:
            problems.append(FieldProblem(field, f"{lv.volume.number}：状况应为完好或缺损。"))
        note = clean_text(given.get("note"), field, f"{lv.volume.number} 缺损说明", 500, problems)
        if condition == DAMAGED and not note:
            problems.append(FieldProblem(field, f"{lv.volume.number}：缺损时请写明缺损情况。"))
        if condition == INTACT and pages is not None and lv.pages_out and pages < lv.pages_out:
            problems.append(FieldProblem(
                field, f"{lv.volume.number}：借出 {lv.pages_out} 页，归还 {pages} 页，少了 "
                f"{lv.pages_out - pages} 页，不能记为完好；请选缺损并说明。",
            ))  # fmt: skip
        lv.pages_back, lv.condition, lv.note = pages, condition or None, note
    if problems:
        session.rollback()
        raise ValidationError(problems)

    def work() -> ArchiveLoan:
        now = local_now()
        damaged = [lv for lv in loan.volumes if lv.condition == DAMAGED]
        for lv in loan.volumes:
            volume = lv.volume
            if volume.state == VOLUME_LENT:
                volume.state = IN_STORE
            audit.record(
                session, actor, audit.EDIT, "archive_volume", volume.id,
                f"{volume.number} {volume.title}", field="状态", old=VOLUME_LENT, new=IN_STORE,
                detail=f"借阅单 {loan.number} 归还，{lv.pages_back} 页，{lv.condition}",
            )  # fmt: skip
        for lv in damaged:
            _report_damage(session, actor, loan, lv, now)
        loan.state, loan.returned_at, loan.returned_by_id = RETURNED, now, actor.id
        loan.condition = DAMAGED if damaged else INTACT
        loan.return_note = "；".join(f"{lv.volume.number}：{lv.note}" for lv in damaged) or None
        audit.record(
            session, actor, audit.EDIT, OBJECT_TYPE, loan.id, _label(loan),
            field="状态", old=LENT, new=RETURNED, detail=loan.condition,
        )  # fmt: skip
        session.commit()
        return loan

    return _write(session, work)


def _report_damage(
    session: Session, actor: User, loan: ArchiveLoan, lv: ArchiveLoanVolume, now: datetime
) -> None:
    volume = lv.volume
    text = (
        f"借阅单 {loan.number}（{loan.borrower_name}）归还时发现缺损：{lv.note}"
        f"（借出 {lv.pages_out} 页，归还 {lv.pages_back} 页）"
    )
    session.add(ArchiveNote(volume_id=volume.id, kind=DAMAGED, text=text, user_id=actor.id,
                            user_name=actor.name[:40], at=now))  # fmt: skip
    session.add(ArchiveNotice(at=now, kind=DAMAGED, role=HEAD_ROLE, department_id=volume.department_id,
                              volume_id=volume.id, loan_id=loan.id,
                              text=f"案卷「{volume.number} {volume.title}」{text}",
                              created_by_id=actor.id))  # fmt: skip
    audit.record(
        session, actor, audit.EDIT, "archive_volume", volume.id, f"{volume.number} {volume.title}",
        field="备考表", new=f"{DAMAGED}：{text}"[:300],
    )  # fmt: skip


# ------------------------------------------------------------------ notices


def notices_for(session: Session, actor: User, include_read: bool = False) -> list[ArchiveNotice]:
    """Notices for `actor`: those to a role they hold in their department (the head hears
    of a 缺损 file of the department); the archive keeper sees all. Newest first."""
    if not actor.active:
        return []
    query = select(ArchiveNotice).order_by(ArchiveNotice.at.desc(), ArchiveNotice.id.desc())
    if not is_keeper(session, actor, "view"):
        from sqlalchemy import or_

        query = query.where(
            ArchiveNotice.role.in_(actor.role_names),
            or_(
                ArchiveNotice.department_id.is_(None),
                ArchiveNotice.department_id == actor.department_id,
            ),
        )
    if not include_read:
        query = query.where(ArchiveNotice.read_at.is_(None))
    return list(session.scalars(query.limit(500)))


def mark_notice_read(session: Session, actor: User, notice_id: int) -> ArchiveNotice:
    notice = next((n for n in notices_for(session, actor, True) if n.id == notice_id), None)
    if notice is None:
        raise NotFound("这条通知已不存在，或不是给您的。")
    if notice.read_at is None:
        notice.read_at, notice.read_by_id = local_now(), actor.id
        session.commit()
    return notice


# ------------------------------------------------------------------ reading


@dataclass(frozen=True)
class LoanVolumeRow:
    volume_id: int
    number: str
    title: str
    secrecy: str
    pages: int
    pages_out: int | None
    pages_out_borrower: int | None
    pages_back: int | None
    condition: str | None
    note: str


@dataclass(frozen=True)
class LoanRow:
    """One loan as the 借阅登记簿, the 借阅单 and the lists show it."""

    id: int
    number: str
    borrower_kind: str
    borrower: str
    unit: str
    letter: str
    id_number: str
    purpose: str
    use: str
    requested_on: date
    due_on: date
    state: str
    lent_at: datetime | None
    lent_by: str
    returned_at: datetime | None
    returned_by: str
    condition: str
    return_note: str
    approvals: str  # e.g. 市场营销部部门负责人：批准（李明 2026-11-03）；总经理：待审批
    approval_id: int | None
    overdue: bool
    volumes: tuple[LoanVolumeRow, ...]
    extensions: tuple[tuple[date, date, str], ...]
    version: int

    @property
    def numbers(self) -> str:
        return "、".join(v.number for v in self.volumes)

    @property
    def titles(self) -> str:
        return "；".join(v.title for v in self.volumes)


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    ids.discard(None)  # type: ignore[arg-type]
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.name).where(User.id.in_(ids)))
    return {row.id: row.name for row in rows}


def to_rows(
    session: Session, found: Sequence[ArchiveLoan], today: date | None = None
) -> list[LoanRow]:
    day = today or date.today()
    names = _names(
        session, {x for loan in found for x in (loan.lent_by_id, loan.returned_by_id) if x}
    )
    approval_rows = approvals.approval_rows(
        session, [loan.approval_id for loan in found if loan.approval_id]
    )
    rows = []
    for loan in found:
        state = loan_state(loan)
        approval = approval_rows.get(loan.approval_id or 0)
        rows.append(
            LoanRow(
                id=loan.id,
                number=loan.number,
                borrower_kind=loan.borrower_kind,
                borrower=loan.borrower_name,
                unit=loan.borrower_unit or "",
                letter=loan.letter or "",
                id_number=loan.id_number or "",
                purpose=loan.purpose,
                use=loan.use,
                requested_on=loan.requested_on,
                due_on=loan.due_on,
                state=state,
                lent_at=loan.lent_at,
                lent_by=names.get(loan.lent_by_id or 0, ""),
                returned_at=loan.returned_at,
                returned_by=names.get(loan.returned_by_id or 0, ""),
                condition=loan.condition or "",
                return_note=loan.return_note or "",
                approvals=approval.steps_summary if approval else "",
                approval_id=loan.approval_id,
                overdue=state == LENT and loan.due_on < day,
                volumes=tuple(
                    LoanVolumeRow(
                        volume_id=lv.volume_id,
                        number=lv.volume.number,
                        title=lv.volume.title,
                        secrecy=lv.volume.secrecy,
                        pages=lv.volume.pages,
                        pages_out=lv.pages_out,
                        pages_out_borrower=lv.pages_out_borrower,
                        pages_back=lv.pages_back,
                        condition=lv.condition,
                        note=lv.note or "",
                    )
                    for lv in loan.volumes
                ),
                extensions=tuple((e.old_due_on, e.new_due_on, e.reason) for e in loan.extensions),
                version=loan.version,
            )
        )
    return rows


def _visible(session: Session, actor: User, found: Iterable[ArchiveLoan]) -> list[ArchiveLoan]:
    """Loans whose every volume `actor` may see (a 机密 file's loan stays hidden)."""
    return [
        loan
        for loan in found
        if all(in_reach(session, actor, lv.volume, "view") for lv in loan.volumes)
    ]


def get_loan(session: Session, actor: User, loan_id: int) -> LoanRow:
    return to_rows(session, [_load(session, actor, loan_id)])[0]


def loans(
    session: Session,
    actor: User,
    start: date | None = None,
    end: date | None = None,
    state: str | None = None,
    volume_id: int | None = None,
    limit: int = 5000,
) -> list[LoanRow]:
    """Loans requested in [start, end] (either open), oldest first, optionally of one state
    or one volume (the 借阅登记簿 of a period; a volume's loan history)."""
    rights.require(session, actor, AREA, "view")
    query = select(ArchiveLoan)
    if start is not None:
        query = query.where(ArchiveLoan.requested_on >= start)
    if end is not None:
        query = query.where(ArchiveLoan.requested_on <= end)
    if volume_id is not None:
        query = query.where(
            ArchiveLoan.id.in_(
                select(ArchiveLoanVolume.loan_id).where(ArchiveLoanVolume.volume_id == volume_id)
            )
        )
    query = query.order_by(ArchiveLoan.requested_on, ArchiveLoan.id).limit(limit)
    rows = to_rows(session, _visible(session, actor, session.scalars(query)))
    return [r for r in rows if state is None or r.state == state]


def loan_book(session: Session, actor: User, year: int) -> list[LoanRow]:
    """借阅登记簿 of a year (for `report loan-book YEAR`)."""
    return loans(session, actor, date(year, 1, 1), date(year, 12, 31))


def overdue_loans(session: Session, actor: User, today: date | None = None) -> list[LoanRow]:
    """Loans lent and not back by their due date, earliest first (今日待办 of the archive
    keeper; others with the archives view right see those of the files they may see)."""
    if not rights.may(session, actor, AREA, "view"):
        return []
    day = today or date.today()
    query = (
        select(ArchiveLoan)
        .where(ArchiveLoan.state == LENT, ArchiveLoan.due_on < day)
        .order_by(ArchiveLoan.due_on, ArchiveLoan.id)
        .limit(500)
    )
    return to_rows(session, _visible(session, actor, session.scalars(query)), day)
