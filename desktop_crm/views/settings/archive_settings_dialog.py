"""档案设置: 全宗号 and the 档号 pattern, the 门类 and 保管期限 with the office's 保管期限表,
the loan approval table, and the people the 总经理 / 副总经理 named for 绝密 files.

The first three pages need the settings·edit right to change (others read them). The
绝密 page follows services.archive_loans: the 总经理 and 副总经理 name in the program, the
archive keeper records their signed paper with its scan; others do not get the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop_crm.models import ArchiveVolume, User
from desktop_crm.services import (
    archive_loans,
    archive_numbers,
    archive_settings,
    archives,
    rights,
    staff,
)
from desktop_crm.services.archive_receipts import is_keeper
from desktop_crm.services.customer_fields import ROLES
from desktop_crm.services.errors import NotFound, PermissionDenied, ValidationError
from desktop_crm.services.numbering import peek_next

from ..admin.record_table import CENTER, RIGHT, cell, show_records
from ..archives.small_form import SmallForm
from ..context import AppContext
from ..field_errors import ERROR_STYLE, INVALID_STYLE, show_field_errors
from ..service_call import FAILED, run_service

ANY = "（不限）"
ANY_DEPARTMENT = "（任何部门）"
NO_RIGHT = "您没有「设置·修改」的权限，只能查看。"
READ_ONLY = "您没有「设置·修改」的权限：全宗与档号、门类与保管期限、借阅审批规则只能查看。"
READERS_WHY = (
    "绝密档案的利用人员只能由总经理或副总经理指定（档案管理员录入他们签字的纸质指定），"
    "名单也只给他们和档案管理员看，所以这里没有「绝密查阅人」一页。"
)
TEXT_KEYS = (
    archive_settings.FONDS_CODE,
    archive_settings.FONDS_NAME,
    archive_settings.NUMBER_PATTERN,
    archive_settings.CASE_DIGITS,
)


# ------------------------------------------------------------------ what the dialog shows


@dataclass(frozen=True)
class CategoryRow:
    code: str
    name: str
    period_code: str
    active: bool


@dataclass(frozen=True)
class PeriodRow:
    code: str
    name: str
    years: int | None
    active: bool


@dataclass(frozen=True)
class RuleRow:
    id: int
    values: dict
    active: bool


@dataclass(frozen=True)
class ReaderRow:
    id: int
    name: str
    unit: str | None
    id_number: str | None
    scope: str
    valid_until: date | None
    named_by: str
    named_on: date
    paper: str | None
    note: str | None
    revoked: bool


@dataclass
class Snapshot:
    config: archive_settings.ArchiveSettings
    categories: list[CategoryRow]
    periods: list[PeriodRow]
    rules: list[RuleRow]
    departments: list[tuple[str, str, bool]]  # 机构代码, name, active
    staff: list[tuple[int, str]]
    example_org: str
    editable: bool
    manager: bool
    keeper_view: bool
    keeper_edit: bool
    readers: list[ReaderRow] = field(default_factory=list)


def _load(session: Session, actor: User, include_past: bool) -> Snapshot:
    manager = actor.active and any(r in archive_loans.MANAGER_ROLES for r in actor.role_names)
    keeper_view = is_keeper(session, actor, "view")
    departments = [(d.code, d.name, d.active) for d in staff.departments(session, False)]
    own = next((d.code for d in staff.departments(session) if d.id == actor.department_id), None)
    snapshot = Snapshot(
        config=archive_settings.current(session),
        categories=[
            CategoryRow(c.code, c.name, c.default_period_code, c.active)
            for c in archive_settings.categories(session, active_only=False)
        ],
        periods=[
            PeriodRow(p.code, p.name, p.years, p.active)
            for p in archive_settings.periods(session, active_only=False)
        ],
        rules=[
            RuleRow(r.id, {k: getattr(r, k) for k in archive_loans.RULE_FIELDS}, r.active)
            for r in archive_loans.loan_rules(session)
        ],
        departments=departments,
        staff=[(u.id, u.name) for u in staff.staff_list(session)],
        example_org=own or (departments[0][0] if departments else "YXB"),
        editable=rights.may(session, actor, "settings", "edit"),
        manager=manager,
        keeper_view=keeper_view,
        keeper_edit=is_keeper(session, actor, "edit"),
    )
    session.commit()  # loan_rules gives an empty table its defaults: keep their ids
    if manager or keeper_view:
        for reader in archive_loans.secret_readers(session, actor, include_past):
            volume = session.get(ArchiveVolume, reader.volume_id) if reader.volume_id else None
            snapshot.readers.append(
                ReaderRow(
                    id=reader.id,
                    name=reader.name,
                    unit=reader.unit,
                    id_number=reader.id_number,
                    scope=f"档号 {volume.number}" if volume else "全部绝密档案",
                    valid_until=reader.valid_until,
                    named_by=reader.named_by,
                    named_on=reader.named_on,
                    paper=reader.paper_scan_name,
                    note=reader.note,
                    revoked=reader.revoked_at is not None,
                )
            )
    return snapshot


def _table(parent: QWidget, name: str, headers: list[str], stretch: int) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.setAlternatingRowColors(True)
    header = table.horizontalHeader()
    for column in range(len(headers)):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def _hint(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def _selected(table: QTableWidget) -> int | None:
    rows = table.selectionModel().selectedRows()
    return rows[0].row() if rows else None


def _years_text(years: int | None) -> str:
    return "永久" if years is None else f"{years} 年"


def _combo(
    parent: QWidget, name: str, options: list[tuple[str, object]], current=None
) -> QComboBox:  # noqa: ANN001
    combo = QComboBox(parent, objectName=name)
    for text, value in options:
        combo.addItem(text, value)
    index = combo.findData(current)
    combo.setCurrentIndex(max(index, 0))
    return combo


# ------------------------------------------------------------------ the dialog


class ArchiveSettingsDialog(QDialog):
    """Four pages: 全宗与档号, 门类与保管期限表, 借阅审批规则, 绝密查阅人."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("archiveSettingsDialog")
        self.setWindowTitle(self.tr("档案设置"))
        self._context = context
        self.data: Snapshot | None = None
        self._next_case: dict[str, int] = {}

        self.tabs = QTabWidget(self, objectName="archiveSettingsTabs")
        self.tabs.addTab(self._fonds_page(), self.tr("全宗与档号"))
        self.tabs.addTab(self._tables_page(), self.tr("门类与保管期限表"))
        self.tabs.addTab(self._rules_page(), self.tr("借阅审批规则"))
        self.readers_index = self.tabs.addTab(self._readers_page(), self.tr("绝密查阅人"))

        self.readers_note = _hint(self.tr(READERS_WHY), self)
        self.readers_note.setObjectName("readersHiddenNote")
        self.status = QLabel(self, objectName="archiveSettingsStatus")
        self.status.setWordWrap(True)
        close = QPushButton(self.tr("关闭"), self)
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.readers_note)
        layout.addLayout(bottom)
        self.resize(900, 560)
        self.reload()

    # ------------------------------------------------------------------ loading

    def reload(self) -> None:
        past = self.show_past.isChecked()
        data = run_service(self, self._context, lambda s, a: _load(s, a, past))
        if data is FAILED:
            return
        self.data = data
        self._fill_fonds(data)
        self._fill_tables(data)
        self._fill_rules(data)
        self._fill_readers(data)
        may_readers = data.manager or data.keeper_view
        self.tabs.setTabVisible(self.readers_index, may_readers)
        self.readers_note.setVisible(not may_readers)
        if not data.editable and not self.status.text():
            self.status.setText(self.tr(READ_ONLY))

    def _guard(self, button: QPushButton, allowed: bool, why: str = NO_RIGHT) -> None:
        button.setEnabled(allowed)
        button.setToolTip("" if allowed else self.tr(why))

    # ------------------------------------------------------------------ 全宗与档号

    def _fonds_page(self) -> QWidget:
        page = QWidget(self)
        self.fonds_code = QLineEdit(page, objectName="fondsCodeEdit")
        self.fonds_code.setMaxLength(20)
        self.fonds_name = QLineEdit(page, objectName="fondsNameEdit")
        self.fonds_name.setMaxLength(100)
        self.fonds_name.setPlaceholderText(self.tr("印在案卷目录封面上，例如：某某水泥有限公司"))
        self.pattern = QLineEdit(page, objectName="patternEdit")
        self.pattern.setMaxLength(100)
        self.digits = QSpinBox(page, objectName="caseDigitsSpin")
        self.digits.setRange(3, 6)
        self.example = QLabel(page, objectName="numberExample")
        self.example.setTextInteractionFlags(self.example.textInteractionFlags())
        self.text_errors: dict[str, QLabel] = {}
        form = QFormLayout()
        widgets = {
            archive_settings.FONDS_CODE: self.fonds_code,
            archive_settings.FONDS_NAME: self.fonds_name,
            archive_settings.NUMBER_PATTERN: self.pattern,
            archive_settings.CASE_DIGITS: self.digits,
        }
        self.text_widgets = widgets
        for key, widget in widgets.items():
            form.addRow(archive_settings.TEXT_LABELS[key] + "：", widget)
            error = QLabel(page, objectName=key.split(".")[1] + "_error")
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.hide()
            form.addRow("", error)
            self.text_errors[key] = error
            if key == archive_settings.NUMBER_PATTERN:
                form.addRow(self.tr("下一个档号示例："), self.example)
        self.fonds_general = QLabel(page, objectName="fondsGeneralError")
        self.fonds_general.setStyleSheet(ERROR_STYLE)
        self.fonds_general.hide()
        self.fonds_save = QPushButton(self.tr("保存"), page, objectName="fondsSaveButton")
        self.fonds_save.clicked.connect(self.save_texts)
        for edit in (self.fonds_code, self.fonds_name, self.pattern):
            edit.textEdited.connect(self._update_example)
            edit.returnPressed.connect(self.save_texts)
        self.digits.valueChanged.connect(self._update_example)
        tokens = "、".join(archive_numbers.TOKENS)
        note = _hint(
            self.tr(
                "档号格式由这些部分和任意分隔符组成：{tokens}；除全宗号外都必须出现，各出现一次。"
                "修改只影响以后新建的案卷，已有档号不变（更正档号要在案卷里填写原因）。"
            ).format(tokens=tokens),
            page,
        )
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.fonds_save)
        layout = QVBoxLayout(page)
        layout.addLayout(form)
        layout.addWidget(self.fonds_general)
        layout.addWidget(note)
        layout.addStretch(1)
        layout.addLayout(row)
        return page

    def _fill_fonds(self, data: Snapshot) -> None:
        config = data.config
        self.fonds_code.setText(config.fonds_code)
        self.fonds_name.setText(config.fonds_name)
        self.pattern.setText(config.number_pattern)
        self.digits.setValue(config.case_digits)
        for widget in (self.fonds_code, self.fonds_name, self.pattern):
            widget.setReadOnly(not data.editable)
        self.digits.setEnabled(data.editable)
        self._guard(self.fonds_save, data.editable)
        self._clear_text_errors()
        self._update_example()

    def _example_case(self, fonds: str, category: str, period: str, year: int) -> int:
        """The 案卷号 the next volume of the example series would get (read, not taken)."""
        series = archive_numbers.series_name(
            fonds, category, year, period, self.data.example_org if self.data else ""
        )
        if series not in self._next_case:
            found = run_service(self, self._context, lambda s, _a: peek_next(s, series))
            self._next_case[series] = 1 if found is FAILED else found
        return self._next_case[series]

    def _update_example(self) -> None:
        data = self.data
        if data is None:
            return
        pattern = self.pattern.text().strip()
        problem = archive_numbers.check_pattern(pattern)
        if problem:
            self.example.setText(problem)
            self.example.setStyleSheet(ERROR_STYLE)
            return
        active = [c for c in data.categories if c.active] or data.categories
        category = active[0] if active else CategoryRow("WS", "文书", "D30", True)
        year = date.today().year
        fonds = self.fonds_code.text().strip() or "Z001"
        parts = archive_numbers.NumberParts(
            fonds,
            category.code,
            year,
            category.period_code,
            data.example_org,
            self._example_case(fonds, category.code, category.period_code, year),
        )
        number = archive_numbers.format_number(pattern, parts, self.digits.value())
        self.example.setStyleSheet("")
        self.example.setText(
            self.tr("{number}（{year} 年、{category}、{period}、{org} 的下一卷）").format(
                number=number,
                year=year,
                category=category.name,
                period=next(
                    (p.name for p in data.periods if p.code == category.period_code),
                    category.period_code,
                ),
                org=data.example_org,
            )
        )

    def _clear_text_errors(self) -> None:
        for label in self.text_errors.values():
            label.hide()
        self.fonds_general.hide()
        for widget in (self.fonds_code, self.fonds_name, self.pattern):
            widget.setStyleSheet("")

    def save_texts(self) -> None:
        if self.data is None or not self.data.editable:
            return
        self._clear_text_errors()
        wanted = {
            archive_settings.FONDS_CODE: self.fonds_code.text(),
            archive_settings.FONDS_NAME: self.fonds_name.text(),
            archive_settings.NUMBER_PATTERN: self.pattern.text(),
            archive_settings.CASE_DIGITS: str(self.digits.value()),
        }
        # set_text commits key by key: the pattern is checked before anything is written,
        # and 全宗号 (the only other one the widgets cannot keep right) is written first.
        problem = archive_numbers.check_pattern(wanted[archive_settings.NUMBER_PATTERN].strip())
        if problem:
            self._show_text_error(
                ValidationError(
                    f"{archive_settings.TEXT_LABELS[archive_settings.NUMBER_PATTERN]}：{problem}",
                    field=archive_settings.NUMBER_PATTERN,
                )
            )
            return

        def write(session: Session, actor: User) -> None:
            for key in TEXT_KEYS:
                archive_settings.set_text(session, actor, key, wanted[key])

        if run_service(self, self._context, write, on_invalid=self._show_text_error) is FAILED:
            return
        self._next_case.clear()
        self.reload()
        self.status.setText(self.tr("已保存全宗与档号设置；新建的案卷按新的设置编号。"))

    def _show_text_error(self, error: ValidationError) -> None:
        for problem in error.problems:
            widget = self.text_widgets.get(problem.field)
            if isinstance(widget, QLineEdit):
                widget.setStyleSheet(INVALID_STYLE)
        show_field_errors(self, error, self.text_errors, self.fonds_general, self.text_widgets)

    # ------------------------------------------------------------------ 门类与保管期限表

    def _tables_page(self) -> QWidget:
        page = QWidget(self)
        self.category_table = _table(
            page,
            "categoryTable",
            [self.tr("代码"), self.tr("名称"), self.tr("默认保管期限"), self.tr("状态")],
            1,
        )
        self.period_table = _table(
            page,
            "periodTable",
            [self.tr("代码"), self.tr("名称"), self.tr("年限"), self.tr("状态")],
            1,
        )
        self.department_table = _table(
            page, "departmentCodeTable", [self.tr("机构代码"), self.tr("部门"), self.tr("状态")], 1
        )
        self.category_add = QPushButton(self.tr("添加门类…"), page, objectName="categoryAdd")
        self.category_edit = QPushButton(self.tr("修改…"), page, objectName="categoryEdit")
        self.period_add = QPushButton(self.tr("添加期限…"), page, objectName="periodAdd")
        self.period_edit = QPushButton(self.tr("修改…"), page, objectName="periodEdit")
        self.category_add.clicked.connect(lambda: self.edit_category(None))
        self.category_edit.clicked.connect(lambda: self.edit_category(self._category_row()))
        self.category_table.doubleClicked.connect(
            lambda _i: self.edit_category(self._category_row())
        )
        self.period_add.clicked.connect(lambda: self.edit_period(None))
        self.period_edit.clicked.connect(lambda: self.edit_period(self._period_row()))
        self.period_table.doubleClicked.connect(lambda _i: self.edit_period(self._period_row()))

        def box(title: str, table: QTableWidget, *buttons: QPushButton) -> QGroupBox:
            group = QGroupBox(title, page)
            inner = QVBoxLayout(group)
            inner.addWidget(table, 1)
            if buttons:
                row = QHBoxLayout()
                for button in buttons:
                    row.addWidget(button)
                row.addStretch(1)
                inner.addLayout(row)
            return group

        departments = box(self.tr("机构代码（责任部门）"), self.department_table)
        departments.layout().addWidget(
            _hint(
                self.tr(
                    "机构代码写进档号。部门和机构代码是建库时的默认部门，"
                    "程序里暂无修改的界面；需要增改请联系系统维护人员。"
                ),
                departments,
            )
        )
        layout = QHBoxLayout(page)
        left = QVBoxLayout()
        left.addWidget(
            box(self.tr("门类（保管期限表）"), self.category_table, self.category_add,
                self.category_edit), 3,
        )  # fmt: skip
        left.addWidget(
            _hint(
                self.tr(
                    "门类代码和期限代码写进档号，保存后不能修改；不再使用的可以停用。"
                    "新建案卷不选保管期限时，按这里的默认保管期限。"
                    "已有案卷使用的期限不能改年限（到期日按它计算），请新增一个期限。"
                ),
                page,
            )
        )
        right = QVBoxLayout()
        right.addWidget(
            box(self.tr("保管期限"), self.period_table, self.period_add, self.period_edit), 3
        )
        right.addWidget(departments, 2)
        layout.addLayout(left, 3)
        layout.addLayout(right, 2)
        return page

    def _fill_tables(self, data: Snapshot) -> None:
        names = {p.code: p.name for p in data.periods}
        keep = self._category_row()
        show_records(
            self.category_table,
            [
                (
                    row.code,
                    row.active,
                    [
                        cell(row.code),
                        cell(row.name),
                        cell(names.get(row.period_code, row.period_code)),
                        cell(self.tr("启用") if row.active else self.tr("停用"), CENTER),
                    ],
                )
                for row in data.categories
            ],
            keep.code if keep else None,
        )
        keep_period = self._period_row()
        show_records(
            self.period_table,
            [
                (
                    row.code,
                    row.active,
                    [
                        cell(row.code),
                        cell(row.name),
                        cell(_years_text(row.years), RIGHT),
                        cell(self.tr("启用") if row.active else self.tr("停用"), CENTER),
                    ],
                )
                for row in data.periods
            ],
            keep_period.code if keep_period else None,
        )
        show_records(
            self.department_table,
            [
                (code, active, [cell(code), cell(name), cell("启用" if active else "停用", CENTER)])
                for code, name, active in data.departments
            ],
        )
        for button in (self.category_add, self.category_edit, self.period_add, self.period_edit):
            self._guard(button, data.editable)

    def _category_row(self) -> CategoryRow | None:
        index = _selected(self.category_table)
        if self.data is None or index is None or index >= len(self.data.categories):
            return None
        return self.data.categories[index]

    def _period_row(self) -> PeriodRow | None:
        index = _selected(self.period_table)
        if self.data is None or index is None or index >= len(self.data.periods):
            return None
        return self.data.periods[index]

    def _code_and_name(
        self, form: SmallForm, row: CategoryRow | PeriodRow | None, prefix: str
    ) -> tuple[QLineEdit, QLineEdit]:
        """The 代码 (fixed once saved: it is in the 档号) and 名称 boxes of a form."""
        code = form.add("code", self.tr("代码："), QLineEdit(row.code if row else "", form))
        code.setObjectName(prefix + "Code")
        code.setMaxLength(10)
        if row is not None:
            code.setReadOnly(True)
            code.setToolTip(self.tr("代码写进档号，不能修改。"))
        name = form.add("name", self.tr("名称："), QLineEdit(row.name if row else "", form))
        name.setObjectName(prefix + "Name")
        return code, name

    def edit_category(self, row: CategoryRow | None) -> None:
        if self.data is None or not self.data.editable:
            return
        form = SmallForm(
            self.tr("添加门类") if row is None else self.tr("修改门类"), "categoryForm", self
        )
        code, name = self._code_and_name(form, row, "category")
        periods = [(f"{p.name}（{p.code}）", p.code) for p in self.data.periods if p.active or (
            row is not None and p.code == row.period_code)]  # fmt: skip
        period = form.add(
            "default_period_code",
            self.tr("默认保管期限："),
            _combo(form, "categoryPeriod", periods, row.period_code if row else None),
        )
        active = QCheckBox(self.tr("启用"), form, objectName="categoryActive")
        active.setChecked(row.active if row else True)
        form.add("active", "", active)
        form.finish()
        done = form.run(
            self._context,
            lambda s, a: (
                archive_settings.save_category(
                    s, a, code.text(), name.text(), period.currentData(), active.isChecked()
                ).code
            ),
        )
        form.deleteLater()
        if done:
            self.reload()
            self.status.setText(self.tr("已保存门类 {code}。").format(code=done))

    def edit_period(self, row: PeriodRow | None) -> None:
        if self.data is None or not self.data.editable:
            return
        form = SmallForm(
            self.tr("添加保管期限") if row is None else self.tr("修改保管期限"), "periodForm", self
        )
        code, name = self._code_and_name(form, row, "period")
        years = QSpinBox(form, objectName="periodYears")
        years.setRange(0, 100)
        years.setSpecialValueText(self.tr("永久"))
        years.setSuffix(self.tr(" 年"))
        years.setValue((row.years or 0) if row else 10)
        form.add("years", self.tr("年限："), years)
        active = QCheckBox(self.tr("启用"), form, objectName="periodActive")
        active.setChecked(row.active if row else True)
        form.add("active", "", active)
        form.finish()
        done = form.run(
            self._context,
            lambda s, a: (
                archive_settings.save_period(
                    s, a, code.text(), name.text(), years.value() or None, active.isChecked()
                ).code
            ),
        )
        form.deleteLater()
        if done:
            self.reload()
            self.status.setText(self.tr("已保存保管期限 {code}。").format(code=done))

    # ------------------------------------------------------------------ 借阅审批规则

    def _rules_page(self) -> QWidget:
        page = QWidget(self)
        self.rule_table = _table(
            page,
            "loanRuleTable",
            [self.tr("顺序"), self.tr("借阅人类别"), self.tr("门类"), self.tr("密级"),
             self.tr("利用方式"), self.tr("→ 审批环节"), self.tr("说明"), self.tr("状态")],
            6,
        )  # fmt: skip
        self.rule_add = QPushButton(self.tr("添加…"), page, objectName="ruleAdd")
        self.rule_edit = QPushButton(self.tr("修改…"), page, objectName="ruleEdit")
        self.rule_retire = QPushButton(self.tr("停用"), page, objectName="ruleRetire")
        self.rule_add.clicked.connect(lambda: self.edit_rule(None))
        self.rule_edit.clicked.connect(lambda: self.edit_rule(self._rule_row()))
        self.rule_table.doubleClicked.connect(lambda _i: self.edit_rule(self._rule_row()))
        self.rule_retire.clicked.connect(self.toggle_rule)
        self.rule_table.itemSelectionChanged.connect(self._rule_buttons)
        row = QHBoxLayout()
        for button in (self.rule_add, self.rule_edit, self.rule_retire):
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addWidget(
            _hint(
                self.tr(
                    "一份借阅申请符合某一行的条件（空白为不限）时，就需要这一行的审批环节；"
                    "各环节按顺序审批，两行要求同一环节时只审批一次。"
                    "「借阅人部门」指借阅的职工所在部门。绝密档案另须总经理或副总经理指定。"
                ),
                page,
            )
        )
        layout.addWidget(self.rule_table, 1)
        layout.addLayout(row)
        return page

    def _department_name(self, code: str | None) -> str:
        if not code:
            return ""
        if code == archive_loans.BORROWER_DEPARTMENT:
            return code
        names = {c: n for c, n, _ in (self.data.departments if self.data else [])}
        return names.get(code, code)

    def rule_text(self, row: RuleRow) -> str:
        """The approving step as read: 「市场营销部 部门负责人」."""
        department = self._department_name(row.values["department"])
        return f"{department} {row.values['role']}".strip()

    def _fill_rules(self, data: Snapshot) -> None:
        categories = {c.code: c.name for c in data.categories}
        keep = self._rule_row()
        show_records(
            self.rule_table,
            [
                (
                    row.id,
                    row.active,
                    [
                        cell(row.values["position"], RIGHT),
                        cell(row.values["borrower_kind"] or ANY),
                        cell(
                            categories.get(row.values["category_code"], row.values["category_code"])
                            or ANY
                        ),
                        cell(row.values["secrecy"] or ANY),
                        cell(row.values["use"] or ANY),
                        cell("→ " + self.rule_text(row)),
                        cell(row.values["note"], tooltip=row.values["note"] or ""),
                        cell(self.tr("启用") if row.active else self.tr("停用"), CENTER),
                    ],
                )
                for row in data.rules
            ],
            keep.id if keep else None,
        )
        self._guard(self.rule_add, data.editable)
        self._rule_buttons()

    def _rule_row(self) -> RuleRow | None:
        index = _selected(self.rule_table)
        if self.data is None or index is None or index >= len(self.data.rules):
            return None
        return self.data.rules[index]

    def _rule_buttons(self) -> None:
        row = self._rule_row()
        editable = bool(self.data and self.data.editable)
        self.rule_retire.setText(self.tr("启用") if row and not row.active else self.tr("停用"))
        for button in (self.rule_edit, self.rule_retire):
            self._guard(button, editable)
            button.setEnabled(editable and row is not None)

    def edit_rule(self, row: RuleRow | None) -> None:
        data = self.data
        if data is None or not data.editable:
            return
        values = row.values if row else {}
        form = SmallForm(
            self.tr("添加审批规则") if row is None else self.tr("修改审批规则"), "ruleForm", self
        )
        departments = [
            (ANY_DEPARTMENT, None),
            (archive_loans.BORROWER_DEPARTMENT, archive_loans.BORROWER_DEPARTMENT),
            *[(f"{n}（{c}）", c) for c, n, a in data.departments if a],
        ]
        # (field, label, objectName, choices, chosen): the conditions, then the step
        fields = (
            ("borrower_kind", "借阅人类别：", "ruleBorrowerKind",
             [(ANY, None), *[(k, k) for k in archive_loans.BORROWER_KINDS]], None),
            ("category_code", "门类：", "ruleCategory",
             [(ANY, None), *[(c.name, c.code) for c in data.categories]], None),
            ("secrecy", "密级：", "ruleSecrecy",
             [(ANY, None), *[(v, v) for v in archive_settings.SECRECY_LEVELS]], None),
            ("use", "利用方式：", "ruleUse", [(ANY, None), *[(u, u) for u in archive_loans.USES]],
             None),
            ("department", "审批部门：", "ruleDepartment", departments, None),
            ("role", "审批人角色：", "ruleRole", [(r, r) for r in ROLES],
             values.get("role") or "部门负责人"),
        )  # fmt: skip
        combos = {
            key: form.add(
                key, self.tr(label), _combo(form, name, choices, chosen or values.get(key))
            )
            for key, label, name, choices, chosen in fields
        }
        position = QSpinBox(form, objectName="rulePosition")
        position.setRange(0, 999)
        position.setValue(int(values.get("position") or 50))
        position.setToolTip(self.tr("数字小的先审批。"))
        form.add("position", self.tr("顺序："), position)
        note = form.add("note", self.tr("说明："), QLineEdit(values.get("note") or "", form))
        note.setObjectName("ruleNote")
        note.setMaxLength(200)
        note.setMinimumWidth(320)
        form.finish(460)

        def write(session: Session, actor: User) -> int:
            wanted = {key: combo.currentData() for key, combo in combos.items()}
            wanted |= {"position": position.value(), "note": note.text()}
            return archive_loans.save_rule(session, actor, wanted, row.id if row else None).id

        done = form.run(self._context, write)
        form.deleteLater()
        if done:
            self.reload()
            self.status.setText(self.tr("已保存审批规则。"))

    def toggle_rule(self) -> None:
        row = self._rule_row()
        if row is None or self.data is None or not self.data.editable:
            return
        wanted = dict(row.values, active=not row.active)
        done = run_service(
            self, self._context, lambda s, a: archive_loans.save_rule(s, a, wanted, row.id).id
        )
        if done is FAILED:
            return
        self.reload()
        self.status.setText(
            self.tr("已启用这条审批规则。")
            if not row.active
            else self.tr("已停用这条审批规则：以后的借阅申请不再需要这一环节。")
        )

    # ------------------------------------------------------------------ 绝密查阅人

    def _readers_page(self) -> QWidget:
        page = QWidget(self)
        self.reader_table = _table(
            page,
            "secretReaderTable",
            [self.tr("姓名"), self.tr("单位"), self.tr("范围"), self.tr("有效期至"),
             self.tr("指定人"), self.tr("指定日期"), self.tr("纸质指定"), self.tr("说明"),
             self.tr("状态")],
            7,
        )  # fmt: skip
        self.reader_name = QPushButton(self.tr("指定…"), page, objectName="readerName")
        self.reader_revoke = QPushButton(self.tr("撤销…"), page, objectName="readerRevoke")
        self.show_past = QCheckBox(self.tr("显示已撤销的"), page, objectName="readerShowPast")
        self.reader_name.clicked.connect(self.name_reader)
        self.reader_revoke.clicked.connect(self.revoke_reader)
        self.show_past.toggled.connect(lambda _on: self.reload())
        self.reader_table.itemSelectionChanged.connect(self._reader_buttons)
        self.reader_how = _hint("", page)
        self.reader_how.setObjectName("readerHow")
        row = QHBoxLayout()
        row.addWidget(self.reader_name)
        row.addWidget(self.reader_revoke)
        row.addStretch(1)
        row.addWidget(self.show_past)
        layout = QVBoxLayout(page)
        layout.addWidget(self.reader_how)
        layout.addWidget(self.reader_table, 1)
        layout.addLayout(row)
        return page

    def _fill_readers(self, data: Snapshot) -> None:
        keep = self._reader_row()
        show_records(
            self.reader_table,
            [
                (
                    r.id,
                    not r.revoked,
                    [
                        cell(r.name, tooltip=self.tr("证件号码：") + r.id_number if r.id_number
                             else ""),
                        cell(r.unit),
                        cell(r.scope),
                        cell(r.valid_until.isoformat() if r.valid_until else self.tr("长期")),
                        cell(r.named_by),
                        cell(r.named_on.isoformat()),
                        cell(r.paper or ""),
                        cell(r.note, tooltip=r.note or ""),
                        cell(self.tr("已撤销") if r.revoked else self.tr("有效"), CENTER),
                    ],
                )
                for r in data.readers
            ],
            keep.id if keep else None,
        )  # fmt: skip
        if data.manager:
            how = self.tr("您是总经理或副总经理：在这里指定的人员即以您的名义生效。")
        elif data.keeper_edit:
            how = self.tr("您是档案管理员：请按总经理或副总经理签字的纸质指定录入，并附扫描件。")
        else:
            how = self.tr("您可以查看名单；指定和撤销由总经理、副总经理或档案管理员办理。")
        self.reader_how.setText(how)
        self._guard(
            self.reader_name,
            data.manager or data.keeper_edit,
            "只有总经理、副总经理（或录入其纸质指定的档案管理员）可以指定。",
        )
        self._reader_buttons()

    def _reader_row(self) -> ReaderRow | None:
        index = _selected(self.reader_table)
        if self.data is None or index is None or index >= len(self.data.readers):
            return None
        return self.data.readers[index]

    def _reader_buttons(self) -> None:
        data = self.data
        may = bool(data and (data.manager or data.keeper_edit))
        row = self._reader_row()
        self._guard(self.reader_revoke, may, "只有总经理、副总经理或档案管理员可以撤销指定。")
        self.reader_revoke.setEnabled(may and row is not None and not row.revoked)

    def name_reader(self) -> None:
        data = self.data
        if data is None or not (data.manager or data.keeper_edit):
            return
        paper_mode = not data.manager
        form = SmallForm(self.tr("指定绝密档案利用人员"), "readerForm", self)
        staff_choice = QRadioButton(self.tr("本单位职工"), form, objectName="readerIsStaff")
        outside_choice = QRadioButton(self.tr("单位外人员"), form, objectName="readerIsOutside")
        staff_choice.setChecked(True)
        kinds = QHBoxLayout()
        kinds.addWidget(staff_choice)
        kinds.addWidget(outside_choice)
        kinds.addStretch(1)
        form.form.addRow(self.tr("人员类别："), kinds)
        person = form.add(
            "user_id",
            self.tr("职工："),
            _combo(form, "readerUser", [("", None), *[(n, i) for i, n in data.staff]]),
        )
        name = form.add("name", self.tr("姓名："), QLineEdit(form, objectName="readerNameEdit"))
        id_number = form.add(
            "id_number", self.tr("证件号码："), QLineEdit(form, objectName="readerIdNumber")
        )
        unit = form.add("unit", self.tr("单位："), QLineEdit(form, objectName="readerUnit"))

        def switch() -> None:
            outside = outside_choice.isChecked()
            person.setEnabled(not outside)
            for widget in (name, id_number, unit):
                widget.setEnabled(outside)

        staff_choice.toggled.connect(lambda _on: switch())
        switch()
        volume = form.add(
            "volume_id", self.tr("范围（档号）："), QLineEdit(form, objectName="readerVolume")
        )
        volume.setPlaceholderText(self.tr("空白：全部绝密档案；或填一个绝密案卷的档号"))
        until = form.add(
            "valid_until", self.tr("有效期至："), QLineEdit(form, objectName="readerValidUntil")
        )
        until.setPlaceholderText(self.tr("YYYY-MM-DD，空白为长期"))
        note = form.add("note", self.tr("说明："), QLineEdit(form, objectName="readerNote"))
        named_by = named_on = scan = None
        if paper_mode:
            named_by = form.add(
                "named_by", self.tr("指定人（签字）："), QLineEdit(form, objectName="readerNamedBy")
            )
            named_by.setPlaceholderText(self.tr("签字的总经理或副总经理"))
            named_on = form.add(
                "named_on", self.tr("指定日期："), QLineEdit(form, objectName="readerNamedOn")
            )
            named_on.setPlaceholderText("YYYY-MM-DD")
            scan = QLineEdit(form, objectName="readerScan")
            browse = QPushButton(self.tr("浏览…"), form)
            browse.setAutoDefault(False)
            browse.clicked.connect(lambda: self._pick_scan(scan))
            scan_row = QWidget(form)
            scan_layout = QHBoxLayout(scan_row)
            scan_layout.setContentsMargins(0, 0, 0, 0)
            scan_layout.addWidget(scan, 1)
            scan_layout.addWidget(browse)
            form.add("scan", self.tr("签字扫描件："), scan_row)
            form.fields["scan"] = scan
        form.finish(480)

        def write(session: Session, actor: User) -> str:
            values: dict[str, object] = {
                "valid_until": until.text().strip(),
                "note": note.text(),
            }
            if outside_choice.isChecked():
                values.update(name=name.text(), id_number=id_number.text(), unit=unit.text())
            elif person.currentData() is None:
                raise ValidationError("职工：请选择。", field="user_id")
            else:
                values["user_id"] = person.currentData()
            if volume.text().strip():
                try:
                    values["volume_id"] = archives.get_by_number(session, actor, volume.text()).id
                except (NotFound, PermissionDenied) as error:  # beside the field
                    raise ValidationError(error.message, "volume_id") from error
            paper = None
            if paper_mode:
                paper = {
                    "named_by": named_by.text(),
                    "named_on": named_on.text().strip(),
                    "scan_path": scan.text().strip(),
                }
            return archive_loans.name_secret_reader(session, actor, values, paper).name

        def checks() -> list[tuple[str, str]]:
            if paper_mode and not scan.text().strip():
                return [("scan", self.tr("签字扫描件：请附上总经理或副总经理签字的指定书。"))]
            return []

        done = form.run(self._context, write, checks)
        form.deleteLater()
        if done:
            self.reload()
            self.status.setText(self.tr("已指定 {name} 为绝密档案利用人员。").format(name=done))

    def _pick_scan(self, target: QLineEdit) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("选择签字扫描件"),
            "",
            self.tr("扫描件 (*.pdf *.png *.jpg *.jpeg *.tif *.tiff)"),
        )
        if path:
            target.setText(path)

    def revoke_reader(self) -> None:
        from ..messages import confirm

        row = self._reader_row()
        if row is None or row.revoked:
            return
        if not confirm(
            self,
            self.tr("撤销指定"),
            self.tr("撤销对 {name} 的绝密档案利用指定（{scope}）？").format(
                name=row.name, scope=row.scope
            ),
        ):
            return
        done = run_service(
            self,
            self._context,
            lambda s, a: archive_loans.revoke_secret_reader(s, a, row.id).name,
        )
        if done is FAILED:
            return
        self.reload()
        self.status.setText(self.tr("已撤销 {name} 的绝密档案利用指定。").format(name=done))


def open_archive_settings(context: AppContext, parent: QWidget | None = None) -> None:
    dialog = ArchiveSettingsDialog(context, parent)
    dialog.exec()
    dialog.deleteLater()
