"""档案台账 (DOMAIN §5): filing a volume (立卷归档), correcting its fields, and opening it.

A volume is filed in one call with its documents (卷内文件目录): every field is checked
first and a refusal writes nothing (not even a 案卷号). The 档号 is generated from the
settings' pattern; the fields it is made of (门类, 年度, 保管期限, 责任部门) change only
through `archive_numbers.renumber`, with a reason. The documents of a volume are kept by
`archive_items`; later notes, moves and scans by `archive_notes` and `archive_locations`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from desktop_crm.models import (
    ArchiveItem,
    ArchiveLocation,
    ArchivePeriod,
    ArchiveVolume,
    Complaint,
    Customer,
    Department,
    User,
    local_now,
)

from . import archive_search, archive_settings, audit, rights  # noqa: F401 - its listener
from .archive_numbers import NumberParts, take_number
from .archive_scope import VIEW, get_volume, log_access, volume_label
from .archive_settings import (
    DEFAULT_SECRECY_YEARS,
    INTERNAL,
    SECRECY_LEVELS,
    SECRET_LEVELS,
    TOP_SECRET,
    secrecy_rank,
)
from .errors import Conflict, FieldProblem, NotFound, PermissionDenied, ValidationError
from .field_parsing import ParseError, parse_date
from .text_keys import normalise_text

IN_STORE, LENT, PENDING_APPRAISAL, DESTROYED, TRANSFERRED = (
    "在库",
    "借出",
    "待鉴定",
    "已销毁",
    "移出",
)
STATES = (IN_STORE, LENT, PENDING_APPRAISAL, DESTROYED, TRANSFERRED)

STALE_MESSAGE = "这个案卷刚被别人修改过。请关闭后重新打开，再继续。"
NUMBERING_FIELDS = ("category_code", "year", "period_code", "department_id")
MAX_PAGES = 100_000
MAX_BOX_NO = 99_999  # 盒号: a positive whole number

# key -> (label, kind, max length); kinds: text, long, int, date, choice ones by key
VOLUME_FIELDS: dict[str, tuple[str, str, int]] = {
    "title": ("题名", "text", 300),
    "category_code": ("门类", "category", 10),
    "year": ("年度", "year", 4),
    "period_code": ("保管期限", "period", 10),
    "department_id": ("责任部门", "department", 0),
    "secrecy": ("密级", "secrecy", 4),
    "secrecy_years": ("保密期限（年）", "int", 3),
    "secrecy_until": ("保密期限至", "date", 0),
    "filed_on": ("归档日期", "date", 0),
    "pages": ("页数", "int", 6),
    "copies": ("份数", "int", 6),
    "location_id": ("存放位置", "location", 0),
    "box_no": ("盒号", "int", 5),
    "compiler": ("立卷人", "text", 40),
    "checker": ("检查人", "text", 40),
    "compiled_on": ("立卷时间", "date", 0),
    "description": ("本卷情况说明", "long", 4000),
    "customer_id": ("关联客户", "customer", 0),
    "complaint_id": ("关联投诉", "complaint", 0),
}
REQUIRED = ("title", "category_code", "year", "department_id")

P = ParamSpec("P")
R = TypeVar("R")


def guarded(func: Callable[P, R]) -> Callable[P, R]:
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


# ------------------------------------------------------------------ parsing


def _int(raw: object, minimum: int, maximum: int) -> int | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, bool):
        raise ValueError("请填整数。")
    try:
        number = int(normalise_text(str(raw))) if not isinstance(raw, int) else raw
    except ValueError:
        raise ValueError("请填整数。") from None
    if not minimum <= number <= maximum:
        raise ValueError(f"应在 {minimum} 到 {maximum} 之间。")
    return number


def _box_no(raw: object) -> int | None:
    """盒号: blank, or a positive whole number (a 12.0 from a spreadsheet is 12)."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    try:
        return _int(raw, 1, MAX_BOX_NO)
    except ValueError:
        raise ValueError(f"请填正整数（1—{MAX_BOX_NO}），或留空。") from None


def _row_id(session: Session, model: type, raw: object) -> int | None:
    if raw in (None, ""):
        return None
    try:
        key = int(raw)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise ValueError("请从列表中选择。") from None
    if session.get(model, key) is None:
        raise ValueError("所选项已不存在。")
    return key


def _department(session: Session, raw: object) -> int | None:
    """A department by id, 机构代码 (YXB) or name (市场营销部)."""
    if raw in (None, ""):
        return None
    if isinstance(raw, int) and not isinstance(raw, bool):
        return _row_id(session, Department, raw)
    text = normalise_text(str(raw))
    found = session.scalar(
        select(Department.id).where((Department.code == text.upper()) | (Department.name == text))
    )
    if found is None:
        if text.isdigit():
            return _row_id(session, Department, text)
        raise ValueError("请从列表中选择（部门名称或机构代码）。")
    return found


def tidy(raw: object) -> str:
    """Text as typed, trimmed and with runs of spaces made one; full-width brackets and
    punctuation stay (a 题名 is printed as written)."""
    return re.sub(r"\s+", " ", str(raw)).strip() if raw is not None else ""


def _parse(session: Session, key: str, raw: object) -> object:
    label, kind, limit = VOLUME_FIELDS[key]
    if kind == "category":
        if raw in (None, ""):
            return None
        found = archive_settings.find_category(session, raw)
        if found is None:
            names = "、".join(c.name for c in archive_settings.categories(session))
            raise ValueError(f"应为：{names}。")
        return found.code
    if kind == "period":
        if raw in (None, ""):
            return None
        period = archive_settings.find_period(session, raw)
        if period is None:
            names = "、".join(p.name for p in archive_settings.periods(session))
            raise ValueError(f"应为：{names}。")
        return period.code
    if kind == "secrecy":
        if raw in (None, ""):
            return None
        level = archive_settings.find_secrecy(raw)
        if level is None:
            raise ValueError(f"应为：{'、'.join(SECRECY_LEVELS)}。")
        return level
    if kind == "year":
        return _int(raw, 1900, date.today().year + 1)
    if key == "box_no":
        return _box_no(raw)
    if kind == "int":
        return _int(raw, 1, MAX_PAGES if key in ("pages", "copies") else 100)
    if kind == "date":
        return parse_date(raw)
    if kind == "department":
        return _department(session, raw)
    if kind in ("location", "customer", "complaint"):
        model = {"location": ArchiveLocation, "customer": Customer, "complaint": Complaint}[kind]
        return _row_id(session, model, raw)
    text = tidy(raw) if kind == "text" else (str(raw).strip() if raw is not None else "")
    if len(text) > limit:
        raise ValueError(f"最多 {limit} 个字（现有 {len(text)} 个）。")
    return text or None


def clean_volume_values(
    session: Session, values: Mapping[str, object]
) -> tuple[dict[str, Any], list[FieldProblem]]:
    """Typed values and the problems, field by field; unknown keys are ignored."""
    clean: dict[str, Any] = {}
    problems: list[FieldProblem] = []
    for key, raw in values.items():
        if key not in VOLUME_FIELDS:
            continue
        try:
            clean[key] = _parse(session, key, raw)
        except (ValueError, ParseError) as error:
            problems.append(FieldProblem(key, f"{VOLUME_FIELDS[key][0]}：{error}"))
    return clean, problems


ITEM_FIELDS: dict[str, tuple[str, str, int]] = {
    "doc_number": ("文号", "text", 60),
    "author": ("责任者", "text", 100),
    "title": ("题名", "text", 300),
    "doc_date": ("日期", "date", 0),
    "pages": ("页数", "int", 0),
    "kind": ("文种", "text", 10),
    "secrecy": ("密级", "secrecy", 0),
    "remarks": ("备注", "text", 200),
}


def clean_item_values(
    values: Mapping[str, object], prefix: str = ""
) -> tuple[dict[str, Any], list[FieldProblem]]:
    """A document's typed values; field keys of the problems carry `prefix` (items.3.title)."""
    clean: dict[str, Any] = {}
    problems: list[FieldProblem] = []
    for key, raw in values.items():
        if key not in ITEM_FIELDS:
            continue
        label, kind, limit = ITEM_FIELDS[key]
        try:
            if kind == "date":
                clean[key] = parse_date(raw)
            elif kind == "int":
                clean[key] = _int(raw, 1, MAX_PAGES)
            elif kind == "secrecy":
                level = archive_settings.find_secrecy(raw)
                if raw not in (None, "") and level is None:
                    raise ValueError(f"应为：{'、'.join(SECRECY_LEVELS)}。")
                clean[key] = level
            else:
                text = tidy(raw)
                if len(text) > limit:
                    raise ValueError(f"最多 {limit} 个字（现有 {len(text)} 个）。")
                clean[key] = text or None
        except (ValueError, ParseError) as error:
            problems.append(FieldProblem(prefix + key, f"{label}：{error}"))
    if (
        "title" in values
        and not clean.get("title")
        and prefix + "title" not in {p.field for p in problems}
    ):
        problems.append(FieldProblem(prefix + "title", "题名：必须填写。"))
    return clean, problems


# ------------------------------------------------------------------ rules


def apply_period(volume: ArchiveVolume, period: ArchivePeriod) -> None:
    """The period and its due date: 1 January of the year after 年度 + its years."""
    volume.period_code = period.code
    volume.retention_years = period.years
    volume.appraisal_due_on = (
        date(volume.year + 1 + period.years, 1, 1) if period.years is not None else None
    )


def appraisal_due_on(year: int, years: int | None) -> date | None:
    return date(year + 1 + years, 1, 1) if years is not None else None


def secrecy_problems(
    level: str, item_levels: Sequence[tuple[str, str | None]], field: str = "secrecy"
) -> list[FieldProblem]:
    """The 密级 rules over a volume and its documents ((title, 密级 or None = as the volume)):
    the volume is at least as secret as its most secret document, and 绝密 documents are
    filed in volumes of their own (DOMAIN §5)."""
    problems: list[FieldProblem] = []
    effective = [(title, own or level) for title, own in item_levels]
    top = [title for title, own in effective if own == TOP_SECRET]
    others = [title for title, own in effective if own != TOP_SECRET]
    if top and (others or level != TOP_SECRET):
        mixed = "、".join(f"《{t}》" for t in others[:3]) if others else f"本卷（{level}）"
        problems.append(
            FieldProblem(
                field,
                f"密级：绝密文件须单独立卷，不能与其他密级的文件混装（{mixed}）。",
            )
        )
        return problems
    higher = [(t, own) for t, own in effective if secrecy_rank(own) > secrecy_rank(level)]
    if higher:
        title, own = max(higher, key=lambda pair: secrecy_rank(pair[1]))
        problems.append(
            FieldProblem(field, f"密级：卷内文件《{title}》是{own}，案卷密级不能低于它。")
        )
    return problems


def _secrecy_term(
    clean: dict[str, Any], level: str, filed_on: date, problems: list[FieldProblem]
) -> tuple[int | None, date | None]:
    years, until = clean.get("secrecy_years"), clean.get("secrecy_until")
    if level not in SECRET_LEVELS:
        if years or until:
            problems.append(FieldProblem("secrecy_years", f"保密期限：{level}档案不填保密期限。"))
        return None, None
    if until is not None:
        if until <= filed_on:
            problems.append(FieldProblem("secrecy_until", "保密期限至：应晚于归档日期。"))
        return years, until
    years = years or DEFAULT_SECRECY_YEARS[level]
    try:
        return years, filed_on.replace(year=filed_on.year + years)
    except ValueError:  # 29 February
        return years, filed_on.replace(year=filed_on.year + years, day=28)


def page_ranges(items: Sequence[ArchiveItem]) -> list[tuple[int, int]]:
    """页号: each document's first and last page, numbered on through the volume."""
    ranges = []
    page = 1
    for item in items:
        pages = max(item.pages or 0, 0)
        ranges.append((page, page + pages - 1) if pages else (page, page - 1))
        page += pages
    return ranges


def page_label(first: int, last: int, is_last_item: bool = False) -> str:
    """How the 卷内文件目录 writes a 页号: the first page, the range on the last document."""
    if last < first:
        return ""
    if is_last_item and last > first:
        return f"{first}-{last}"
    return str(first)


def refresh_totals(volume: ArchiveVolume) -> None:
    """卷内备考表's counts: once a volume lists documents, 页数 and 份数 are theirs."""
    if volume.items:
        volume.pages = sum(item.pages or 0 for item in volume.items)
        volume.copies = len(volume.items)


# ------------------------------------------------------------------ filing


@guarded
def file_volume(
    session: Session,
    actor: User,
    values: Mapping[str, object],
    items: Sequence[Mapping[str, object]] = (),
    commit: bool = True,
) -> ArchiveVolume:
    """立卷归档: a new volume with its documents, its 档号 generated (案卷号 without gaps).
    Defaults: 保管期限 from the 保管期限表, 密级 内部, 归档日期 today, 立卷人 the actor.
    Every problem is reported at once and nothing is written."""
    rights.require(session, actor, "archives", "create")
    clean, problems = clean_volume_values(session, values)
    for key in REQUIRED:
        if clean.get(key) in (None, "") and key not in {p.field for p in problems}:
            problems.append(FieldProblem(key, f"{VOLUME_FIELDS[key][0]}：必须填写。"))
    item_values: list[dict[str, Any]] = []
    for index, raw in enumerate(items):
        item, item_problems = clean_item_values({"title": None, **raw}, f"items.{index + 1}.")
        item_values.append(item)
        problems += item_problems
    if problems:
        raise ValidationError(problems)
    if clean.get("period_code") is None:
        default = archive_settings.default_period(session, clean["category_code"])
        if default is None:
            raise ValidationError(
                "保管期限：请选择（保管期限表里没有这个门类的默认期限）。", "period_code"
            )
        clean["period_code"] = default.code
    level = clean.get("secrecy") or INTERNAL
    filed_on = clean.get("filed_on") or date.today()
    if filed_on > date.today():
        problems.append(FieldProblem("filed_on", "归档日期：不能晚于今天。"))
    years, until = _secrecy_term(clean, level, filed_on, problems)
    problems += secrecy_problems(level, [(i["title"], i.get("secrecy")) for i in item_values])
    if not item_values and clean.get("pages") is None:
        problems.append(FieldProblem("pages", "页数：没有卷内文件目录时必须填写。"))
    if problems:
        raise ValidationError(problems)
    department = session.get(Department, clean["department_id"])
    assert department is not None
    if not _may_file_for(session, actor, department.id):
        raise PermissionDenied(f"您只能为本部门立卷，不能为「{department.name}」立卷。")
    period = session.get(ArchivePeriod, clean["period_code"])
    assert period is not None
    fonds = archive_settings.current(session).fonds_code
    parts = NumberParts(
        fonds, clean["category_code"], clean["year"], period.code, department.code, 0
    )
    case_no, number = take_number(session, parts)
    volume = ArchiveVolume(
        number=number,
        fonds_code=fonds,
        category_code=clean["category_code"],
        year=clean["year"],
        department_id=department.id,
        org_code=department.code,
        case_no=case_no,
        title=clean["title"],
        secrecy=level,
        secrecy_years=years,
        secrecy_until=until,
        filed_on=filed_on,
        pages=clean.get("pages") or 0,
        copies=clean.get("copies") or max(len(item_values), 1),
        location_id=clean.get("location_id"),
        box_no=clean.get("box_no"),
        compiler=clean.get("compiler") or actor.name[:40],
        checker=clean.get("checker"),
        compiled_on=clean.get("compiled_on") or filed_on,
        description=clean.get("description"),
        customer_id=clean.get("customer_id"),
        complaint_id=clean.get("complaint_id"),
        state=IN_STORE,
        created_by_id=actor.id,
        created_at=local_now(),
        updated_at=local_now(),
    )
    apply_period(volume, period)
    for seq, item in enumerate(item_values, start=1):
        volume.items.append(ArchiveItem(seq=seq, **{**item, "pages": item.get("pages") or 1}))
    refresh_totals(volume)
    session.add(volume)
    session.flush()
    audit.record(session, actor, audit.CREATE, "archive_volume", volume.id, volume_label(volume))
    if commit:
        session.commit()
    return volume


def _may_file_for(session: Session, actor: User, department_id: int) -> bool:
    scope = rights.scope_for(session, actor, "archives", "create")
    return scope in (rights.ALL,) or (scope is not None and actor.department_id == department_id)


@guarded
def update_volume(
    session: Session,
    actor: User,
    volume_id: int,
    values: Mapping[str, object],
    expected_version: int | None = None,
) -> ArchiveVolume:
    """Correct a volume's fields (not those its 档号 is made of: see renumber); each change
    is kept in the audit log. Nothing changed: nothing written. Commits."""
    volume = get_volume(session, actor, volume_id, "edit")
    if expected_version is not None and volume.version != expected_version:
        raise Conflict(STALE_MESSAGE)
    if volume.state == DESTROYED:
        raise ValidationError("已销毁的案卷不能修改；如有情况，请在备考表中追加说明。")
    touched = [k for k in NUMBERING_FIELDS if k in values]
    clean, problems = clean_volume_values(session, values)
    changed_numbering = [
        k
        for k in touched
        if k not in {p.field for p in problems} and clean[k] != _current(volume, k)
    ]
    if changed_numbering:
        names = "、".join(VOLUME_FIELDS[k][0] for k in changed_numbering)
        problems.append(
            FieldProblem(
                changed_numbering[0],
                f"{names}是档号的组成部分，不能直接修改；请用「更正档号」并填写原因。",
            )
        )
    for key in NUMBERING_FIELDS:
        clean.pop(key, None)
    if "title" in clean and not clean["title"] and "title" not in {p.field for p in problems}:
        problems.append(FieldProblem("title", "题名：必须填写。"))
    if problems:
        raise ValidationError(problems)
    level = clean.get("secrecy") or volume.secrecy
    if "secrecy" in clean or "secrecy_years" in clean or "secrecy_until" in clean:
        merged = {
            "secrecy_years": clean.get("secrecy_years", volume.secrecy_years),
            "secrecy_until": clean.get("secrecy_until", volume.secrecy_until),
        }
        if "secrecy_years" in clean and "secrecy_until" not in clean:
            merged["secrecy_until"] = None  # the years given anew set the end again
        if (
            clean.get("secrecy")
            and clean["secrecy"] != volume.secrecy
            and not ("secrecy_years" in clean or "secrecy_until" in clean)
        ):
            merged = {"secrecy_years": None, "secrecy_until": None}
        years, until = _secrecy_term(
            merged, level, clean.get("filed_on") or volume.filed_on, problems
        )
        clean["secrecy_years"], clean["secrecy_until"] = years, until
    problems += secrecy_problems(level, [(i.title, i.secrecy) for i in volume.items])
    if clean.get("filed_on") and clean["filed_on"] > date.today():
        problems.append(FieldProblem("filed_on", "归档日期：不能晚于今天。"))
    if volume.items:
        for key in ("pages", "copies"):
            if key in clean and clean[key] != getattr(volume, key):
                problems.append(
                    FieldProblem(key, f"{VOLUME_FIELDS[key][0]}：由卷内文件目录计算，请修改目录。")
                )
            clean.pop(key, None)
    if problems:
        raise ValidationError(problems)
    if "location_id" in clean and clean["location_id"] != volume.location_id:
        raise ValidationError("存放位置请用「移动」更改（会记录移动历史）。", "location_id")
    changes = {k: v for k, v in clean.items() if getattr(volume, k) != v}
    if not changes:
        return volume
    label = volume_label(volume)
    for key, new in changes.items():
        old = getattr(volume, key)
        audit.record(
            session, actor, audit.EDIT, "archive_volume", volume.id, label,
            field=VOLUME_FIELDS[key][0], old=_shown(old), new=_shown(new),
        )  # fmt: skip
        setattr(volume, key, new)
    volume.updated_at = local_now()
    session.commit()
    return volume


def _current(volume: ArchiveVolume, key: str) -> object:
    return getattr(volume, key)


def _shown(value: object) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


# ------------------------------------------------------------------ reading


def open_volume(session: Session, actor: User, volume_id: int) -> ArchiveVolume:
    """The volume for its screen: a 机密/绝密 or customer volume's opening is logged.
    Commits the log row."""
    volume = get_volume(session, actor, volume_id)
    if log_access(session, actor, [volume], VIEW):
        session.commit()
    return volume


def get_by_number(session: Session, actor: User, number: str) -> ArchiveVolume:
    """A volume by its 档号 (also a former one, corrected since)."""
    from desktop_crm.models import ArchiveNumberChange

    text = normalise_text(number or "").replace(" ", "")
    rights.require(session, actor, "archives", "view")
    found = session.scalar(select(ArchiveVolume.id).where(ArchiveVolume.number == text))
    if found is None:
        found = session.scalar(
            select(ArchiveNumberChange.volume_id)
            .where(ArchiveNumberChange.old_number == text)
            .order_by(ArchiveNumberChange.id.desc())
        )
    if found is None:
        raise NotFound(f"没有档号为「{number}」的案卷。")
    return get_volume(session, actor, found)


def permitted_actions(session: Session, actor: User, volume_id: int | None) -> set[str]:
    """What `actor` may do with this volume ("create" for a new one)."""
    from .archive_scope import in_reach

    if volume_id is None:
        return {"create"} if rights.may(session, actor, "archives", "create") else set()
    volume = session.get(ArchiveVolume, volume_id)
    if volume is None:
        return set()
    return {
        action
        for action in ("view", "edit", "print", "export")
        if in_reach(session, actor, volume, action)
    }
