"""Importing a customer spreadsheet: match headers, check every row, then write all or
only the valid rows in one transaction. Nothing is ever half-written."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from openpyxl.utils import get_column_letter
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from desktop_crm.models import Contact, Customer, User, local_now

from . import access, audit, rights
from .customer_fields import FIELDS, FIELDS_BY_KEY
from .customers import (
    CODE_SERIES,
    ContactInput,
    clean_values,
    format_code,
    search_columns,
)
from .errors import FieldProblem, ServiceError
from .field_parsing import ParseError, parse_date
from .numbering import take_numbers
from .spreadsheet_reader import SpreadsheetError, TableSource
from .text_keys import digits, name_key, normalise_text

CHUNK = 500

# Columns about the main contact that a customer sheet often carries.
CONTACT_COLUMNS: dict[str, tuple[str, ...]] = {
    "contact.name": ("联系人", "联系人姓名", "主要联系人"),
    "contact.title": ("职务", "联系人职务"),
    "contact.mobile": ("手机", "联系人手机", "手机号", "手机号码"),
    "contact.phone": ("座机", "联系人电话", "联系人座机"),
    "contact.email": ("邮箱", "电子邮箱", "email", "e-mail"),
    "contact.birthday": ("生日", "联系人生日"),
}
CONTACT_LABELS = {
    "contact.name": "联系人",
    "contact.title": "联系人职务",
    "contact.mobile": "联系人手机",
    "contact.phone": "联系人座机",
    "contact.email": "联系人邮箱",
    "contact.birthday": "联系人生日",
}
IGNORED = ""  # a header the user chose to leave out


def target_labels() -> dict[str, str]:
    """Every import target (field key → Chinese label), for the mapping dialog."""
    labels = {f.key: f.label for f in FIELDS}
    labels.update(CONTACT_LABELS)
    return labels


def _alias_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for f in FIELDS:
        for name in (f.label, *f.aliases):
            table[_header_key(name)] = f.key
    for key, names in CONTACT_COLUMNS.items():
        for name in names:
            table[_header_key(name)] = key
    return table


def _header_key(header: str) -> str:
    return normalise_text(header).replace(" ", "").lower().rstrip("*：:")


def match_headers(headers: Sequence[str]) -> tuple[dict[int, str], list[str]]:
    """Map column index → target for the headers the program knows; list the others."""
    table = _alias_table()
    mapping: dict[int, str] = {}
    unknown: list[str] = []
    for index, header in enumerate(headers):
        key = table.get(_header_key(header))
        if key and key not in mapping.values():
            mapping[index] = key
        elif header:
            unknown.append(header)
    return mapping, unknown


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str  # e.g. "C 统一社会信用代码"; empty when the row as a whole is refused
    message: str

    def line(self) -> str:
        where = f"第 {self.row} 行" + (f"，{self.column} 列" if self.column else "")
        return f"{where}：{self.message}"


@dataclass
class ImportPreview:
    """The checked file: rows ready to write and every refused row with its reasons."""

    total_rows: int = 0
    valid: list[tuple[int, dict[str, Any], ContactInput | None]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    collisions: list[RowProblem] = field(default_factory=list)
    unknown_headers: list[str] = field(default_factory=list)

    @property
    def bad_rows(self) -> set[int]:
        return {p.row for p in self.problems} | {p.row for p in self.collisions}

    @property
    def all_problems(self) -> list[RowProblem]:
        return sorted(self.problems + self.collisions, key=lambda p: (p.row, p.column))


OWNER_OUT_OF_REACH = "客户经理：只能导入您本人（或本部门）负责的客户。"


class ImportCancelled(ServiceError):
    def __init__(self) -> None:
        super().__init__("导入已取消，没有写入任何数据。")


class ImportRefused(ServiceError):
    """The import would write rows the user has not accepted: nothing was written."""

    def __init__(self, preview: ImportPreview) -> None:
        self.preview = preview
        super().__init__(
            f"有 {len(preview.bad_rows)} 行有问题，没有导入任何数据。"
            "请改正后重新导入，或选择只导入正确的行。"
        )


def _column_name(source: TableSource, index: int) -> str:
    return f"{get_column_letter(source.first_column + index)} {source.headers[index]}"


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a big file builds many small objects
    (its repeated full scans cost seconds at 100,000 rows); reference counting still frees."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def check_rows(
    session: Session,
    actor: User,
    source: TableSource,
    mapping: Mapping[int, str],
    progress: Callable[[int], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> ImportPreview:
    """Read and check every row; nothing is written. Needs the import right; a row whose
    客户经理 is outside the importer's reach is a problem of that row."""
    reach = access.owners_in_reach(session, actor, "customers", "import")
    with _collector_paused():
        return _check_rows(session, actor, reach, source, mapping, progress, is_cancelled)


def _check_rows(
    session: Session,
    actor: User,
    reach: set[int] | None,
    source: TableSource,
    mapping: Mapping[int, str],
    progress: Callable[[int], None] | None,
    is_cancelled: Callable[[], bool] | None,
) -> ImportPreview:
    preview = ImportPreview(
        unknown_headers=[h for i, h in enumerate(source.headers) if i not in mapping and h]
    )
    if "name" not in mapping.values():
        raise SpreadsheetError(
            "表格中没有「客户名称」列，无法导入。请在表头中加入「客户名称」，或在对应关系中指定。"
        )
    staff_by_name: dict[str, int] = {}
    for user_id, name, login in session.execute(
        select(User.id, User.name, User.login).order_by(User.id.desc())
    ):
        staff_by_name[name] = user_id
        if login:
            staff_by_name[login] = user_id
    choice_cache: dict[str, list[str]] = {}
    column_of = {key: index for index, key in mapping.items()}
    seen: dict[tuple[str, str], int] = {}
    for row_number, cells in source.iter_rows():
        if is_cancelled and is_cancelled():
            raise ImportCancelled()
        preview.total_rows += 1
        if progress and preview.total_rows % 1000 == 0:
            progress(row_number)
        values = {
            key: cells[index] for index, key in mapping.items() if not key.startswith("contact.")
        }
        clean, problems = clean_values(session, values, staff_by_name, choice_cache)
        if not clean.get("name") and not any(p.field == "name" for p in problems):
            problems.insert(0, FieldProblem("name", "客户名称：必须填写。"))
        if reach is not None and (clean.get("owner_id") or actor.id) not in reach:
            problems.append(FieldProblem("owner_id", OWNER_OUT_OF_REACH))
        contact, contact_problem = _contact_from(cells, mapping)
        for problem in problems:
            index = column_of.get(problem.field)
            column = _column_name(source, index) if index is not None else ""
            preview.problems.append(
                RowProblem(row_number, column, problem.message.split("：", 1)[-1])
            )
        if contact_problem:
            preview.problems.append(
                RowProblem(
                    row_number,
                    _column_name(source, column_of[contact_problem[0]]),
                    contact_problem[1],
                )
            )
        if problems or contact_problem:
            continue
        duplicate = _duplicate_in_file(clean, row_number, seen)
        if duplicate:
            preview.collisions.append(RowProblem(row_number, "", duplicate))
            continue
        preview.valid.append((row_number, clean, contact))
    _flag_existing(session, preview)
    return preview


def _contact_from(
    cells: list[object], mapping: Mapping[int, str]
) -> tuple[ContactInput | None, tuple[str, str] | None]:
    data: dict[str, Any] = {}
    for index, key in mapping.items():
        if key.startswith("contact.") and cells[index] not in (None, ""):
            data[key.removeprefix("contact.")] = cells[index]
    if not data.get("name"):
        return None, None
    try:
        birthday = parse_date(data.get("birthday"))
    except ParseError as error:
        return None, ("contact.birthday", str(error))
    text = {k: normalise_text(str(v)) for k, v in data.items() if k != "birthday"}
    for key, value in text.items():
        if len(value) > 120:
            return None, (f"contact.{key}", "内容太长（最多 120 个字）。")
    if text.get("mobile") and not 7 <= len(digits(text["mobile"])) <= 15:
        return None, ("contact.mobile", f"手机号「{text['mobile']}」位数不对。")
    return ContactInput(
        name=text["name"],
        title=text.get("title"),
        mobile=text.get("mobile"),
        phone=text.get("phone"),
        email=text.get("email"),
        birthday=birthday,
        is_primary=True,
    ), None


def _identity_keys(clean: Mapping[str, Any]) -> list[tuple[str, str]]:
    keys = [("name", name_key(clean["name"]))]
    if clean.get("credit_code"):
        keys.append(("credit_code", clean["credit_code"]))
    phone = digits(clean.get("phone"))
    if len(phone) >= 7:
        keys.append(("phone", phone))
    return keys


_KEY_LABEL = {"name": "名称", "credit_code": "统一社会信用代码", "phone": "电话"}


def _duplicate_in_file(
    clean: Mapping[str, Any], row: int, seen: dict[tuple[str, str], int]
) -> str | None:
    keys = _identity_keys(clean)
    for key in keys:
        if key in seen:
            return f"与本表第 {seen[key]} 行{_KEY_LABEL[key[0]]}相同（客户冲撞）。"
    for key in keys:
        seen[key] = row
    return None


def _flag_existing(session: Session, preview: ImportPreview) -> None:
    """Move rows that collide with customers already in the store to `collisions`."""
    wanted: dict[str, set[str]] = {"name": set(), "credit_code": set(), "phone": set()}
    for _, clean, _ in preview.valid:
        for kind, value in _identity_keys(clean):
            wanted[kind].add(value)
    columns = {
        "name": Customer.name_key,
        "credit_code": Customer.credit_code,
        "phone": Customer.phone_digits,
    }
    existing: dict[tuple[str, str], tuple[str, str, str | None, datetime]] = {}
    for kind, values in wanted.items():
        ordered = sorted(values)
        for start in range(0, len(ordered), CHUNK):
            chunk = ordered[start : start + CHUNK]
            rows = session.execute(
                select(
                    columns[kind], Customer.code, Customer.name, User.name, Customer.registered_at
                )
                .outerjoin(User, User.id == Customer.owner_id)
                .where(columns[kind].in_(chunk))
            )
            for value, code, name, owner, registered in rows:
                existing.setdefault((kind, value), (code, name, owner, registered))
    if not existing:
        return
    kept = []
    for item in preview.valid:
        row, clean, _ = item
        hit = next(((k, existing[k]) for k in _identity_keys(clean) if k in existing), None)
        if hit is None:
            kept.append(item)
            continue
        (kind, _), (code, name, owner, registered) = hit
        preview.collisions.append(
            RowProblem(
                row,
                "",
                f"{_KEY_LABEL[kind]}与已有客户 {code} {name} 相同（客户经理 {owner or '无'}，"
                f"登记于 {registered:%Y-%m-%d}），未导入。",
            )
        )
    preview.valid = kept


def write_rows(
    session: Session,
    actor: User,
    preview: ImportPreview,
    skip_invalid: bool,
    source_name: str = "",
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the checked rows in one transaction; without `skip_invalid` any bad row
    refuses the whole import. Returns the number of customers written."""
    rights.require(session, actor, "customers", "import")
    if preview.bad_rows and not skip_invalid:
        raise ImportRefused(preview)
    if not preview.valid:
        return 0
    try:
        note = f"从 {source_name} 导入" if source_name else "导入"
        with _collector_paused():
            written = insert_customers(session, actor, preview.valid, note, progress)
        audit.record(
            session,
            actor,
            audit.IMPORT,
            "customer_list",
            object_label="客户名册",
            detail=f"{note}：{written} 个客户"
            + (f"，跳过 {len(preview.bad_rows)} 行" if preview.bad_rows else ""),
        )
        session.commit()
        return written
    except Exception:
        session.rollback()
        raise


def insert_customers(
    session: Session,
    actor: User,
    rows: Sequence[tuple[int, dict[str, Any], ContactInput | None]],
    note: str,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Bulk-insert checked customers (with one contact each) and their 登记 history rows.

    The caller commits; used by import and by demo data.
    """
    first = take_numbers(session, CODE_SERIES, len(rows))
    now = local_now()
    with _search_index_deferred(session, len(rows)):
        _insert_chunks(session, actor, rows, note, progress, first, now)
    return len(rows)


# Above this many rows the full-text index is filled once at the end instead of row by row
# (twice as fast at a million rows: 20,000 rows took 3.5 s instead of 6.8 s).
DEFER_SEARCH_INDEX_ROWS = 1000
SEARCH_INDEX_TRIGGER = "customer_search_ai"
SEARCH_INDEX_TABLES = {"customer_fts_hanzi": "search_hanzi", "customer_fts_keys": "search_keys"}


@contextmanager
def _search_index_deferred(session: Session, count: int) -> Iterator[None]:
    """On SQLite, drop the insert trigger for the batch and index the new rows in one go.

    It all happens in the caller's transaction: DDL is transactional in SQLite, so a
    rolled-back import brings the trigger back with everything else.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite" or count < DEFER_SEARCH_INDEX_ROWS:
        yield
        return
    trigger_sql = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (SEARCH_INDEX_TRIGGER,)
    ).scalar()
    if trigger_sql is None:  # already deferred or missing: index row by row as before
        yield
        return
    first_new_id = (connection.exec_driver_sql("SELECT max(id) FROM customer").scalar() or 0) + 1
    connection.exec_driver_sql(f"DROP TRIGGER {SEARCH_INDEX_TRIGGER}")
    yield
    for table, column in SEARCH_INDEX_TABLES.items():
        connection.exec_driver_sql(
            f"INSERT INTO {table}(rowid, {column}) SELECT id, {column} FROM customer WHERE id >= ?",
            (first_new_id,),
        )
    connection.exec_driver_sql(trigger_sql)


def _insert_chunks(
    session: Session,
    actor: User,
    rows: Sequence[tuple[int, dict[str, Any], ContactInput | None]],
    note: str,
    progress: Callable[[int], None] | None,
    first: int,
    now: datetime,
) -> None:
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        records = []
        for offset, (_, clean, contact) in enumerate(chunk):
            record = dict(clean)
            record.update(
                code=format_code(first + start + offset),
                registered_at=now,
                registered_by_id=actor.id,
                updated_at=now,
                version=1,
                owner_id=clean.get("owner_id") or actor.id,
                status=clean.get("status") or "潜在客户",
                is_key=bool(clean.get("is_key")),
                key_customer=bool(clean.get("is_key")),
            )
            record.update(search_columns(record, [contact] if contact else []))
            records.append(record)
        # Plain executemany is several times faster than INSERT … RETURNING on SQLite.
        connection = session.connection()
        connection.execute(insert(Customer.__table__), records)
        codes = [r["code"] for r in records]
        id_by_code = dict(
            connection.execute(
                select(Customer.code, Customer.id).where(Customer.code.in_(codes))
            ).all()
        )
        ids = [id_by_code[code] for code in codes]
        contacts = [
            {
                "customer_id": cid,
                "name": c.name,
                "title": c.title,
                "mobile": c.mobile,
                "phone": c.phone,
                "email": c.email,
                "birthday": c.birthday,
                "is_primary": True,
                "is_emergency": False,
                "sort_order": 0,
            }
            for cid, (_, _, c) in zip(ids, chunk, strict=True)
            if c is not None
        ]
        if contacts:
            connection.execute(insert(Contact.__table__), contacts)
        audit.record_many(
            session,
            actor,
            [
                audit.Entry(
                    audit.CREATE,
                    "customer",
                    cid,
                    audit.customer_label(rec["code"], rec["name"]),
                    "登记",
                    None,
                    f"{rec['code']} {rec['name']}（{note}）",
                )
                for cid, rec in zip(ids, records, strict=True)
            ],
            when=now,
        )
        if progress:
            progress(start + len(chunk))


def problem_lines(problems: Iterable[RowProblem]) -> list[str]:
    return [p.line() for p in problems]


def field_label(key: str) -> str:
    return FIELDS_BY_KEY[key].label if key in FIELDS_BY_KEY else CONTACT_LABELS.get(key, key)
