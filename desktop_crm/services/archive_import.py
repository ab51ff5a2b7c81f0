"""Importing an office's existing ledger (档案台账) from a spreadsheet: one 案卷 per row.

The customer import's rules (services.customer_import): the headers are matched by name in
any order, every row is checked first and each refusal is reported with its row, column and
reason in Chinese; nothing is written while a row is refused unless the importer chose to
skip the refused rows; the write is one transaction.

Values are read as an office writes them: 门类 by name (文书) or code (WS), 保管期限 as 永久 /
定期30年 / 30年 / 长期 or Y / D30, 责任部门 by name or 机构代码, dates as dates or text.

档号: a row that gives one keeps it when it follows the settings' 档号 pattern, agrees with
the row's 门类, 年度, 保管期限 and 责任部门 (blank ones are taken from it) and is free — not
held by a volume, not a former (corrected) number, not twice in the file; its number
series then runs on after it (archive_numbers.note_number_taken), so volumes filed later
never take it. A 档号 that breaks one of those rules is refused, never changed silently (a
档号 may already be on a box). A row without one gets the next 案卷号 of its series, after
the numbers the file gives.

The volumes are written in bulk as demo_archives.insert_volumes does, but not through it:
it numbers every volume itself and cannot keep a given 档号, 份数 or state.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from openpyxl.utils import get_column_letter
from sqlalchemy import insert, select, tuple_
from sqlalchemy.orm import Session

from desktop_crm.models import (
    ArchiveCategory,
    ArchiveLocation,
    ArchiveNumberChange,
    ArchivePeriod,
    ArchiveVolume,
    Customer,
    Department,
    User,
    local_now,
)

from . import archive_scope, archive_search, archive_settings, audit, rights
from .archive_numbers import (
    NumberParts,
    format_number,
    note_number_taken,
    parse_number,
    series_name,
)
from .archive_settings import CLASSIFIED, DEFAULT_SECRECY_YEARS, INTERNAL, SECRET_LEVELS
from .archives import IN_STORE, STATES, appraisal_due_on, clean_volume_values
from .customer_import import ImportCancelled, RowProblem, problem_lines
from .errors import ServiceError
from .numbering import take_numbers
from .spreadsheet_reader import SpreadsheetError, TableSource
from .text_keys import normalise_text

CHUNK = 5000

# import key -> the headers that mean it (the export's headers first)
HEADERS: dict[str, tuple[str, ...]] = {
    "number": ("档号",),
    "title": ("题名", "案卷题名"),
    "category": ("门类", "门类代码"),
    "year": ("年度",),
    "period": ("保管期限", "保管期限代码"),
    "secrecy": ("密级",),
    "department": ("责任部门", "机构代码", "机构", "部门"),
    "pages": ("页数",),
    "copies": ("份数", "件数"),
    "filed_on": ("归档日期",),
    "location": ("存放位置",),
    "state": ("状态",),
    "customer": ("关联客户", "客户名称"),
    "compiler": ("立卷人",),
    "checker": ("检查人",),
    "compiled_on": ("立卷时间",),
    "description": ("本卷情况说明", "情况说明"),
    "secrecy_until": ("保密期限至",),
    "box_no": ("盒号", "档案盒号"),
    # computed by the program: read past without a warning
    "appraisal_due_on": ("到期鉴定", "到期鉴定日期"),
}
LABELS = {key: names[0] for key, names in HEADERS.items()}
IGNORED_KEYS = ("appraisal_due_on",)
# passed to archives.clean_volume_values as they are
PLAIN_KEYS = (
    "title",
    "year",
    "secrecy",
    "pages",
    "copies",
    "filed_on",
    "compiler",
    "checker",
    "compiled_on",
    "description",
    "secrecy_until",
    "box_no",
)


def _header_key(header: str) -> str:
    return normalise_text(header).replace(" ", "").rstrip("*：:")


def match_headers(headers: Sequence[str]) -> tuple[dict[int, str], list[str]]:
    """Column index → import key for the headers the program knows; the others listed."""
    table = {_header_key(name): key for key, names in HEADERS.items() for name in names}
    mapping: dict[int, str] = {}
    unknown: list[str] = []
    for index, header in enumerate(headers):
        key = table.get(_header_key(header))
        if key and key not in mapping.values():
            mapping[index] = key
        elif header:
            unknown.append(header)
    return mapping, unknown


@dataclass
class CheckedVolume:
    """A row ready to write: the volume's columns (its 档号 when the row gave one)."""

    row: int
    values: dict[str, Any]
    parts: NumberParts | None  # the given 档号's parts; None: generate one


@dataclass
class ArchiveImportPreview:
    """The checked file: the rows ready to write, every refused row with its reasons, and
    the notes (a value that was left out without refusing the row)."""

    total_rows: int = 0
    valid: list[CheckedVolume] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    notes: list[RowProblem] = field(default_factory=list)
    unknown_headers: list[str] = field(default_factory=list)

    @property
    def bad_rows(self) -> set[int]:
        return {p.row for p in self.problems}

    def problem_lines(self) -> list[str]:
        return problem_lines(sorted(self.problems, key=lambda p: (p.row, p.column)))

    def note_lines(self) -> list[str]:
        return problem_lines(self.notes)


class ArchiveImportRefused(ServiceError):
    """Rows were refused and the importer did not choose to skip them: nothing written."""

    def __init__(self, preview: ArchiveImportPreview) -> None:
        self.preview = preview
        super().__init__(
            f"有 {len(preview.bad_rows)} 行有问题，没有导入任何数据。"
            "请改正后重新导入，或选择只导入正确的行。"
        )


class _Lookups:
    """The settings and names a file refers to, each looked up once."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.config = archive_settings.current(session)
        self.categories: dict[str, str | None] = {}
        self.periods: dict[str, tuple[str, int | None] | None] = {}
        self.departments: dict[str, int] = {}
        self.department_codes: dict[int, str] = {}
        for department in session.scalars(select(Department)):
            self.department_codes[department.id] = department.code
            self.departments[department.code.upper()] = department.id
            self.departments.setdefault(department.name, department.id)
        self.default_periods = {
            c.code: c.default_period_code for c in session.scalars(select(ArchiveCategory))
        }
        self.period_years = {p.code: p.years for p in session.scalars(select(ArchivePeriod))}
        self.locations = dict(
            session.execute(select(ArchiveLocation.label, ArchiveLocation.id)).all()
        )
        self.customers: dict[str, int | None] = {}

    def category(self, raw: object) -> str | None:
        text = normalise_text(str(raw))
        if text not in self.categories:
            found = archive_settings.find_category(self.session, text)
            self.categories[text] = found.code if found and found.active else None
        return self.categories[text]

    def period(self, raw: object) -> str | None:
        text = normalise_text(str(raw))
        if text not in self.periods:
            found = archive_settings.find_period(self.session, text)
            self.periods[text] = (found.code, found.years) if found and found.active else None
        found_period = self.periods[text]
        return found_period[0] if found_period else None

    def department(self, raw: object) -> int | None:
        text = normalise_text(str(raw))
        return self.departments.get(text.upper()) or self.departments.get(text)

    def customer(self, raw: object) -> int | None:
        name = normalise_text(str(raw))
        if name not in self.customers:
            ids = list(self.session.scalars(select(Customer.id).where(Customer.name == name)))
            self.customers[name] = ids[0] if len(ids) == 1 else None
        return self.customers[name]


def _column(source: TableSource, column_of: Mapping[str, int], key: str) -> str:
    index = column_of.get(key)
    if index is None:
        return ""
    return f"{get_column_letter(source.first_column + index)} {source.headers[index]}"


def _cell(value: object) -> object:
    """A whole number Excel stored as 12.0 is 12; text is trimmed."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return value.strip()
    return value


def check_rows(
    session: Session,
    actor: User,
    source: TableSource,
    mapping: Mapping[int, str] | None = None,
    progress: Callable[[int], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> ArchiveImportPreview:
    """Read and check every row; nothing is written. Needs the archives import right; a
    row of another department (importer with 本部门 scope) or a 机密/绝密 row of an importer
    without clearance is refused."""
    scope = rights.require(session, actor, "archives", "import")
    if mapping is None:
        mapping, _unknown = match_headers(source.headers)
    preview = ArchiveImportPreview(
        unknown_headers=[h for i, h in enumerate(source.headers) if i not in mapping and h]
    )
    if "title" not in mapping.values():
        raise SpreadsheetError(
            "表格中没有「题名」列，无法导入。请在表头中加入「题名」（以及门类、年度、保管期限、"
            "责任部门、页数、归档日期等列）。"
        )
    lookups = _Lookups(session)
    column_of = {key: index for index, key in mapping.items()}
    seen_numbers: dict[str, int] = {}
    seen_parts: dict[tuple[str, str, int, str, str, int], int] = {}
    for row_number, cells in source.iter_rows():
        if is_cancelled and is_cancelled():
            raise ImportCancelled()
        preview.total_rows += 1
        if progress and preview.total_rows % 1000 == 0:
            progress(row_number)
        raw = {key: _cell(cells[index]) for index, key in mapping.items()}
        problems: list[tuple[str, str]] = []  # (key, message)
        checked = _check_row(session, actor, scope, lookups, raw, problems, preview, row_number,
                             source, column_of)  # fmt: skip
        for key, message in problems:
            preview.problems.append(
                RowProblem(row_number, _column(source, column_of, key), message)
            )
        if problems or checked is None:
            continue
        number = checked.values.get("number")
        if number:
            assert checked.parts is not None
            parts_key = _parts_key(checked.parts)
            earlier = seen_numbers.get(number) or seen_parts.get(parts_key)
            if earlier:
                preview.problems.append(
                    RowProblem(
                        row_number,
                        _column(source, column_of, "number"),
                        f"档号「{number}」与本表第 {earlier} 行重复。",
                    )
                )
                continue
            seen_numbers[number] = seen_parts[parts_key] = row_number
        preview.valid.append(checked)
    _flag_taken_numbers(session, preview, source, column_of)
    return preview


def _parts_key(parts: NumberParts) -> tuple[str, str, int, str, str, int]:
    return (parts.fonds, parts.category, parts.year, parts.period, parts.org, parts.case_no)


def _check_row(
    session: Session,
    actor: User,
    scope: str,
    lookups: _Lookups,
    raw: dict[str, object],
    problems: list[tuple[str, str]],
    preview: ArchiveImportPreview,
    row_number: int,
    source: TableSource,
    column_of: Mapping[str, int],
) -> CheckedVolume | None:
    def given(key: str) -> bool:
        return raw.get(key) not in (None, "")

    values: dict[str, Any] = {}
    # 档号 first: its parts fill the blank 门类, 年度, 保管期限 and 责任部门
    parts: NumberParts | None = None
    if given("number"):
        number = normalise_text(str(raw["number"])).replace(" ", "")
        parts = parse_number(lookups.config.number_pattern, number)
        if parts is None:
            problems.append(
                ("number", f"档号「{number}」不符合档号格式「{lookups.config.number_pattern}」。")
            )
        else:
            values["number"] = number
            parts = NumberParts(
                parts.fonds or lookups.config.fonds_code, parts.category, parts.year,
                parts.period, parts.org, parts.case_no,
            )  # fmt: skip
    category = period = None
    department_id = None
    if given("category"):
        category = lookups.category(raw["category"])
        if category is None:
            names = "、".join(c.name for c in archive_settings.categories(session))
            problems.append(("category", f"不认识的门类「{raw['category']}」，应为：{names}。"))
    elif parts is not None:
        category = lookups.category(parts.category)
    if given("period"):
        period = lookups.period(raw["period"])
        if period is None:
            names = "、".join(p.name for p in archive_settings.periods(session))
            problems.append(("period", f"不认识的保管期限「{raw['period']}」，应为：{names}。"))
    elif parts is not None:
        period = lookups.period(parts.period)
    if given("department"):
        department_id = lookups.department(raw["department"])
        if department_id is None:
            problems.append(
                ("department", f"没有这个部门「{raw['department']}」（部门名称或机构代码）。")
            )
    elif parts is not None:
        department_id = lookups.department(parts.org)
    plain = {key: raw[key] for key in PLAIN_KEYS if key in raw}
    if "year" not in plain and parts is not None:
        plain["year"] = parts.year
    clean, field_problems = clean_volume_values(session, plain)
    problems += [(p.field, p.message.split("：", 1)[-1]) for p in field_problems]
    bad = {key for key, _message in problems}
    for key, ready in (
        ("title", clean.get("title")),
        ("category", category),
        ("year", clean.get("year")),
        ("department", department_id),
        ("pages", clean.get("pages")),
    ):
        if not ready and key not in bad:
            problems.append((key, "必须填写。"))
    if problems:
        return None
    assert category is not None and department_id is not None
    period = period or lookups.default_periods.get(category)
    if period is None:
        problems.append(("period", "请填写（保管期限表里没有这个门类的默认期限）。"))
        return None
    org = lookups.department_codes[department_id]
    year = clean["year"]
    if parts is not None:
        differs = [
            (label, mine, theirs)
            for label, mine, theirs in (
                ("门类", category, parts.category),
                ("年度", str(year), str(parts.year)),
                ("保管期限", period, parts.period),
                ("机构代码", org, parts.org),
            )
            if mine != theirs
        ]
        if differs:
            text = "；".join(f"档号中的{label}是 {theirs}，本行是 {mine}" for label, mine, theirs
                            in differs)  # fmt: skip
            problems.append(("number", f"档号与本行不一致（{text}）。"))
            return None
    level = clean.get("secrecy") or INTERNAL
    if level in CLASSIFIED and not archive_scope.cleared(actor):
        problems.append(("secrecy", f"{level}档案只有档案管理员、总经理和副总经理可以导入。"))
    if scope != rights.ALL and department_id != actor.department_id:
        problems.append(("department", "您只能导入本部门的案卷。"))
    filed_on = clean.get("filed_on") or date.today()
    if filed_on > date.today():
        problems.append(("filed_on", "不能晚于今天。"))
    until = clean.get("secrecy_until")
    if level not in SECRET_LEVELS:
        until = None
    elif until is None:
        try:
            until = filed_on.replace(year=filed_on.year + DEFAULT_SECRECY_YEARS[level])
        except ValueError:  # 29 February
            until = filed_on.replace(year=filed_on.year + DEFAULT_SECRECY_YEARS[level], day=28)
    state = IN_STORE
    if given("state"):
        state = normalise_text(str(raw["state"]))
        if state not in STATES:
            problems.append(("state", f"应为：{'、'.join(STATES)}。"))
    if problems:
        return None
    location_id = customer_id = None
    if given("location"):
        location_id = lookups.locations.get(normalise_text(str(raw["location"])))
        if location_id is None:
            preview.notes.append(
                RowProblem(row_number, _column(source, column_of, "location"),
                           f"存放位置「{raw['location']}」不在库房位置中，未填。")
            )  # fmt: skip
    if given("customer"):
        customer_id = lookups.customer(raw["customer"])
        if customer_id is None:
            preview.notes.append(
                RowProblem(row_number, _column(source, column_of, "customer"),
                           f"找不到唯一名为「{raw['customer']}」的客户，未关联。")
            )  # fmt: skip
    years = lookups.period_years[period]
    volume = {
        "number": values.get("number"),
        "fonds_code": parts.fonds if parts else lookups.config.fonds_code,
        "category_code": category,
        "year": year,
        "period_code": period,
        "retention_years": years,
        "appraisal_due_on": appraisal_due_on(year, years),
        "department_id": department_id,
        "org_code": org,
        "case_no": parts.case_no if parts else None,
        "title": clean["title"],
        "secrecy": level,
        "secrecy_years": None,
        "secrecy_until": until,
        "filed_on": filed_on,
        "pages": clean["pages"],
        "copies": clean.get("copies") or 1,
        "location_id": location_id,
        "box_no": clean.get("box_no"),
        "compiler": clean.get("compiler"),
        "checker": clean.get("checker"),
        "compiled_on": clean.get("compiled_on") or filed_on,
        "description": clean.get("description"),
        "customer_id": customer_id,
        "complaint_id": None,
        "state": state,
        "destroyed_batch": None,
        "number_printed_at": None,
    }
    return CheckedVolume(row_number, volume, parts)


def _flag_taken_numbers(
    session: Session,
    preview: ArchiveImportPreview,
    source: TableSource,
    column_of: Mapping[str, int],
) -> None:
    """Refuse the rows whose given 档号 a volume already holds (or held before a
    correction), or whose 案卷号 is already used in its series."""
    given = [item for item in preview.valid if item.parts is not None]
    if not given:
        return
    numbers = sorted({item.values["number"] for item in given})
    held: dict[str, str] = {}
    for start in range(0, len(numbers), 500):
        chunk = numbers[start : start + 500]
        for number in session.scalars(
            select(ArchiveVolume.number).where(ArchiveVolume.number.in_(chunk))
        ):
            held[number] = f"档号「{number}」已被另一案卷使用。"
        for old, new in session.execute(
            select(ArchiveNumberChange.old_number, ArchiveNumberChange.new_number).where(
                ArchiveNumberChange.old_number.in_(chunk)
            )
        ):
            held.setdefault(old, f"档号「{old}」曾用过（已更正为 {new}），不能再用。")
    series = sorted({_parts_key(item.parts)[:5] for item in given if item.parts})
    used: set[tuple[str, str, int, str, str, int]] = set()
    for start in range(0, len(series), 200):
        chunk = series[start : start + 200]
        key = tuple_(
            ArchiveVolume.fonds_code, ArchiveVolume.category_code, ArchiveVolume.year,
            ArchiveVolume.period_code, ArchiveVolume.org_code,
        )  # fmt: skip
        for row in session.execute(
            select(
                ArchiveVolume.fonds_code, ArchiveVolume.category_code, ArchiveVolume.year,
                ArchiveVolume.period_code, ArchiveVolume.org_code, ArchiveVolume.case_no,
                ArchiveVolume.number,
            ).where(key.in_(chunk))
        ):  # fmt: skip
            used.add(tuple(row[:6]))  # type: ignore[arg-type]
    kept = []
    for item in preview.valid:
        message = None
        if item.parts is not None:
            message = held.get(item.values["number"])
            if message is None and _parts_key(item.parts) in used:
                message = (
                    f"档号「{item.values['number']}」的案卷号 {item.parts.case_no} 在本系列"
                    "（同一门类、年度、保管期限、机构）中已被使用。"
                )
        if message:
            preview.problems.append(
                RowProblem(item.row, _column(source, column_of, "number"), message)
            )
        else:
            kept.append(item)
    preview.valid = kept


def write_rows(
    session: Session,
    actor: User,
    preview: ArchiveImportPreview,
    skip_invalid: bool,
    source_name: str = "",
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the checked rows in one transaction; without `skip_invalid` any refused row
    refuses the whole import. Returns the number of volumes written."""
    rights.require(session, actor, "archives", "import")
    if preview.bad_rows and not skip_invalid:
        raise ArchiveImportRefused(preview)
    if not preview.valid:
        return 0
    note = f"从 {source_name} 导入" if source_name else "导入"
    try:
        _assign_numbers(session, preview.valid)
        written = insert_checked(session, actor, preview.valid, note, progress)
        audit.record(
            session, actor, audit.IMPORT, "archive_volume", object_label="档案台账",
            detail=f"{note}：{written} 卷"
            + (f"，跳过 {len(preview.bad_rows)} 行" if preview.bad_rows else ""),
        )  # fmt: skip
        session.commit()
        return written
    except Exception:
        session.rollback()
        raise


def _series(values: Mapping[str, Any]) -> str:
    return series_name(
        values["fonds_code"], values["category_code"], values["year"], values["period_code"],
        values["org_code"],
    )  # fmt: skip


def _assign_numbers(session: Session, items: Sequence[CheckedVolume]) -> None:
    """The given 档号 move their series past them first; then the rows without one take
    the next 案卷号 of their series (a number some volume already holds is passed over)."""
    config = archive_settings.current(session)
    highest: dict[str, NumberParts] = {}
    for item in items:
        if item.parts is not None:
            name = _series(item.values)
            if name not in highest or item.parts.case_no > highest[name].case_no:
                highest[name] = item.parts
    for parts in highest.values():
        note_number_taken(session, parts)
    groups: dict[str, list[CheckedVolume]] = {}
    for item in items:
        if item.parts is None:
            groups.setdefault(_series(item.values), []).append(item)
    for name, members in groups.items():
        first = take_numbers(session, name, len(members))
        for offset, item in enumerate(members):
            _set_number(config, item, first + offset)
    # a generated 档号 a volume already holds (filed by hand past the series): take more
    fresh = [item for item in items if item.parts is None]
    for start in range(0, len(fresh), 500):
        chunk = fresh[start : start + 500]
        numbers = [item.values["number"] for item in chunk]
        held = set(
            session.scalars(select(ArchiveVolume.number).where(ArchiveVolume.number.in_(numbers)))
        )
        for item in chunk:
            while item.values["number"] in held:
                _set_number(config, item, take_numbers(session, _series(item.values)))
                held = set(
                    session.scalars(
                        select(ArchiveVolume.number).where(
                            ArchiveVolume.number == item.values["number"]
                        )
                    )
                )


def _set_number(
    config: archive_settings.ArchiveSettings, item: CheckedVolume, case_no: int
) -> None:
    v = item.values
    parts = NumberParts(v["fonds_code"], v["category_code"], v["year"], v["period_code"],
                        v["org_code"], case_no)  # fmt: skip
    v["case_no"] = case_no
    v["number"] = format_number(config.number_pattern, parts, config.case_digits)


def insert_checked(
    session: Session,
    actor: User,
    items: Sequence[CheckedVolume],
    note: str,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Bulk-insert numbered volumes with their audit entries (the caller commits)."""
    now = local_now()
    connection = session.connection()
    for start in range(0, len(items), CHUNK):
        chunk = [
            {**item.values, "created_by_id": actor.id, "created_at": now, "updated_at": now,
             "version": 1,
             **archive_search.search_columns(item.values["number"], item.values["title"])}
            for item in items[start : start + CHUNK]
        ]  # fmt: skip
        connection.execute(insert(ArchiveVolume.__table__), chunk)
        numbers = [row["number"] for row in chunk]
        found = dict(
            session.execute(
                select(ArchiveVolume.number, ArchiveVolume.id).where(
                    ArchiveVolume.number.in_(numbers)
                )
            ).all()
        )
        audit.record_many(
            session,
            actor,
            [
                audit.Entry(
                    audit.CREATE,
                    "archive_volume",
                    found[row["number"]],
                    f"{row['number']} {row['title']}",
                    detail=note,
                )
                for row in chunk
            ],  # fmt: skip
            when=now,
        )
        if progress:
            progress(start + len(chunk))
    return len(items)


__all__ = [
    "HEADERS",
    "ArchiveImportPreview",
    "ArchiveImportRefused",
    "CheckedVolume",
    "check_rows",
    "insert_checked",
    "match_headers",
    "write_rows",
]
