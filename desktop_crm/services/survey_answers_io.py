"""A survey's answers to and from a spreadsheet (for answers collected in Excel).

The layout, one row per questionnaire:

    问卷号 | 答卷人类型 | 客户编号 | 答卷人 | 竞争对手 | <one column per item> | 不满意原因 | 反馈 | 回收日期

levels in Chinese (很满意 … 很不满意; 1–5 and 一般 are read too), 竞争对手 empty for a
questionnaire about us, 不满意原因 as 「项目：原因；项目：原因」. `export_answers` writes it;
the import reads the same layout back: a row with a 问卷号 corrects that questionnaire
(unchanged rows are left alone), a row without one is a new questionnaire.

The import follows the customer import's rules: every row is checked first
(`check_answers`, nothing written; the CLI's --dry-run stops there), each problem is
reported in Chinese with its row and column, and `write_answers` writes all rows in one
transaction — or, when any row was refused, nothing (unless `skip_invalid`: then only the
correct rows). A file that cannot be read is a SpreadsheetError with a plain message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_crm.models import Customer, SurveyAnswer, SurveyQuestionnaire, User

from . import access, audit, rights, satisfaction
from .customer_import import ImportCancelled, RowProblem, problem_lines
from .errors import FieldProblem, PermissionDenied, ServiceError, ValidationError
from .spreadsheet_reader import SpreadsheetError, TableSource
from .survey_answers import (
    ABOUT_ALL,
    CleanQuestionnaire,
    QuestionnaireInput,
    QuestionnaireRow,
    apply_clean,
    clean_input,
    duplicate_message,
    insert_questionnaires,
    questionnaire_rows,
    respondent_key,
    scope_condition,
    summary_of,
    unchanged,
)
from .survey_figures import STAFF
from .surveys import RUNNING, get_survey, label_of
from .text_keys import name_key, normalise_text

NUMBER, TYPE, CODE, NAME, COMPETITOR, REASONS, FEEDBACK, RETURNED = (
    "问卷号",
    "答卷人类型",
    "客户编号",
    "答卷人",
    "竞争对手",
    "不满意原因",
    "反馈",
    "回收日期",
)
LEADING = (NUMBER, TYPE, CODE, NAME, COMPETITOR)
TRAILING = (REASONS, FEEDBACK, RETURNED)
# Other headers read as the same column.
ALIASES = {
    "问卷编号": NUMBER,
    "类型": TYPE,
    "答卷人类别": TYPE,
    "客户名称": NAME,
    "客户": NAME,
    "销售人员": NAME,
    "姓名": NAME,
    "评价对象": COMPETITOR,
    "原因": REASONS,
    "意见反馈": FEEDBACK,
    "意见和建议": FEEDBACK,
}
US = "本公司"


def _key(header: str) -> str:
    return normalise_text(str(header or "")).replace(" ", "").lower().rstrip("*：:")


# ------------------------------------------------------------------ export


def headers(item_names: Iterable[str]) -> list[str]:
    return [*LEADING, *item_names, *TRAILING]


def _reasons_text(row: QuestionnaireRow, names: Mapping[int, str], item_ids: list[int]) -> str:
    return "；".join(
        f"{names[item_id]}：{row.reasons[item_id]}"
        for item_id in item_ids
        if item_id in row.reasons
    )


def export_answers(
    session: Session,
    actor: User,
    survey_id: int,
    target: str | Path | BinaryIO,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the survey's questionnaires (those within `actor`'s reach) in the import
    layout, with a level list on every item cell; returns the rows written (surveys·export,
    recorded in the audit log)."""
    rights.require(session, actor, "surveys", "export")
    survey = get_survey(session, actor, survey_id, "export")
    items = [item for item in survey.items if item.active]
    names = {item.id: item.name for item in items}
    item_ids = [item.id for item in items]
    rows = questionnaire_rows(session, actor, survey.id, ABOUT_ALL)
    rows.sort(key=lambda r: (r.competitor_id is not None, r.respondent_type, r.customer_code, r.id))

    book = Workbook(write_only=True)
    sheet = book.create_sheet(survey.number)
    titles = headers(names[i] for i in item_ids)
    widths = [8, 10, 11, 28, 14, *(max(10, len(names[i]) * 2 + 2) for i in item_ids), 30, 30, 11]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "F2"
    first_item = len(LEADING) + 1
    if item_ids:
        levels = DataValidation(
            type="list",
            formula1='"' + ",".join(satisfaction.LEVELS) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="满意程度",
            error="请选择：" + "、".join(satisfaction.LEVELS),
        )
        levels.add(
            f"{get_column_letter(first_item)}2:"
            f"{get_column_letter(first_item + len(item_ids) - 1)}{max(len(rows) + 500, 1000)}"
        )
        sheet.data_validations.append(levels)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    header_cells = []
    for title in titles:
        cell = _cell(sheet, title)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header_cells.append(cell)
    sheet.append(header_cells)
    for count, row in enumerate(rows, start=1):
        sheet.append(
            [
                row.id,
                row.respondent_type,
                row.customer_code or None,
                row.respondent_name,
                row.competitor_name or None,
                *row.level_list(item_ids),
                _reasons_text(row, names, item_ids) or None,
                row.feedback or None,
                row.returned_on,
            ]
        )
        if progress and count % 500 == 0:
            progress(count)
    for column in (len(titles),):
        sheet.column_dimensions[get_column_letter(column)].number_format = "yyyy-mm-dd"
    _save(book, target)
    name = target if isinstance(target, str | Path) else getattr(target, "name", "")
    audit.record(
        session, actor, audit.EXPORT, "survey", survey.id, label_of(survey),
        detail=f"问卷答案：{len(rows)} 份" + (f"；{Path(name).name}" if name else ""),
    )  # fmt: skip
    session.commit()
    return len(rows)


def _cell(sheet: Any, value: object) -> Any:
    from openpyxl.cell import WriteOnlyCell

    return WriteOnlyCell(sheet, value=value)


def _save(book: Workbook, target: str | Path | BinaryIO) -> None:
    """Write beside the target and rename, so a failure never leaves half a file."""
    if not isinstance(target, str | Path):
        book.save(target)  # type: ignore[arg-type]
        return
    path = Path(target)
    temporary = path.with_name(path.name + ".part")
    try:
        book.save(temporary)
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


# ------------------------------------------------------------------ import


@dataclass
class AnswerRow:
    """One checked row: the questionnaire to write (new or a correction)."""

    row: int
    questionnaire_id: int | None
    clean: CleanQuestionnaire


@dataclass
class AnswerImportPreview:
    """The checked file: rows ready to write, rows unchanged, every refused row with its
    reasons, and headers the program did not use."""

    total_rows: int = 0
    valid: list[AnswerRow] = field(default_factory=list)
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    unknown_headers: list[str] = field(default_factory=list)

    @property
    def bad_rows(self) -> set[int]:
        return {p.row for p in self.problems}

    @property
    def new_rows(self) -> int:
        return sum(1 for row in self.valid if row.questionnaire_id is None)

    @property
    def changed_rows(self) -> int:
        return sum(1 for row in self.valid if row.questionnaire_id is not None)

    def lines(self) -> list[str]:
        return problem_lines(sorted(self.problems, key=lambda p: (p.row, p.column)))


class AnswerImportRefused(ServiceError):
    """Some rows were refused and the user did not choose to skip them: nothing written."""

    def __init__(self, preview: AnswerImportPreview) -> None:
        self.preview = preview
        super().__init__(
            f"有 {len(preview.bad_rows)} 行有问题，没有导入任何数据。"
            "请改正后重新导入，或选择只导入正确的行。"
        )


@dataclass
class _Columns:
    fixed: dict[str, int]  # header name → column index
    items: dict[int, int]  # item id → column index
    names: dict[int, str]  # item id → item name


def _match_headers(source: TableSource, survey: Any) -> tuple[_Columns, list[str]]:
    known = {_key(h): h for h in (*LEADING, *TRAILING)}
    known.update({_key(alias): h for alias, h in ALIASES.items()})
    items = {_key(item.name): item for item in survey.items}
    fixed: dict[str, int] = {}
    by_item: dict[int, int] = {}
    unknown: list[str] = []
    for index, header in enumerate(source.headers):
        key = _key(header)
        item = items.get(key)
        if item is not None and item.active and item.id not in by_item:
            by_item[item.id] = index
        elif key in known and known[key] not in fixed:
            fixed[known[key]] = index
        elif item is not None and not item.active:
            unknown.append(f"{header}（该项目已停用）")
        elif header:
            unknown.append(header)
    if not by_item:
        raise SpreadsheetError(
            "表格中没有本次调查的任何项目列（表头应为调查项目名称，如「"
            + "」「".join(i.name for i in survey.items if i.active)[:60]
            + "」）。请先导出问卷答案，按导出的表头填写。"
        )
    if CODE not in fixed and NAME not in fixed:
        raise SpreadsheetError("表格中没有「客户编号」或「答卷人」列，无法知道问卷是谁填的。")
    names = {item.id: item.name for item in survey.items}
    return _Columns(fixed, by_item, names), unknown


def _column_name(source: TableSource, index: int | None) -> str:
    if index is None:
        return ""
    return f"{get_column_letter(source.first_column + index)} {source.headers[index]}"


def _text(cells: list[object], index: int | None) -> str:
    if index is None:
        return ""
    value = cells[index]
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalise_text(str(value))


class _Lookup:
    """Customers, staff, existing questionnaires and the actor's reach, looked up once per
    file (a row then needs no query of its own)."""

    def __init__(self, session: Session, actor: User, survey: Any) -> None:
        self.session = session
        self.customers_by_code: dict[str, int] = {}
        self.customers_by_name: dict[str, list[int]] = {}
        self.staff_by_name: dict[str, list[int]] = {}
        # the session's identity map holds objects weakly: keep the customers and staff
        # loaded here, so checking a row finds them without a query
        self.kept: list[object] = []
        for user in session.scalars(select(User)):
            self.kept.append(user)
            self.staff_by_name.setdefault(user.name, []).append(user.id)
            if user.login:
                self.staff_by_name.setdefault(user.login, []).append(user.id)
        self.editable = _snapshots(session, actor, survey.id)
        q = SurveyQuestionnaire
        self.existing_ids: set[int] = set()
        # (kind, respondent, competitor) → (questionnaire id, entered at)
        self.answered: dict[tuple[str, int, int | None], tuple[int, datetime]] = {}
        for qid, rtype, customer_id, staff_id, competitor_id, entered_at in session.execute(
            select(q.id, q.respondent_type, q.customer_id, q.staff_id, q.competitor_id, q.entered_at)
            .where(q.survey_id == survey.id)
        ):  # fmt: skip
            self.existing_ids.add(qid)
            key = (
                ("staff", staff_id, None)
                if rtype == STAFF
                else ("customer", customer_id, competitor_id)
            )
            self.answered[key] = (qid, entered_at)
        self.reach = {action: self._owners(actor, action) for action in ("edit", "import")}

    def _owners(self, actor: User, action: str) -> set[int] | None:
        try:
            return access.owners_in_reach(self.session, actor, "surveys", action)
        except PermissionDenied:
            return set()

    def in_reach(self, action: str, owner: int | None) -> bool:
        owners = self.reach[action]
        return owners is None or owner in owners

    def load_customers(self, codes: set[str], names: set[str]) -> None:
        chunk = 500
        ordered = sorted(codes)
        for start in range(0, len(ordered), chunk):
            for customer in self.session.scalars(
                select(Customer).where(Customer.code.in_(ordered[start : start + chunk]))
            ):
                self.kept.append(customer)
                self.customers_by_code[customer.code] = customer.id
        keys = sorted({name_key(n) for n in names if n})
        for start in range(0, len(keys), chunk):
            for customer in self.session.scalars(
                select(Customer).where(Customer.name_key.in_(keys[start : start + chunk]))
            ):
                self.kept.append(customer)
                self.customers_by_name.setdefault(customer.name_key, []).append(customer.id)


def check_answers(
    session: Session,
    actor: User,
    survey_id: int,
    source: TableSource,
    progress: Callable[[int], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> AnswerImportPreview:
    """Read and check every row; nothing is written (surveys·import; the survey must be
    进行中). Each refused row is a problem with its row and column in Chinese."""
    rights.require(session, actor, "surveys", "import")
    survey = get_survey(session, actor, survey_id, "import")
    if survey.state != RUNNING:
        raise ValidationError(
            f"调查 {survey.number} 现在是「{survey.state}」，只有「进行中」的调查可以导入问卷。",
            field="state",
        )
    columns, unknown = _match_headers(source, survey)
    preview = AnswerImportPreview(unknown_headers=unknown)
    lookup = _Lookup(session, actor, survey)
    items = {item.id: item for item in survey.items}
    competitors = {normalise_text(c.name): c.id for c in survey.competitors}
    rows = list(source.iter_rows())
    lookup.load_customers(
        {_text(cells, columns.fixed.get(CODE)).upper() for _, cells in rows} - {""},
        {
            _text(cells, columns.fixed.get(NAME))
            for _, cells in rows
            if not _text(cells, columns.fixed.get(CODE))
        }
        - {""},
    )
    seen: dict[tuple[str, int | None, int | None], int] = {}
    for count, (row_number, cells) in enumerate(rows, start=1):
        if is_cancelled and is_cancelled():
            raise ImportCancelled()
        preview.total_rows += 1
        if progress and count % 500 == 0:
            progress(count)
        problems: list[RowProblem] = []

        def refuse(
            column: int | None,
            message: str,
            row: int = row_number,
            found: list[RowProblem] = problems,
        ) -> None:
            found.append(RowProblem(row, _column_name(source, column), message))

        existing = _questionnaire_of(cells, columns, lookup, refuse)
        data = _input_of(cells, columns, items, competitors, lookup, refuse)
        if data is None or problems:
            preview.problems.extend(problems)
            continue
        field_problems: list[FieldProblem] = []
        clean = clean_input(session, survey, data, items, field_problems)
        for problem in field_problems:
            message = problem.message
            if not problem.field.startswith("reason:"):  # the column names the field
                message = message.split("：", 1)[-1]
            refuse(_field_column(problem.field, columns), message)
        if not problems:
            owner = clean.staff.id if clean.staff else clean.customer.owner_id  # type: ignore[union-attr]
            action = "edit" if existing is not None else "import"
            if not lookup.in_reach(action, owner):
                refuse(
                    columns.fixed.get(CODE, columns.fixed.get(NAME)),
                    "不归您或您的部门负责，不能导入其问卷。",
                )
        if not problems:
            key = respondent_key(clean)
            other = lookup.answered.get(key)
            if key in seen:
                refuse(None, f"与本表第 {seen[key]} 行是同一答卷人关于同一对象的问卷。")
            elif other is not None and (existing is None or other[0] != existing.id):
                seen[key] = row_number
                message = duplicate_message(survey, clean, other[1])
                refuse(None, message + "如要更正，请在「问卷号」列填写该问卷的编号。")
            else:
                seen[key] = row_number
        if problems:
            preview.problems.extend(problems)
            continue
        if existing is not None and unchanged(existing, clean):  # type: ignore[arg-type]
            preview.unchanged += 1
            continue
        preview.valid.append(AnswerRow(row_number, existing.id if existing else None, clean))
    return preview


def _field_column(field_key: str, columns: _Columns) -> int | None:
    if field_key.startswith("item:"):
        return columns.items.get(int(field_key.split(":", 1)[1]))
    if field_key.startswith("reason:"):
        return columns.fixed.get(REASONS)
    return {
        "respondent_type": columns.fixed.get(TYPE),
        "customer_id": columns.fixed.get(CODE, columns.fixed.get(NAME)),
        "staff_id": columns.fixed.get(NAME),
        "competitor_id": columns.fixed.get(COMPETITOR),
        "feedback": columns.fixed.get(FEEDBACK),
        "returned_on": columns.fixed.get(RETURNED),
    }.get(field_key)


@dataclass(frozen=True, slots=True)
class _Answer:
    item_id: int
    level: int
    reason: str | None


@dataclass
class _Snapshot:
    """An existing questionnaire as plain values (what `unchanged` compares), read for a
    whole survey in two queries instead of as 50,000 ORM objects."""

    id: int
    respondent_type: str
    customer_id: int | None
    staff_id: int | None
    competitor_id: int | None
    feedback: str | None
    returned_on: object
    answers: list[_Answer] = field(default_factory=list)


def _snapshots(session: Session, actor: User, survey_id: int) -> dict[int, _Snapshot]:
    """The survey's questionnaires `actor` may change."""
    q, a = SurveyQuestionnaire, SurveyAnswer
    reach = scope_condition(session, actor, "edit")
    conditions = [q.survey_id == survey_id] + ([reach] if reach is not None else [])
    found = {
        row[0]: _Snapshot(*row)
        for row in session.execute(
            select(q.id, q.respondent_type, q.customer_id, q.staff_id, q.competitor_id,
                   q.feedback, q.returned_on).where(*conditions)
        )
    }  # fmt: skip
    for qid, item_id, level, reason in session.execute(
        select(a.questionnaire_id, a.item_id, a.level, a.reason).where(a.survey_id == survey_id)
    ):
        snapshot = found.get(qid)
        if snapshot is not None:
            snapshot.answers.append(_Answer(item_id, level, reason))
    return found


def _questionnaire_of(
    cells: list[object], columns: _Columns, lookup: _Lookup, refuse: Callable[..., None]
) -> _Snapshot | None:
    text = _text(cells, columns.fixed.get(NUMBER))
    if not text:
        return None
    index = columns.fixed.get(NUMBER)
    if not text.isdigit():
        refuse(index, f"问卷号「{text}」应为数字；新问卷请留空。")
        return None
    number = int(text)
    if number not in lookup.existing_ids:
        refuse(index, f"本次调查没有问卷号 {number} 的问卷；新问卷请留空。")
        return None
    found = lookup.editable.get(number)
    if found is None:
        refuse(index, f"问卷 {number} 不归您或您的部门负责，不能修改。")
    return found


def _input_of(
    cells: list[object],
    columns: _Columns,
    items: Mapping[int, Any],
    competitors: Mapping[str, int],
    lookup: _Lookup,
    refuse: Callable[..., None],
) -> QuestionnaireInput | None:
    rtype = _text(cells, columns.fixed.get(TYPE)) or None
    code = _text(cells, columns.fixed.get(CODE)).upper()
    name = _text(cells, columns.fixed.get(NAME))
    customer_id = staff_id = None
    if rtype == STAFF:
        ids = lookup.staff_by_name.get(name, [])
        if not name:
            refuse(columns.fixed.get(NAME), "自评问卷须在「答卷人」列填写销售人员姓名。")
        elif not ids:
            refuse(columns.fixed.get(NAME), f"没有名为「{name}」的人员。")
        elif len(set(ids)) > 1:
            refuse(columns.fixed.get(NAME), f"有多位人员名为「{name}」，请填写登录名。")
        else:
            staff_id = ids[0]
    elif code:
        customer_id = lookup.customers_by_code.get(code)
        if customer_id is None:
            refuse(columns.fixed.get(CODE), f"没有客户编号为「{code}」的客户。")
    elif name:
        ids = lookup.customers_by_name.get(name_key(name), [])
        if not ids:
            refuse(columns.fixed.get(NAME), f"没有名为「{name}」的客户。")
        elif len(ids) > 1:
            refuse(columns.fixed.get(NAME), f"有多个客户名为「{name}」，请填写客户编号。")
        else:
            customer_id = ids[0]
    else:
        refuse(columns.fixed.get(CODE, columns.fixed.get(NAME)), "没有填写客户编号或答卷人。")
    competitor_text = _text(cells, columns.fixed.get(COMPETITOR))
    competitor_id = None
    if competitor_text and competitor_text != US:
        competitor_id = competitors.get(competitor_text)
        if competitor_id is None:
            refuse(
                columns.fixed.get(COMPETITOR),
                f"「{competitor_text}」不是本次调查的竞争对手"
                f"（{'、'.join(competitors) or '本次调查没有竞争对手'}）；关于本公司的问卷请留空。",
            )
    levels: dict[int, object] = {}
    for item_id, index in columns.items.items():
        value = cells[index]
        levels[item_id] = value.strip() if isinstance(value, str) else value
    reasons = _reasons_of(_text(cells, columns.fixed.get(REASONS)), levels, items, columns, refuse)
    raw_feedback = cells[columns.fixed[FEEDBACK]] if FEEDBACK in columns.fixed else None
    returned = cells[columns.fixed[RETURNED]] if RETURNED in columns.fixed else None
    return QuestionnaireInput(
        respondent_type=rtype,
        customer_id=customer_id,
        staff_id=staff_id,
        competitor_id=competitor_id,
        levels=levels,
        reasons=reasons,
        feedback=str(raw_feedback).strip() if raw_feedback not in (None, "") else None,
        returned_on=returned,
    )


def _reasons_of(
    text: str,
    levels: Mapping[int, object],
    items: Mapping[int, Any],
    columns: _Columns,
    refuse: Callable[..., None],
) -> dict[int, str]:
    """「项目：原因；项目：原因」; a reason without an item name belongs to the row's only
    dissatisfied item."""
    if not text:
        return {}
    by_name = {_key(item.name): item.id for item in items.values()}
    reasons: dict[int, str] = {}
    index = columns.fixed.get(REASONS)
    for part in (p.strip() for p in text.replace(";", "；").split("；")):
        if not part:
            continue
        name, sep, reason = part.replace(":", "：").partition("：")
        if sep and _key(name) in by_name:
            reasons[by_name[_key(name)]] = reason.strip()
            continue
        dissatisfied = []
        for item_id, raw in levels.items():
            try:
                level = satisfaction.parse_level(raw)
            except ValueError:
                continue
            if level in satisfaction.DISSATISFIED_LEVELS:
                dissatisfied.append(item_id)
        if len(dissatisfied) == 1 and dissatisfied[0] not in reasons:
            reasons[dissatisfied[0]] = part
        else:
            refuse(index, f"「{part[:20]}」：请写成「项目：原因」，如「交货期：到货晚」。")
    return reasons


def write_answers(
    session: Session,
    actor: User,
    survey_id: int,
    preview: AnswerImportPreview,
    skip_invalid: bool = False,
    source_name: str = "",
) -> int:
    """Write the checked rows in one transaction: new questionnaires in bulk, corrections
    one by one; without `skip_invalid` any refused row refuses the whole import
    (AnswerImportRefused, nothing written). Returns the questionnaires written."""
    rights.require(session, actor, "surveys", "import")
    survey = get_survey(session, actor, survey_id, "import")
    if preview.bad_rows and not skip_invalid:
        raise AnswerImportRefused(preview)
    if survey.state != RUNNING:
        raise ValidationError("只有「进行中」的调查可以导入问卷。", field="state")
    if not preview.valid:
        return 0
    try:
        new = [row for row in preview.valid if row.questionnaire_id is None]
        ids = insert_questionnaires(
            session,
            actor,
            survey.id,
            (
                (
                    {
                        "respondent_type": row.clean.respondent_type,
                        "customer_id": row.clean.customer.id if row.clean.customer else None,
                        "staff_id": row.clean.staff.id if row.clean.staff else None,
                        "competitor_id": row.clean.competitor_id,
                        "feedback": row.clean.feedback,
                        "returned_on": row.clean.returned_on,
                    },
                    row.clean.levels,
                    row.clean.reasons,
                )
                for row in new
            ),
        )
        note = f"从 {source_name} 导入" if source_name else "导入"
        entries = [
            audit.Entry(audit.CREATE, "survey_questionnaire", qid, label_of(survey), detail=note)
            for qid in ids
        ]
        changed = 0
        for row in preview.valid:
            if row.questionnaire_id is None:
                continue
            questionnaire = session.get(SurveyQuestionnaire, row.questionnaire_id)
            assert questionnaire is not None
            old = summary_of(session, questionnaire, survey)
            apply_clean(session, survey, questionnaire, row.clean)
            session.flush()
            entries.append(
                audit.Entry(
                    audit.EDIT,
                    "survey_questionnaire",
                    questionnaire.id,
                    label_of(survey),
                    field="问卷",
                    old=old,
                    new=summary_of(session, questionnaire, survey),
                    detail=note,
                )  # fmt: skip
            )
            changed += 1
        audit.record_many(session, actor, entries)
        audit.record(
            session, actor, audit.IMPORT, "survey", survey.id, label_of(survey),
            detail=f"{note}：新增 {len(ids)} 份问卷，更正 {changed} 份"
            + (f"，跳过 {len(preview.bad_rows)} 行" if preview.bad_rows else ""),
        )  # fmt: skip
        session.commit()
        return len(ids) + changed
    except Exception:
        session.rollback()
        raise


__all__ = [
    "AnswerImportPreview",
    "AnswerImportRefused",
    "AnswerRow",
    "check_answers",
    "export_answers",
    "headers",
    "write_answers",
]
