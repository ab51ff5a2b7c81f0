"""The audit log (DESIGN rule 2): who did what to which object, when and on which PC.

Append-only: this module has no function that changes or removes a row, and the store
refuses UPDATE and DELETE on the table (triggers made by migration 0004). Each row holds
the previous row's hash and a hash over its own content, so `verify_chain` finds the first
row that was altered, inserted or removed behind the program's back.
"""

from __future__ import annotations

import hashlib
import json
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from desktop_crm.models import AuditEntry, User, local_now

from .numbering import peek_next, take_numbers

SERIES = "audit"
GENESIS_HASH = "0" * 64
INSERT_CHUNK = 5000
VERIFY_BATCH = 5000

# The acts, as the log and its viewer name them.
CREATE, EDIT, DELETE, VIEW, EXPORT, PRINT, IMPORT = (
    "新建",
    "修改",
    "删除",
    "查看",
    "导出",
    "打印",
    "导入",
)
SIGN_IN, SIGN_IN_FAILED, RIGHTS_CHANGED, APPROVAL = "登录", "登录失败", "权限变更", "审批"
ACTS = (
    CREATE,
    EDIT,
    DELETE,
    VIEW,
    EXPORT,
    PRINT,
    IMPORT,
    SIGN_IN,
    SIGN_IN_FAILED,
    RIGHTS_CHANGED,
    APPROVAL,
)
# Object types, and how the viewer names them.
OBJECT_TYPES = {
    "customer": "客户",
    "customer_list": "客户名册",
    "account": "账户",
    "audit_log": "审计日志",
    "rights": "权限",
    "grant": "查看授权",
    "approval": "审批",
    "work_calendar": "工作日历",
    "store": "数据库",
    "setting": "设置",
    "complaint": "投诉",
    "revisit": "回访",
    "revisit_plan": "回访计划",
    "complaint_handling_report": "投诉处理报告表",
    "survey": "满意度调查",
    "survey_questionnaire": "调查问卷",
    "survey_improvement": "改进计划",
    "archive_volume": "案卷",
    "archive_location": "存放位置",
    "archive_list": "档案台账",
    "archive_receipt": "档案签收",
    "archive_loan": "档案借阅",
    "archive_loan_rule": "借阅审批规则",
    "archive_secret_reader": "绝密档案利用人员",
    "archive_appraisal": "档案鉴定",
    "archive_destruction": "档案销毁",
}

_WORKSTATION: str | None = None


def workstation() -> str:
    """This PC's name (looked up once per program run)."""
    global _WORKSTATION
    if _WORKSTATION is None:
        try:
            _WORKSTATION = socket.gethostname()[:80] or "?"
        except OSError:
            _WORKSTATION = "?"
    return _WORKSTATION


@dataclass(frozen=True, slots=True)
class Entry:
    """What one row says, before it gets its number, time, author and hashes."""

    act: str
    object_type: str
    object_id: object = None
    object_label: str | None = None
    field: str | None = None
    old: str | None = None
    new: str | None = None
    detail: str | None = None


def canonical(
    seq: int,
    at: datetime,
    user_id: int | None,
    user_name: str | None,
    workstation: str | None,
    act: str,
    object_type: str,
    object_id: str | None,
    object_label: str | None,
    field: str | None,
    old: str | None,
    new: str | None,
    detail: str | None,
) -> str:
    """The row's content as one fixed text: keys sorted, no spaces, UTF-8 as is.

    Migration 0004 holds a frozen copy of this and `entry_hash`; a test keeps them equal.
    """
    return json.dumps(
        {
            "seq": seq,
            "at": at.isoformat(),
            "user_id": user_id,
            "user_name": user_name,
            "workstation": workstation,
            "act": act,
            "object_type": object_type,
            "object_id": object_id,
            "object_label": object_label,
            "field": field,
            "old": old,
            "new": new,
            "detail": detail,
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )


def entry_hash(prev_hash: str, *content: object) -> str:
    """sha256 over the previous row's hash and this row's canonical content."""
    return hashlib.sha256((prev_hash + canonical(*content)).encode("utf-8")).hexdigest()  # type: ignore[arg-type]


def _object_id(value: object) -> str | None:
    return None if value is None else str(value)[:40]


def _cut(value: str | None, length: int) -> str | None:
    return value[:length] if value is not None else None


def record(
    session: Session,
    actor: User | None,
    act: str,
    object_type: str,
    object_id: object = None,
    object_label: str | None = None,
    field: str | None = None,
    old: str | None = None,
    new: str | None = None,
    detail: str | None = None,
    when: datetime | None = None,
    user_name: str | None = None,
) -> int:
    """Append one entry inside the caller's transaction (the caller commits); its seq.

    `user_name` names who acted when there is no account (a failed sign-in's login)."""
    entry = Entry(act, object_type, object_id, object_label, field, old, new, detail)
    return record_many(session, actor, [entry], when, user_name)


def record_many(
    session: Session,
    actor: User | None,
    entries: Sequence[Entry],
    when: datetime | None = None,
    user_name: str | None = None,
) -> int:
    """Append entries in one pass (imports: 100,000 rows); returns the first seq.

    The numbers come from the gap-free `audit` series, taken first: that holds the write
    lock (SQLite) or the sequence row's lock (PostgreSQL) until the caller commits, so no
    other writer can chain onto the same previous row.
    """
    if not entries:
        return 0
    if act_unknown := {e.act for e in entries} - set(ACTS):
        raise ValueError(f"unknown audit act {act_unknown}")
    first = take_numbers(session, SERIES, len(entries))
    prev = GENESIS_HASH
    if first > 1:
        prev = session.scalar(select(AuditEntry.entry_hash).where(AuditEntry.seq == first - 1))
        if prev is None:
            prev = GENESIS_HASH  # the chain check reports the gap; writing goes on
    at = when or local_now()
    user_id = actor.id if actor is not None else None
    name = _cut(actor.name if actor is not None else user_name, 40)
    pc = workstation()
    rows = []
    for seq, e in enumerate(entries, start=first):
        object_id = _object_id(e.object_id)
        label, field = _cut(e.object_label, 300), _cut(e.field, 60)
        digest = entry_hash(
            prev,
            seq,
            at,
            user_id,
            name,
            pc,
            e.act,
            e.object_type,
            object_id,
            label,
            field,
            e.old,
            e.new,
            e.detail,
        )
        rows.append(
            {
                "seq": seq,
                "at": at,
                "user_id": user_id,
                "user_name": name,
                "workstation": pc,
                "act": e.act,
                "object_type": e.object_type,
                "object_id": object_id,
                "object_label": label,
                "field": field,
                "old_value": e.old,
                "new_value": e.new,
                "detail": e.detail,
                "prev_hash": prev,
                "entry_hash": digest,
            }
        )
        prev = digest
    connection = session.connection()
    for start in range(0, len(rows), INSERT_CHUNK):
        connection.execute(insert(AuditEntry.__table__), rows[start : start + INSERT_CHUNK])
    return first


_CHAIN_COLUMNS = (
    AuditEntry.seq,
    AuditEntry.at,
    AuditEntry.user_id,
    AuditEntry.user_name,
    AuditEntry.workstation,
    AuditEntry.act,
    AuditEntry.object_type,
    AuditEntry.object_id,
    AuditEntry.object_label,
    AuditEntry.field,
    AuditEntry.old_value,
    AuditEntry.new_value,
    AuditEntry.detail,
    AuditEntry.prev_hash,
    AuditEntry.entry_hash,
)


def verify_chain(session: Session) -> int | None:
    """None when the log is intact; else the seq of the first row that does not fit
    (changed, or missing: then the number where it should be)."""
    expected, prev = 1, GENESIS_HASH
    while True:
        batch = session.execute(
            select(*_CHAIN_COLUMNS)
            .where(AuditEntry.seq >= expected)
            .order_by(AuditEntry.seq)
            .limit(VERIFY_BATCH)
        ).all()
        for row in batch:
            seq, content, stored_prev, stored_hash = row[0], tuple(row[:13]), row[13], row[14]
            if seq != expected or stored_prev != prev:
                return expected
            if entry_hash(prev, *content) != stored_hash:
                return seq
            prev, expected = stored_hash, expected + 1
        if len(batch) < VERIFY_BATCH:
            break
    # Rows cut off the end: the number series knows how many were written.
    if expected < peek_next(session, SERIES):
        return expected
    return None


def count(session: Session) -> int:
    return peek_next(session, SERIES) - 1


def customer_label(code: str, name: str | None) -> str:
    return f"{code} {name or ''}".strip()
