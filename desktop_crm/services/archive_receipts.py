"""档案签收簿 (DOMAIN §5): a department hands volumes and loose documents over to the
archive room; the receiver ticks each item, and a hand-over with anything missing is
recorded as 不完整 with the missing items listed.

Documents finished in a month are handed over by the 10th of the next month: from the 11th
on, `late_departments` lists the departments with nothing handed over for last month (for
今日待办 of the archive keeper); `department_rates` gives each department's on-time and
completeness rates for a year.

Rights (area "archives"): a hand-over is made with the "create" right — a 部门档案员 for
their own department, the archive room (全部) for any; ticking is the archive room's
("edit" over 全部: the 档案管理员).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from desktop_crm.models import (
    ArchiveReceipt,
    ArchiveReceiptItem,
    Department,
    User,
    local_now,
)

from . import audit, rights
from .archive_scope import get_volume
from .errors import Conflict, FieldProblem, NotFound, PermissionDenied, ValidationError
from .field_parsing import ParseError, parse_date
from .numbering import take_numbers

AREA = "archives"
OBJECT_TYPE = "archive_receipt"
PENDING, COMPLETE, INCOMPLETE = "待清点", "完整", "不完整"
STATES = (PENDING, COMPLETE, INCOMPLETE)
DEADLINE_DAY = 10  # hand over by the 10th of the next month
MAX_ITEMS = 2000
MAX_NOTE = 2000
STALE = "这份签收记录刚被别人修改过。请刷新后再办理。"


# ------------------------------------------------------------------ shared with loans, appraisal


def require_keeper(session: Session, actor: User, action: str = "edit", what: str = "办理") -> None:
    """The archive room's work (receive, lend, return, appraise, destroy): the archives
    right `action` over 全部 — the 档案管理员 by default."""
    scope = rights.require(session, actor, AREA, action)
    if scope != rights.ALL:
        raise PermissionDenied(
            f"只有档案室（「{rights.right_name(AREA, action)}」范围为全部，即档案管理员）"
            f"可以{what}。"
        )


def is_keeper(session: Session, actor: User, action: str = "edit") -> bool:
    return rights.scope_for(session, actor, AREA, action) == rights.ALL


def clean_text(
    raw: object, field: str, label: str, limit: int, problems: list[FieldProblem], required=False
) -> str | None:  # noqa: ANN001
    text = " ".join(str(raw).split()) if raw is not None else ""
    if not text:
        if required:
            problems.append(FieldProblem(field, f"{label}：必须填写。"))
        return None
    if len(text) > limit:
        problems.append(FieldProblem(field, f"{label}：最多 {limit} 个字（现有 {len(text)} 个）。"))
        return text[:limit]
    return text


def clean_day(
    raw: object, field: str, label: str, problems: list[FieldProblem], default: date | None = None
) -> date | None:
    if raw in (None, ""):
        return default
    if isinstance(raw, datetime):
        return raw.date()
    try:
        return parse_date(raw)
    except (ParseError, ValueError) as error:
        problems.append(FieldProblem(field, f"{label}：{error}"))
        return None


def clean_count(
    raw: object, field: str, label: str, problems: list[FieldProblem], minimum: int = 0
) -> int | None:
    if raw in (None, ""):
        return None
    try:
        if isinstance(raw, bool):
            raise ValueError
        number = raw if isinstance(raw, int) else int(str(raw).strip())
    except ValueError:
        problems.append(FieldProblem(field, f"{label}：请填整数。"))
        return None
    if not minimum <= number <= 100_000:
        problems.append(FieldProblem(field, f"{label}：应在 {minimum} 到 100000 之间。"))
        return None
    return number


def year_serial(session: Session, prefix: str, year: int, digits: int = 4) -> str:
    """QS2026-0001: a gap-free number per prefix and year."""
    return f"{prefix}{year}-{take_numbers(session, f'{prefix}:{year}'):0{digits}d}"


# ------------------------------------------------------------------ months


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def previous_month(day: date) -> str:
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return f"{year:04d}-{month:02d}"


def _parse_month(raw: object, problems: list[FieldProblem]) -> str | None:
    if isinstance(raw, date):
        return month_key(raw)
    text = str(raw).strip().replace("年", "-").replace("月", "").replace("/", "-").replace(".", "-")
    try:
        year, month = (int(part) for part in text.split("-")[:2])
        if not (1900 <= year <= 2200 and 1 <= month <= 12):
            raise ValueError
    except ValueError:
        problems.append(FieldProblem("month", "所属月份：请写成 2026-10。"))
        return None
    return f"{year:04d}-{month:02d}"


def _deadline(month: str) -> date:
    """The day the documents of `month` ("2026-10") are due at the archive: 10 November."""
    year, number = (int(part) for part in month.split("-"))
    year, number = (year, number + 1) if number < 12 else (year + 1, 1)
    return date(year, number, DEADLINE_DAY)


# ------------------------------------------------------------------ writing


def _state(items: Sequence[ArchiveReceiptItem]) -> str:
    if any(item.received is None for item in items):
        return PENDING
    return INCOMPLETE if any(item.received is False for item in items) else COMPLETE


def _label(receipt: ArchiveReceipt, department: Department | None = None) -> str:
    name = (department or receipt.department).name if (department or receipt.department) else ""
    return f"{receipt.number} {name} {receipt.month}"


def _clean_items(
    session: Session, actor: User, raw_items: Sequence[Mapping[str, object]]
) -> tuple[list[dict[str, Any]], list[FieldProblem]]:
    problems: list[FieldProblem] = []
    items: list[dict[str, Any]] = []
    seen: set[int] = set()
    if len(raw_items) > MAX_ITEMS:
        problems.append(FieldProblem("items", f"一次最多移交 {MAX_ITEMS} 项。"))
        return items, problems
    for index, raw in enumerate(raw_items, start=1):
        prefix = f"items.{index}."
        item: dict[str, Any] = {"seq": index, "received": raw.get("received")}
        if item["received"] not in (None, True, False):
            problems.append(FieldProblem(prefix + "received", "签收：应为已收到或缺少。"))
        volume_id = raw.get("volume_id")
        if volume_id not in (None, ""):
            try:
                volume = get_volume(session, actor, int(volume_id))  # type: ignore[call-overload]
            except (TypeError, ValueError):
                problems.append(FieldProblem(prefix + "volume_id", "案卷：请从台账中选择。"))
                continue
            except (NotFound, PermissionDenied) as error:
                problems.append(FieldProblem(prefix + "volume_id", f"案卷：{error.message}"))
                continue
            if volume.id in seen:
                problems.append(FieldProblem(prefix + "volume_id", f"案卷 {volume.number} 重复。"))
            seen.add(volume.id)
            item.update(
                volume_id=volume.id,
                title=volume.title,
                doc_number=volume.number,
                pages=volume.pages,
                copies=volume.copies,
            )
        else:
            item["title"] = clean_text(
                raw.get("title"), prefix + "title", "题名", 300, problems, required=True
            )
            item["doc_number"] = clean_text(
                raw.get("doc_number"), prefix + "doc_number", "文号", 60, problems
            )
            item["pages"] = clean_count(raw.get("pages"), prefix + "pages", "页数", problems, 1)
            item["copies"] = clean_count(raw.get("copies"), prefix + "copies", "份数", problems, 1)
        item["note"] = clean_text(raw.get("note"), prefix + "note", "备注", 200, problems)
        items.append(item)
    return items, problems


def create_receipt(
    session: Session,
    actor: User,
    values: Mapping[str, object],
    items: Sequence[Mapping[str, object]] = (),
) -> ArchiveReceipt:
    """A hand-over: values received_on (default today), month (所属月份, default last month),
    department_id (default the actor's), handed_by (移交人, default the actor when of that
    department), note; items — each {"volume_id": id} for a volume of the ledger or
    {"title", "doc_number", "pages", "copies"} for a loose document, optionally already
    ticked ("received": True/False) and with a "note". A hand-over without items needs a
    note (本月无归档文件). Every problem is reported at once; nothing is written. Commits."""
    scope = rights.require(session, actor, AREA, "create")
    problems: list[FieldProblem] = []
    received_on = clean_day(
        values.get("received_on"), "received_on", "日期", problems, date.today()
    )
    if received_on is not None and received_on > date.today():
        problems.append(FieldProblem("received_on", "日期：不能晚于今天。"))
    raw_month = values.get("month")
    month = (
        _parse_month(raw_month, problems)
        if raw_month not in (None, "")
        else previous_month(received_on or date.today())
    )
    department_id = values.get("department_id") or actor.department_id
    department = session.get(Department, int(department_id)) if department_id else None  # type: ignore[arg-type]
    if department is None:
        problems.append(FieldProblem("department_id", "移交部门：请选择。"))
    elif scope != rights.ALL and department.id != actor.department_id:
        raise PermissionDenied(f"您只能办理本部门的移交，不能替「{department.name}」移交。")
    handed_by = clean_text(values.get("handed_by"), "handed_by", "移交人", 40, problems)
    handed_by_id = None
    if handed_by is None and department is not None and actor.department_id == department.id:
        handed_by, handed_by_id = actor.name[:40], actor.id
    elif handed_by is None:
        problems.append(FieldProblem("handed_by", "移交人：必须填写。"))
    note = clean_text(values.get("note"), "note", "备注", MAX_NOTE, problems)
    clean_items, item_problems = _clean_items(session, actor, items)
    problems += item_problems
    if not items and not note:
        problems.append(
            FieldProblem("items", "请列出移交的案卷或文件；本月没有文件时请在备注中说明。")
        )
    if any(i.get("received") is not None for i in clean_items) and not is_keeper(session, actor):
        problems.append(FieldProblem("items", "签收须由档案室清点勾选，移交时请不要勾选。"))
    if problems:
        raise ValidationError(problems)
    assert received_on is not None and month is not None and department is not None
    try:
        receipt = ArchiveReceipt(
            number=year_serial(session, "QS", received_on.year),
            received_on=received_on,
            month=month,
            department_id=department.id,
            handed_by=handed_by,
            handed_by_id=handed_by_id,
            note=note,
            created_by_id=actor.id,
            created_at=local_now(),
        )
        receipt.items = [ArchiveReceiptItem(**item) for item in clean_items]
        if any(i.received is not None for i in receipt.items):
            receipt.received_by, receipt.received_by_id = actor.name[:40], actor.id
        receipt.state = _state(receipt.items)
        session.add(receipt)
        session.flush()
        detail = f"{len(receipt.items)} 项" + (f"；{note}" if note else "")
        audit.record(
            session, actor, audit.CREATE, OBJECT_TYPE, receipt.id, _label(receipt, department),
            field="状态", new=receipt.state, detail=detail,
        )  # fmt: skip
        session.commit()
    except Exception:
        session.rollback()
        raise
    return receipt


def get_receipt(session: Session, actor: User, receipt_id: int) -> ArchiveReceipt:
    scope = rights.require(session, actor, AREA, "view")
    receipt = session.get(ArchiveReceipt, receipt_id)
    if receipt is None:
        raise NotFound("这份签收记录已不存在。")
    if scope != rights.ALL and receipt.department_id != actor.department_id:
        raise PermissionDenied("这份签收记录不是您部门的，您不能查看。")
    return receipt


def tick_items(
    session: Session,
    actor: User,
    receipt_id: int,
    ticks: Mapping[int, bool | None],
    notes: Mapping[int, str] | None = None,
    expected_version: int | None = None,
) -> ArchiveReceipt:
    """The receiver ticks items: {item_id: True (received) / False (missing) / None (not
    counted yet)}, with a note per item if wanted. Once every item is ticked the hand-over
    is 完整, or 不完整 with the missing items listed in the audit entry. Commits."""
    require_keeper(session, actor, what="清点签收")
    receipt = get_receipt(session, actor, receipt_id)
    if expected_version is not None and receipt.version != expected_version:
        raise Conflict(STALE)
    by_id = {item.id: item for item in receipt.items}
    problems = [
        FieldProblem(f"item.{key}", "这一项不在这份签收记录里。")
        for key in ticks
        if key not in by_id
    ]
    problems += [
        FieldProblem(f"item.{key}", "签收：应为已收到或缺少。")
        for key, value in ticks.items()
        if value not in (None, True, False)
    ]
    clean_notes = {
        key: clean_text(text, f"item.{key}.note", "备注", 200, problems)
        for key, text in (notes or {}).items()
    }
    problems += [
        FieldProblem(f"item.{key}", "这一项不在这份签收记录里。")
        for key in clean_notes
        if key not in by_id
    ]
    if problems:
        raise ValidationError(problems)
    old_state = receipt.state
    try:
        for key, value in ticks.items():
            by_id[key].received = value
        for key, text in clean_notes.items():
            by_id[key].note = text
        receipt.received_by, receipt.received_by_id = actor.name[:40], actor.id
        receipt.state = _state(receipt.items)
        session.flush()
        missing = missing_items(receipt)
        detail = "缺少：" + "；".join(_item_label(i) for i in missing) if missing else None
        audit.record(
            session, actor, audit.EDIT, OBJECT_TYPE, receipt.id, _label(receipt),
            field="状态", old=old_state, new=receipt.state, detail=detail and detail[:2000],
        )  # fmt: skip
        session.commit()
    except StaleDataError:
        session.rollback()
        raise Conflict(STALE) from None
    except Exception:
        session.rollback()
        raise
    return receipt


def _item_label(item: ArchiveReceiptItem) -> str:
    return " ".join(part for part in (item.doc_number, item.title) if part)


def missing_items(receipt: ArchiveReceipt) -> list[ArchiveReceiptItem]:
    """The items ticked as missing."""
    return [item for item in receipt.items if item.received is False]


# ------------------------------------------------------------------ reading


@dataclass(frozen=True)
class ReceiptItemRow:
    id: int
    seq: int
    volume_id: int | None
    doc_number: str  # the 档号 of a volume, the 文号 of a loose document
    title: str
    pages: int | None
    copies: int | None
    received: bool | None
    note: str


@dataclass(frozen=True)
class ReceiptRow:
    """One hand-over as the 档案签收簿 shows it."""

    id: int
    number: str
    received_on: date
    month: str
    department_id: int
    department: str
    handed_by: str
    received_by: str
    state: str
    note: str
    on_time: bool  # handed over by the 10th of the month after `month`
    items: tuple[ReceiptItemRow, ...]
    version: int

    @property
    def missing(self) -> tuple[ReceiptItemRow, ...]:
        return tuple(item for item in self.items if item.received is False)

    @property
    def missing_text(self) -> str:
        return "；".join(" ".join(p for p in (i.doc_number, i.title) if p) for i in self.missing)

    @property
    def contents(self) -> str:
        """What was handed over, in one line (the book's 移交内容)."""
        return "；".join(" ".join(p for p in (i.doc_number, i.title) if p) for i in self.items)


def to_row(receipt: ArchiveReceipt) -> ReceiptRow:
    return ReceiptRow(
        id=receipt.id,
        number=receipt.number,
        received_on=receipt.received_on,
        month=receipt.month,
        department_id=receipt.department_id,
        department=receipt.department.name if receipt.department else "",
        handed_by=receipt.handed_by,
        received_by=receipt.received_by or "",
        state=receipt.state,
        note=receipt.note or "",
        on_time=receipt.received_on <= _deadline(receipt.month),
        items=tuple(
            ReceiptItemRow(
                id=i.id,
                seq=i.seq,
                volume_id=i.volume_id,
                doc_number=i.doc_number or "",
                title=i.title,
                pages=i.pages,
                copies=i.copies,
                received=i.received,
                note=i.note or "",
            )
            for i in receipt.items
        ),
        version=receipt.version,
    )


def receipts(
    session: Session,
    actor: User,
    start: date | None = None,
    end: date | None = None,
    department_id: int | None = None,
    state: str | None = None,
) -> list[ReceiptRow]:
    """Hand-overs received in [start, end] (either open), oldest first: all for the archive
    room, the own department's for a 部门档案员 (the 档案签收簿 of a period)."""
    scope = rights.require(session, actor, AREA, "view")
    query = select(ArchiveReceipt)
    if start is not None:
        query = query.where(ArchiveReceipt.received_on >= start)
    if end is not None:
        query = query.where(ArchiveReceipt.received_on <= end)
    if department_id is not None:
        query = query.where(ArchiveReceipt.department_id == department_id)
    if state is not None:
        query = query.where(ArchiveReceipt.state == state)
    if scope != rights.ALL:
        query = query.where(ArchiveReceipt.department_id == (actor.department_id or 0))
    query = query.order_by(ArchiveReceipt.received_on, ArchiveReceipt.id)
    return [to_row(r) for r in session.scalars(query)]


def receipt_book(session: Session, actor: User, year: int) -> list[ReceiptRow]:
    """档案签收簿 of a year (for `report receipt-book YEAR`)."""
    return receipts(session, actor, date(year, 1, 1), date(year, 12, 31))


# ------------------------------------------------------------------ the monthly rule


@dataclass(frozen=True)
class LateDepartment:
    department_id: int
    department: str
    code: str
    month: str  # the month with nothing handed over
    deadline: date


def late_departments(
    session: Session, actor: User, today: date | None = None
) -> list[LateDepartment]:
    """Departments with nothing handed over for last month once the 10th has passed (from
    the 11th on), for 今日待办 of the archive keeper. People outside the archive room get
    an empty list (the line is not theirs)."""
    if not is_keeper(session, actor):
        return []
    day = today or date.today()
    if day.day <= DEADLINE_DAY:
        return []
    month = previous_month(day)
    handed = select(ArchiveReceipt.department_id).where(ArchiveReceipt.month == month)
    query = (
        select(Department)
        .where(Department.active.is_(True), Department.id.not_in(handed))
        .order_by(Department.sort_order, Department.id)
    )
    return [
        LateDepartment(d.id, d.name, d.code or "", month, _deadline(month))
        for d in session.scalars(query)
    ]


@dataclass(frozen=True)
class DepartmentRate:
    department_id: int
    department: str
    months_due: int  # months of the year whose deadline has passed
    months_on_time: int  # … handed over by the 10th
    months_handed: int  # … handed over at all
    receipts: int
    complete: int  # receipts checked 完整

    @property
    def on_time_rate(self) -> float | None:
        return self.months_on_time / self.months_due if self.months_due else None

    @property
    def completeness_rate(self) -> float | None:
        checked = self.receipts
        return self.complete / checked if checked else None


def department_rates(
    session: Session, actor: User, year: int, today: date | None = None
) -> list[DepartmentRate]:
    """Each active department's on-time rate (months handed over by the 10th of the next
    month, of the months whose deadline has passed) and completeness rate (完整 of the
    checked hand-overs) for the documents of `year` (002 L104)."""
    require_keeper(session, actor, "view", "查看各部门的归档及时率")
    day = today or date.today()
    months = [f"{year:04d}-{m:02d}" for m in range(1, 13)]
    due = [m for m in months if _deadline(m) < day]
    found = list(session.scalars(select(ArchiveReceipt).where(ArchiveReceipt.month.in_(months))))
    rates = []
    for department in session.scalars(
        select(Department)
        .where(Department.active.is_(True))
        .order_by(Department.sort_order, Department.id)
    ):
        own = [r for r in found if r.department_id == department.id]
        handed = {r.month for r in own if r.month in due}
        on_time = {r.month for r in own if r.month in due and r.received_on <= _deadline(r.month)}
        checked = [r for r in own if r.state != PENDING]
        rates.append(
            DepartmentRate(
                department_id=department.id,
                department=department.name,
                months_due=len(due),
                months_on_time=len(on_time),
                months_handed=len(handed),
                receipts=len(checked),
                complete=sum(1 for r in checked if r.state == COMPLETE),
            )
        )
    return rates
