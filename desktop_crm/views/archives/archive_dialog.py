"""One 案卷 (DOMAIN §5): 基本信息 with the 档号 (changed only with a reason), the 卷内文件目录
typed like a register, the 卷内备考表 with its appended notes, scans, the 存放位置 with its
moves, and the 档号更正记录.

Opening a volume goes through `archives.open_volume`, which writes the access log for a
机密/绝密 or customer volume. The dialog holds plain values only; each store access is one
short session (run_service).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop_crm import documents
from desktop_crm.models import (
    ArchiveLocation,
    ArchiveVolume,
    Complaint,
    Customer,
    User,
)
from desktop_crm.services import (
    archive_items,
    archive_locations,
    archive_numbers,
    archive_settings,
    archives,
    staff,
)
from desktop_crm.services.archive_scope import get_volume
from desktop_crm.services.errors import FieldProblem, ValidationError
from desktop_crm.services.field_parsing import ParseError, parse_date

from ..context import AppContext
from ..customers.card_widgets import list_table, plain_button, read_only_item
from ..field_errors import ERROR_STYLE, FieldEditor
from ..messages import confirm
from ..pdf_preview import preview_form
from ..service_call import FAILED, run_service
from ..widgets import OptionalDateEdit
from .item_grid import ItemGrid
from .small_form import SmallForm

BASIC_LEFT = ("category_code", "year", "period_code", "department_id", "secrecy",
              "secrecy_years", "secrecy_until")  # fmt: skip
BASIC_RIGHT = ("filed_on", "pages", "copies", "location_id", "box_no", "customer_id",
               "complaint_id")  # fmt: skip
REMARK_FIELDS = ("description", "compiler", "checker", "compiled_on")
NUMBER_PARTS = archives.NUMBERING_FIELDS
SHOWN_ONLY = ("customer_id", "complaint_id")  # linked from the card / the complaint
BY_DEFAULT = "（按保管期限表）"
# documents functions the forms helper provides: (function name, button text, object name)
PRINT_FORMS = (
    (
        "archive_items_pdf",
        "archive_items_xlsx",
        "打印卷内文件目录…",
        "archivePrintItems",
        "卷内文件目录",
    ),
    (
        "archive_remarks_pdf",
        "archive_remarks_xlsx",
        "打印备考表…",
        "archivePrintRemarks",
        "卷内备考表",
    ),
    ("archive_volume_labels_pdf", None, "打印标签…", "archivePrintVolumeLabels", "档案标签"),
)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@dataclass
class StoredVolume:
    """A volume as read from the store, in plain values."""

    id: int
    number: str
    state: str
    version: int
    values: dict[str, object]
    permitted: frozenset[str]
    catalogue: list[dict[str, object]]
    location_label: str
    customer_label: str
    complaint_label: str
    destroyed_batch: str | None
    notes: list[tuple[str, ...]] = field(default_factory=list)
    scans: list[tuple[int, str, str, str, str]] = field(default_factory=list)
    moves: list[tuple[str, ...]] = field(default_factory=list)
    changes: list[tuple[str, ...]] = field(default_factory=list)


def _when(value: object) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value is not None else ""


def read_volume(session: Session, actor: User, volume_id: int, opening: bool) -> StoredVolume:
    """Everything the dialog shows; `opening` goes through open_volume (logged)."""
    volume: ArchiveVolume = (
        archives.open_volume(session, actor, volume_id)
        if opening
        else get_volume(session, actor, volume_id)
    )
    names = {u.id: u.name for u in staff.staff_list(session, active_only=False)}
    customer = session.get(Customer, volume.customer_id) if volume.customer_id else None
    complaint = session.get(Complaint, volume.complaint_id) if volume.complaint_id else None
    items = {item.id: item.seq for item in volume.items}
    return StoredVolume(
        id=volume.id,
        number=volume.number,
        state=volume.state,
        version=volume.version,
        values={key: getattr(volume, key) for key in archives.VOLUME_FIELDS},
        permitted=frozenset(archives.permitted_actions(session, actor, volume.id)),
        catalogue=archive_items.catalogue(volume),
        location_label=volume.location.label if volume.location else "",
        customer_label=f"{customer.code}  {customer.name}" if customer else "",
        complaint_label=complaint.number if complaint else "",
        destroyed_batch=volume.destroyed_batch,
        notes=[
            (_when(n.at), n.kind, n.text, n.user_name)
            for n in archive_items.notes(session, actor, volume.id)
        ],
        scans=[
            (
                s.id,
                s.filename,
                f"{s.size / 1024:,.0f} KB",
                f"第 {items[s.item_id]} 件" if s.item_id in items else "整卷",
                _when(s.added_at),
            )
            for s in archive_items.scans(session, actor, volume.id)
        ],
        moves=[
            (
                _when(m.at),
                m.from_label or "（无）",
                m.to_label or "（无）",
                m.reason or "",
                names.get(m.user_id or 0, ""),
            )
            for m in archive_locations.moves(session, actor, volume.id)
        ],  # fmt: skip
        changes=[
            (_when(c.at), c.old_number, c.new_number, c.reason, names.get(c.user_id or 0, ""))
            for c in archive_numbers.number_changes(session, actor, volume.id)
        ],
    )


@dataclass
class Choices:
    categories: list[tuple[str, str]]
    periods: list[tuple[str, str]]
    departments: list[tuple[str, int]]
    places: list[tuple[str, int]]
    actor_name: str
    actor_department: int | None


def read_choices(session: Session, actor: User) -> Choices:
    return Choices(
        categories=[
            (f"{c.name}（{c.code}）", c.code) for c in archive_settings.categories(session)
        ],
        periods=[(p.name, p.code) for p in archive_settings.periods(session)],
        departments=[
            (f"{d.name}（{d.code}）" if d.code else d.name, d.id)
            for d in staff.departments(session)
        ],
        places=[(n.label, n.id) for n in archive_locations.tree(session, actor, active_only=True)],
        actor_name=actor.name,
        actor_department=actor.department_id,
    )


def year_suggestion(rows: list[dict[str, str]]) -> tuple[int, str] | None:
    """The 年度 the documents suggest (archive_numbers.suggest_year): a 请示 with its 批复
    goes by the reply's year, a 规划 by its first, a 总结 by its last, others by their date."""
    dated = []
    for row in rows:
        try:
            day = parse_date(row.get("doc_date") or None)
        except ParseError:
            day = None
        if day is not None:
            dated.append(((row.get("kind") or "").strip(), day))
    if not dated:
        return None
    kinds = {kind for kind, _day in dated}
    replies = [day for kind, day in dated if kind == archive_numbers.REPLY]
    if archive_numbers.REQUEST in kinds:
        request = min(day for kind, day in dated if kind == archive_numbers.REQUEST)
        year = archive_numbers.suggest_year(
            archive_numbers.REQUEST, request, replied_on=max(replies) if replies else None
        )
        why = "请示按批复的年度" if replies else "请示未获批复，按请示的年度"
    elif archive_numbers.PLAN in kinds:
        days = [day for kind, day in dated if kind == archive_numbers.PLAN]
        year = archive_numbers.suggest_year(archive_numbers.PLAN, None, period_from=min(days))
        why = "规划按其第一年"
    elif archive_numbers.SUMMARY in kinds:
        days = [day for kind, day in dated if kind == archive_numbers.SUMMARY]
        year = archive_numbers.suggest_year(archive_numbers.SUMMARY, None, period_to=max(days))
        why = "总结按其最后一年"
    elif archive_numbers.MEETING in kinds:
        days = [day for kind, day in dated if kind == archive_numbers.MEETING]
        year = archive_numbers.suggest_year(archive_numbers.MEETING, None, opened_on=min(days))
        why = "会议文件按开会的年度"
    else:
        years = {day.year for _kind, day in dated}
        if len(years) != 1:
            return None
        year = archive_numbers.suggest_year(None, dated[0][1])
        why = "按文件日期"
    return (year, why) if year is not None else None


class ArchiveDialog(QDialog):
    """The 案卷 dialog; volume_id None: a new volume (customer_id: linked to it)."""

    sig_saved = Signal()

    def __init__(
        self,
        context: AppContext,
        volume_id: int | None = None,
        parent: QWidget | None = None,
        customer_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("archiveDialog")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.context = context
        self.volume_id = volume_id
        self.stored: StoredVolume | None = None
        self.editors: dict[str, FieldEditor] = {}
        self.failed = False
        self.read_only = False
        self._customer_id = customer_id
        self._saved_snapshot: object = None
        choices = run_service(self, context, read_choices)
        self.choices = choices if choices is not FAILED else Choices([], [], [], [], "", None)
        self._build()
        if volume_id is None:
            self._fill_new()
        elif not self.reload(opening=True):
            self.failed = True
        self.resize(1100, 720)

    # ================================================================= building

    def _build(self) -> None:
        self.number_edit = QLineEdit(self, objectName="archiveNumber")
        self.number_edit.setReadOnly(True)
        self.number_edit.setPlaceholderText(self.tr("保存后按档号规则生成"))
        font = self.number_edit.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.number_edit.setFont(font)
        self.state_label = QLabel(self, objectName="archiveState")
        self.correct_button = plain_button(self, self.tr("更正档号…"), "archiveCorrectNumber")
        self.correct_button.clicked.connect(self.correct_number)
        self.renumber_button = plain_button(self, self.tr("重新编号…"), "archiveRenumber")
        self.renumber_button.clicked.connect(self.renumber)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("档号")))
        top.addWidget(self.number_edit, 1)
        top.addWidget(self.correct_button)
        top.addWidget(self.renumber_button)
        top.addWidget(self.state_label)

        self.general_error = QLabel(self, objectName="archiveErrors")
        self.general_error.setStyleSheet(
            ERROR_STYLE + " background: #fdedec; border: 1px solid #f5b7b1; padding: 4px;"
        )
        self.general_error.setWordWrap(True)
        self.general_error.hide()

        self.tabs = QTabWidget(self, objectName="archiveTabs")
        self.tabs.addTab(self._basics_tab(), self.tr("基本信息"))
        self.grid = ItemGrid(self.context, self)
        self.grid.sig_rows_changed.connect(self._rows_changed)
        self.grid.sig_written.connect(self._grid_written)
        self.items_index = self.tabs.addTab(self.grid, self.tr("卷内文件目录"))
        self.tabs.addTab(self._remarks_tab(), self.tr("卷内备考表"))
        self.scans_index = self.tabs.addTab(self._scans_tab(), self.tr("扫描件"))
        self.place_index = self.tabs.addTab(self._place_tab(), self.tr("存放位置"))
        self.changes_index = self.tabs.addTab(self._changes_tab(), self.tr("档号更正记录"))

        self.status_label = QLabel(self, objectName="archiveStatus")
        self.status_label.setWordWrap(True)
        self.print_buttons: list[QPushButton] = []
        for pdf_name, xlsx_name, text, name, title in PRINT_FORMS:
            button = plain_button(self, self.tr(text), name)
            button.clicked.connect(
                lambda _c=False, p=pdf_name, x=xlsx_name, t=title: self.print_form(p, x, t)
            )
            self.print_buttons.append(button)
        self.save_button = plain_button(self, self.tr("保存"), "archiveSave")
        self.save_button.setToolTip(self.tr("保存案卷 (Ctrl+S)"))
        self.save_button.clicked.connect(lambda: self.save())
        self.close_button = plain_button(self, self.tr("关闭"), "archiveClose")
        self.close_button.clicked.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, lambda: self.save())
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        for button in (*self.print_buttons, self.save_button, self.close_button):
            bottom.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.general_error)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)

    def _editor(self, key: str, tab_index: int) -> tuple[QWidget, QLabel]:
        label_text, kind, limit = archives.VOLUME_FIELDS[key]
        error = QLabel(self, objectName=f"archiveError_{key}")
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        widget: QWidget
        if kind in ("category", "period", "department", "secrecy", "location"):
            combo = QComboBox(self)
            combo.setMinimumContentsLength(10)
            options: list[tuple[str, object]] = {
                "category": self.choices.categories,
                "period": [(BY_DEFAULT, None), *self.choices.periods],
                "department": self.choices.departments,
                "secrecy": [(s, s) for s in archive_settings.SECRECY_LEVELS],
                "location": [(self.tr("（暂不上架）"), None), *self.choices.places],
            }[kind]
            for text, value in options:
                combo.addItem(text, value)
            combo.currentIndexChanged.connect(lambda _i: self._edited())

            def get(c: QComboBox = combo) -> object:
                return c.currentData()

            def put(value: object, c: QComboBox = combo) -> None:
                position = c.findData(value)
                if position < 0 and value is not None:
                    c.addItem(str(value), value)
                    position = c.count() - 1
                c.setCurrentIndex(max(position, 0))

            widget = combo
        elif kind == "date":
            edit = OptionalDateEdit(self)
            edit.setMaximumWidth(self.fontMetrics().horizontalAdvance("0000-00-00") + 90)
            edit.sig_changed.connect(self._edited)
            widget = edit

            def get(e: OptionalDateEdit = edit) -> object:
                return e.value()

            def put(value: object, e: OptionalDateEdit = edit) -> None:
                e.set_value(value)  # type: ignore[arg-type]

        elif kind == "long":
            text = QPlainTextEdit(self)
            text.setTabChangesFocus(True)
            text.setMaximumHeight(110)
            text.textChanged.connect(self._edited)
            widget = text

            def get(t: QPlainTextEdit = text) -> object:
                return t.toPlainText()

            def put(value: object, t: QPlainTextEdit = text) -> None:
                t.setPlainText(_text(value))

        else:
            line = QLineEdit(self)
            if limit and kind == "text":
                line.setMaxLength(limit)
            if kind in ("int", "year"):
                line.setMaximumWidth(self.fontMetrics().horizontalAdvance("0") * 10 + 20)
            if key in ("compiler", "checker"):
                line.setMaximumWidth(self.fontMetrics().horizontalAdvance("中") * 16)
            if key in SHOWN_ONLY:
                line.setReadOnly(True)
                line.setPlaceholderText(self.tr("（无）"))
            if key == "box_no":
                line.setPlaceholderText(self.tr("未装盒"))
                line.setToolTip(self.tr("所在档案盒的盒号：正整数；未装盒请留空。"))
            line.textChanged.connect(lambda _t: self._edited())
            widget = line

            def get(e: QLineEdit = line) -> object:
                return e.text()

            def put(value: object, e: QLineEdit = line) -> None:
                e.setText(_text(value))

        widget.setObjectName(f"archive_{key}")
        self.editors[key] = FieldEditor(key, widget, error, get, put, tab_index)
        return widget, error

    def _basics_tab(self) -> QWidget:
        page = QWidget(self)
        grid = QGridLayout(page)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(4, 1)
        grid.setColumnMinimumWidth(2, 24)
        title, title_error = self._editor("title", 0)
        grid.addWidget(QLabel(self.tr("题名")), 0, 0)
        grid.addWidget(title, 0, 1, 1, 4)
        grid.addWidget(title_error, 1, 1, 1, 4)
        for column, keys in ((0, BASIC_LEFT), (3, BASIC_RIGHT)):
            row = 2
            for key in keys:
                widget, error = self._editor(key, 0)
                holder: QWidget = widget
                if key == "year":
                    holder = self._year_box(widget)
                grid.addWidget(QLabel(archives.VOLUME_FIELDS[key][0]), row, column)
                grid.addWidget(holder, row, column + 1)
                grid.addWidget(error, row + 1, column + 1)
                row += 2
        self.basics_note = QLabel(page, objectName="archiveBasicsNote")
        self.basics_note.setWordWrap(True)
        self.basics_note.setStyleSheet("color: #666;")
        grid.addWidget(self.basics_note, 20, 0, 1, 5)
        grid.setRowStretch(21, 1)
        return page

    def _year_box(self, year_edit: QWidget) -> QWidget:
        box = QWidget(self)
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(year_edit)
        self.year_hint = QLabel(box, objectName="archiveYearHint")
        self.year_hint.setStyleSheet("color: #1f618d;")
        self.year_use = plain_button(box, self.tr("采用"), "archiveYearUse")
        self.year_use.clicked.connect(self._use_suggested_year)
        self.year_hint.hide()
        self.year_use.hide()
        row.addWidget(self.year_hint)
        row.addWidget(self.year_use)
        row.addStretch(1)
        self._suggested_year: int | None = None
        return box

    def _remarks_tab(self) -> QWidget:
        page = QWidget(self)
        grid = QGridLayout(page)
        grid.setColumnStretch(1, 1)
        row = 0
        for key in REMARK_FIELDS:
            widget, error = self._editor(key, 2)
            grid.addWidget(
                QLabel(archives.VOLUME_FIELDS[key][0]), row, 0, Qt.AlignmentFlag.AlignTop
            )
            grid.addWidget(widget, row, 1)
            grid.addWidget(error, row + 1, 1)
            row += 2
        self.notes_table = list_table(
            page,
            "archiveNotes",
            [self.tr("时间"), self.tr("类别"), self.tr("说明"), self.tr("登记人")],
        )
        self.notes_table.horizontalHeader().setStretchLastSection(False)
        self.notes_table.horizontalHeader().setSectionResizeMode(
            2, self.notes_table.horizontalHeader().ResizeMode.Stretch
        )
        self.note_button = plain_button(page, self.tr("添加备注…"), "archiveAddNote")
        self.note_button.clicked.connect(self.add_note)
        heading = QHBoxLayout()
        heading.addWidget(QLabel(self.tr("备考记录（缺损、补充、移出、销毁等，只能追加）")))
        heading.addStretch(1)
        heading.addWidget(self.note_button)
        grid.addLayout(heading, row, 0, 1, 2)
        grid.addWidget(self.notes_table, row + 1, 0, 1, 2)
        grid.setRowStretch(row + 1, 1)
        return page

    def _scans_tab(self) -> QWidget:
        page = QWidget(self)
        self.scans_table = list_table(
            page, "archiveScans",
            [self.tr("文件名"), self.tr("大小"), self.tr("对应"), self.tr("添加时间")],
        )  # fmt: skip
        self.scans_table.horizontalHeader().setStretchLastSection(False)
        self.scans_table.horizontalHeader().setSectionResizeMode(
            0, self.scans_table.horizontalHeader().ResizeMode.Stretch
        )
        self.scans_table.activated.connect(lambda _i: self.open_scan())
        self.scan_add_button = plain_button(page, self.tr("添加扫描件…"), "archiveAddScan")
        self.scan_add_button.clicked.connect(lambda: self.add_scan())
        self.scan_open_button = plain_button(page, self.tr("打开"), "archiveOpenScan")
        self.scan_open_button.clicked.connect(self.open_scan)
        buttons = QHBoxLayout()
        buttons.addWidget(self.scan_add_button)
        buttons.addWidget(self.scan_open_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addLayout(buttons)
        layout.addWidget(self.scans_table, 1)
        return page

    def _place_tab(self) -> QWidget:
        page = QWidget(self)
        self.place_label = QLabel(page, objectName="archivePlace")
        font = self.place_label.font()
        font.setBold(True)
        self.place_label.setFont(font)
        self.move_button = plain_button(page, self.tr("移动…"), "archiveMove")
        self.move_button.clicked.connect(lambda: self.move_volume())
        self.moves_table = list_table(
            page, "archiveMoves",
            [self.tr("时间"), self.tr("从"), self.tr("到"), self.tr("原因"), self.tr("经办人")],
        )  # fmt: skip
        self.moves_table.horizontalHeader().setStretchLastSection(False)
        self.moves_table.horizontalHeader().setSectionResizeMode(
            3, self.moves_table.horizontalHeader().ResizeMode.Stretch
        )
        current = QHBoxLayout()
        current.addWidget(QLabel(self.tr("现存放位置：")))
        current.addWidget(self.place_label, 1)
        current.addWidget(self.move_button)
        layout = QVBoxLayout(page)
        layout.addLayout(current)
        layout.addWidget(QLabel(self.tr("移动记录")))
        layout.addWidget(self.moves_table, 1)
        return page

    def _changes_tab(self) -> QWidget:
        page = QWidget(self)
        self.changes_table = list_table(
            page, "archiveNumberChanges",
            [self.tr("时间"), self.tr("原档号"), self.tr("新档号"), self.tr("原因"), self.tr("经办人")],
        )  # fmt: skip
        self.changes_table.horizontalHeader().setStretchLastSection(False)
        self.changes_table.horizontalHeader().setSectionResizeMode(
            3, self.changes_table.horizontalHeader().ResizeMode.Stretch
        )
        layout = QVBoxLayout(page)
        layout.addWidget(
            QLabel(self.tr("档号一经打印不再悄悄改变：每次更正或重新编号都记录在这里。"))
        )
        layout.addWidget(self.changes_table, 1)
        return page

    # ================================================================= filling

    def _fill_new(self) -> None:
        self.setWindowTitle(self.tr("新建案卷"))
        defaults: dict[str, object] = {
            "secrecy": archive_settings.INTERNAL,
            "filed_on": date.today(),
            "year": date.today().year,
            "department_id": self.choices.actor_department,
            "compiler": self.choices.actor_name,
        }
        for key, value in defaults.items():
            self.editors[key].put(value)
        if self._customer_id is not None:
            self.editors["customer_id"].put(self._customer_label(self._customer_id))
        self.grid.set_rows([], None)
        self.state_label.setText(self.tr("新案卷"))
        self.basics_note.setText(
            self.tr(
                "档号由全宗号、门类、年度、保管期限、机构和案卷号按规则生成，保存后不能直接修改。"
                "有卷内文件目录时，页数和份数由目录计算。"
            )
        )
        self._apply_mode()
        self._mark_saved()

    def _customer_label(self, customer_id: int) -> str:
        with self.context.session() as session:
            customer = session.get(Customer, customer_id)
            return f"{customer.code}  {customer.name}" if customer else ""

    def reload(self, opening: bool = False) -> bool:
        """Fill the dialog from the store; False (after saying why) when it cannot be read."""
        volume_id = self.volume_id
        assert volume_id is not None
        stored = run_service(
            self,
            self.context,
            lambda s, a: read_volume(s, a, volume_id, opening),
            refusal_title=self.tr("无法打开"),
        )
        if stored is FAILED:
            return False
        self.stored = stored
        for key, editor in self.editors.items():
            value = stored.values[key]
            if key == "customer_id":
                value = stored.customer_label
            elif key == "complaint_id":
                value = stored.complaint_label
            elif key == "location_id" and value is not None:
                widget = editor.widget
                assert isinstance(widget, QComboBox)
                if widget.findData(value) < 0:
                    widget.addItem(stored.location_label, value)
            editor.put(value)
        self.number_edit.setText(stored.number)
        state = stored.state
        if stored.destroyed_batch:
            state += self.tr("（批次 {0}）").replace("{0}", stored.destroyed_batch)
        self.state_label.setText(self.tr("状态：") + state)
        self.setWindowTitle(self.tr("案卷 — ") + f"{stored.number} {stored.values['title']}")
        self.grid.set_rows(stored.catalogue, stored.id)
        self._fill_table(self.notes_table, stored.notes)
        self._fill_table(self.scans_table, [row[1:] for row in stored.scans])
        self._fill_table(self.moves_table, stored.moves)
        self._fill_table(self.changes_table, stored.changes)
        self.place_label.setText(stored.location_label or self.tr("（未上架）"))
        self.basics_note.setText(
            self.tr(
                "门类、年度、保管期限和责任部门是档号的组成部分：要改请用“重新编号…”并写明原因。"
                "存放位置请在“存放位置”页用“移动…”更改。"
            )
        )
        self._apply_mode()
        self._clear_errors()
        self._mark_saved()
        return True

    def _fill_table(self, table: QTableWidget, rows: list[tuple[object, ...]]) -> None:
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.setItem(r, c, read_only_item(value))
        table.resizeColumnsToContents()
        for column in range(table.columnCount()):
            table.setColumnWidth(column, min(table.columnWidth(column) + 12, 360))

    def _apply_mode(self) -> None:
        """New or filed, and what this user may do with it."""
        saved = self.stored is not None
        if saved:
            assert self.stored is not None
            permitted = self.stored.permitted
            self.read_only = "edit" not in permitted or self.stored.state == archives.DESTROYED
        else:
            permitted = frozenset()
            allowed = run_service(
                self, self.context, lambda s, a: archives.permitted_actions(s, a, None)
            )
            self.read_only = allowed is FAILED or "create" not in allowed
        for key, editor in self.editors.items():
            locked = (
                self.read_only
                or key in SHOWN_ONLY
                or (saved and (key in NUMBER_PARTS or key == "location_id"))
            )
            editor.set_read_only(locked)
            if saved and key in NUMBER_PARTS:
                editor.widget.setToolTip(self.tr("档号的组成部分：请用“重新编号…”修改。"))
        self.grid.set_read_only(self.read_only)
        self.save_button.setVisible(not self.read_only)
        for button in (self.correct_button, self.renumber_button, self.move_button,
                       self.note_button, self.scan_add_button):  # fmt: skip
            button.setVisible(saved and not self.read_only)
        self.scan_open_button.setVisible(saved)
        for index in (self.scans_index, self.place_index, self.changes_index):
            self.tabs.setTabEnabled(index, saved)
        for button, (pdf_name, *_rest) in zip(self.print_buttons, PRINT_FORMS, strict=True):
            button.setVisible(saved and "print" in permitted and hasattr(documents, pdf_name))
        if saved and self.read_only:
            self.status_label.setText(self.tr("只读：您可以查看这个案卷，但没有修改的权限。"))
        self._update_year_hint()

    # ================================================================= values and changes

    def values(self) -> dict[str, object]:
        """What the user typed: every field for a new volume; for a filed one those that
        change without renumbering."""
        saved = self.stored is not None
        chosen: dict[str, object] = {}
        for key, editor in self.editors.items():
            if key in SHOWN_ONLY or (saved and (key in NUMBER_PARTS or key == "location_id")):
                continue
            chosen[key] = editor.get()
        if not saved and self._customer_id is not None:
            chosen["customer_id"] = self._customer_id
        if self.grid.filing_items() and saved:
            chosen.pop("pages", None)
            chosen.pop("copies", None)
        return chosen

    def changed_values(self) -> dict[str, object]:
        """Of a filed volume: the fields the user changed (unchanged 保密期限 stays as
        stored; a new 密级 alone sets its default period)."""
        assert self.stored is not None
        stored = self.stored.values
        return {
            key: value
            for key, value in self.values().items()
            if _text(value).strip() != _text(stored.get(key)).strip()
        }

    def _snapshot(self) -> object:
        return tuple(sorted((k, str(v)) for k, v in self.values().items()))

    def _mark_saved(self) -> None:
        self._saved_snapshot = self._snapshot()

    def is_dirty(self) -> bool:
        return self._snapshot() != self._saved_snapshot or self.grid.has_unsaved()

    def _edited(self) -> None:
        self._update_year_hint()

    def _rows_changed(self) -> None:
        pages, copies = self.grid.totals()
        if copies:
            self.editors["pages"].put(pages)
            self.editors["copies"].put(copies)
        self._update_year_hint()

    def _grid_written(self, text: str) -> None:
        self.status_label.setText(text)
        self._refresh_version()
        self.sig_saved.emit()

    def _refresh_version(self) -> None:
        if self.stored is None:
            return
        volume_id = self.stored.id

        def read(session: Session, actor: User) -> tuple[int, int, int]:
            volume = get_volume(session, actor, volume_id)
            return volume.version, volume.pages, volume.copies

        found = run_service(self, self.context, read)
        if found is not FAILED:
            self.stored.version, pages, copies = found
            self.stored.values["pages"], self.stored.values["copies"] = pages, copies
            self.editors["pages"].put(pages)
            self.editors["copies"].put(copies)
            self._saved_snapshot = self._snapshot()

    def _update_year_hint(self) -> None:
        if not hasattr(self, "year_hint"):
            return
        suggestion = None
        if self.stored is None and not self.read_only and hasattr(self, "grid"):
            suggestion = year_suggestion(self.grid.filing_items())
        typed = str(self.editors["year"].get()).strip()
        if suggestion is None or typed == str(suggestion[0]):
            self._suggested_year = None
            self.year_hint.hide()
            self.year_use.hide()
            return
        self._suggested_year = suggestion[0]
        self.year_hint.setText(
            self.tr("建议 {0} 年（{1}）")
            .replace("{0}", str(suggestion[0]))
            .replace("{1}", suggestion[1])
        )
        self.year_hint.show()
        self.year_use.show()

    def _use_suggested_year(self) -> None:
        if self._suggested_year is not None:
            self.editors["year"].put(self._suggested_year)

    # ================================================================= refusals

    def _clear_errors(self) -> None:
        for editor in self.editors.values():
            editor.show_error(None)
        self.general_error.hide()
        self.grid.clear_problems()

    def show_problems(self, problems: list[FieldProblem]) -> None:
        self._clear_errors()
        loose, item_problems = [], []
        first: FieldEditor | None = None
        for problem in problems:
            field_key = problem.field or ""
            if field_key.startswith("items."):
                item_problems.append(problem)
            elif field_key in self.editors:
                self.editors[field_key].show_error(problem.message)
                first = first or self.editors[field_key]
            else:
                loose.append(problem.message)
        if item_problems:
            self.grid.show_problems(item_problems)
            loose.append(self.tr("卷内文件目录有 {0} 处需要更正（见“卷内文件目录”页）。")
                         .replace("{0}", str(len(item_problems))))  # fmt: skip
        if loose:
            self.general_error.setText("\n".join(loose))
            self.general_error.show()
        if first is not None:
            self.tabs.setCurrentIndex(first.tab_index)
            first.widget.setFocus()
        elif item_problems:
            self.tabs.setCurrentIndex(self.items_index)

    # ================================================================= saving

    def save(self) -> bool:
        """File the new volume with its documents, or write the corrections (and any line
        of the 目录 not yet written). Refusals go beside their fields; nothing is lost."""
        if self.read_only:
            return False
        problems: list[FieldProblem] = []

        def invalid(error: ValidationError) -> None:
            problems.extend(error.problems)

        if self.stored is None:
            values, items = self.values(), self.grid.filing_items()
            result = run_service(
                self,
                self.context,
                lambda s, a: archives.file_volume(s, a, values, items).id,
                on_invalid=invalid,
            )
            if result is FAILED:
                if problems:
                    self.show_problems(problems)
                return False
            self.volume_id = result
            if not self.reload():
                return False
            self.status_label.setText(self.tr("已归档，档号 ") + self.number_edit.text())
            self.sig_saved.emit()
            return True
        if not self.grid.commit_all():
            self.tabs.setCurrentIndex(self.items_index)
            return False
        stored = self.stored
        values = self.changed_values()
        if not values:
            self._clear_errors()
            self.status_label.setText(self.tr("已保存。"))
            return True
        result = run_service(
            self,
            self.context,
            lambda s, a: archives.update_volume(s, a, stored.id, values, stored.version).version,
            on_invalid=invalid,
        )
        if result is FAILED:
            if problems:
                self.show_problems(problems)
            return False
        self.reload()
        self.status_label.setText(self.tr("已保存。"))
        self.sig_saved.emit()
        return True

    def reject(self) -> None:
        if not self.read_only and self.is_dirty():
            if not confirm(
                self,
                self.tr("放弃修改"),
                self.tr(
                    "这个案卷有未保存的修改（包括卷内文件目录中被拒绝的行）。放弃这些修改并关闭？"
                ),
            ):
                return
        super().reject()

    # ================================================================= 档号

    def correct_number(self) -> bool:
        """更正档号: a 档号 typed by hand, with the reason (recorded)."""
        if self.stored is None:
            return False
        volume_id = self.stored.id
        form = SmallForm(self.tr("更正档号"), "archiveCorrectForm", self)
        new = form.add("new_number", self.tr("新档号"), QLineEdit(self.stored.number))
        reason = form.add("reason", self.tr("更正原因"), QLineEdit())
        new.setObjectName("archiveNewNumber")
        reason.setObjectName("archiveNumberReason")
        form.finish(520)

        def checks() -> list[tuple[str, str]]:
            return [] if reason.text().strip() else [("reason", self.tr("更正原因：必须填写。"))]

        result = form.run(
            self.context,
            lambda s, a: (
                archive_numbers.correct_number(s, a, volume_id, new.text(), reason.text()).number
            ),
            checks,
        )
        form.deleteLater()
        return self._number_changed(result)

    def renumber(self) -> bool:
        """重新编号: another 门类, 年度, 保管期限 or 机构, the next 案卷号 there; with reason."""
        if self.stored is None:
            return False
        volume_id, values = self.stored.id, self.stored.values
        form = SmallForm(self.tr("重新编号"), "archiveRenumberForm", self)
        combos: dict[str, QComboBox] = {}
        for key, options in (
            ("category_code", self.choices.categories),
            ("period_code", self.choices.periods),
            ("department_id", self.choices.departments),
        ):
            combo = QComboBox(objectName=f"renumber_{key}")
            for text, value in options:
                combo.addItem(text, value)
            combo.setCurrentIndex(max(combo.findData(values[key]), 0))
            combos[key] = combo
        year = QLineEdit(str(values["year"]), objectName="renumber_year")
        form.add("category_code", self.tr("门类"), combos["category_code"])
        form.add("year", self.tr("年度"), year)
        form.add("period_code", self.tr("保管期限"), combos["period_code"])
        form.add("department_id", self.tr("责任部门"), combos["department_id"])
        reason = form.add("reason", self.tr("原因"), QLineEdit(objectName="renumber_reason"))
        form.finish(480)

        def checks() -> list[tuple[str, str]]:
            found = []
            if not reason.text().strip():
                found.append(("reason", self.tr("原因：必须填写。")))
            if not year.text().strip().isdigit():
                found.append(("year", self.tr("年度：请填四位数字的年份。")))
            return found

        result = form.run(
            self.context,
            lambda s, a: archive_numbers.renumber(
                s, a, volume_id, reason.text(),
                category_code=combos["category_code"].currentData(),
                year=int(year.text().strip()),
                period_code=combos["period_code"].currentData(),
                department_id=combos["department_id"].currentData(),
            ).number,
            checks,
        )  # fmt: skip
        form.deleteLater()
        return self._number_changed(result)

    def _number_changed(self, number: str | None) -> bool:
        if number is None:
            return False
        if self.is_dirty():  # keep what is typed: only the 档号 parts and the record change
            typed = {k: e.get() for k, e in self.editors.items() if k not in NUMBER_PARTS}
            self.reload()
            for key, value in typed.items():
                if key not in SHOWN_ONLY and key != "location_id":
                    self.editors[key].put(value)
        else:
            self.reload()
        self.status_label.setText(self.tr("档号已改为 ") + number)
        self.sig_saved.emit()
        return True

    # ================================================================= 备考表, scans, moves

    def add_note(self) -> bool:
        if self.stored is None:
            return False
        volume_id = self.stored.id
        form = SmallForm(self.tr("添加备考记录"), "archiveNoteForm", self)
        kind = QComboBox(objectName="archiveNoteKind")
        for name in archive_items.NOTE_KINDS:
            kind.addItem(name, name)
        text = QPlainTextEdit(objectName="archiveNoteText")
        text.setTabChangesFocus(True)
        text.setMaximumHeight(120)
        form.add("kind", self.tr("类别"), kind)
        form.add("text", self.tr("说明"), text)
        form.finish(480)
        result = form.run(
            self.context,
            lambda s, a: (
                archive_items.add_note(s, a, volume_id, kind.currentData(), text.toPlainText()).id
            ),
        )
        form.deleteLater()
        if result is None:
            return False
        self._reload_side_lists()
        self.status_label.setText(self.tr("备考记录已添加。"))
        return True

    def _reload_side_lists(self) -> None:
        """Notes, scans, moves and number changes again, keeping the typed fields."""
        if self.stored is None:
            return
        volume_id = self.stored.id
        stored = run_service(self, self.context, lambda s, a: read_volume(s, a, volume_id, False))
        if stored is FAILED:
            return
        stored.values = self.stored.values
        self.stored = stored
        self._fill_table(self.notes_table, stored.notes)
        self._fill_table(self.scans_table, [row[1:] for row in stored.scans])
        self._fill_table(self.moves_table, stored.moves)
        self._fill_table(self.changes_table, stored.changes)
        self.place_label.setText(stored.location_label or self.tr("（未上架）"))
        location = self.editors["location_id"].widget
        assert isinstance(location, QComboBox)
        value = None
        with self.context.session() as session:
            volume = session.get(ArchiveVolume, volume_id)
            value = volume.location_id if volume else None
            place = session.get(ArchiveLocation, value) if value else None
            if place is not None and location.findData(value) < 0:
                location.addItem(place.label, value)
        location.blockSignals(True)
        location.setCurrentIndex(max(location.findData(value), 0))
        location.blockSignals(False)
        self._refresh_version()

    def add_scan(self, path: str | None = None) -> bool:
        if self.stored is None:
            return False
        path = (
            path
            or QFileDialog.getOpenFileName(
                self,
                self.tr("选择扫描件"),
                "",
                self.tr("扫描件 (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;所有文件 (*)"),
            )[0]
        )
        if not path:
            return False
        volume_id = self.stored.id
        result = run_service(
            self, self.context, lambda s, a: archive_items.add_scan(s, a, volume_id, path).id
        )
        if result is FAILED:
            return False
        self._reload_side_lists()
        self.status_label.setText(self.tr("扫描件已添加：") + os.path.basename(path))
        return True

    def open_scan(self) -> str | None:
        """The selected scan, copied to a temporary file and opened (the look is logged)."""
        if self.stored is None:
            return None
        row = self.scans_table.currentRow()
        if not 0 <= row < len(self.stored.scans):
            self.status_label.setText(self.tr("请先选中一个扫描件。"))
            return None
        scan_id = self.stored.scans[row][0]
        found = run_service(
            self, self.context, lambda s, a: (lambda r: (r[0].filename, r[1]))(
                archive_items.scan_data(s, a, scan_id)
            ),
        )  # fmt: skip
        if found is FAILED:
            return None
        filename, data = found
        folder = tempfile.mkdtemp(prefix="archive-scan-")
        target = os.path.join(folder, os.path.basename(filename) or "scan")
        with open(target, "wb") as handle:
            handle.write(data)
        if os.environ.get("QT_QPA_PLATFORM") != "offscreen":
            QDesktopServices.openUrl(QUrl.fromLocalFile(target))
        return target

    def move_volume(self, location_id: int | None = None, reason_text: str | None = None) -> bool:
        """移动…: another place (or none), with the reason; the move is kept."""
        if self.stored is None:
            return False
        volume_id = self.stored.id
        form = SmallForm(self.tr("移动案卷"), "archiveMoveForm", self)
        place = QComboBox(objectName="archiveMoveTarget")
        place.addItem(self.tr("（下架，不放任何位置）"), None)
        for label, value in self.choices.places:
            place.addItem(label, value)
        if location_id is not None:
            place.setCurrentIndex(max(place.findData(location_id), 0))
        reason = QLineEdit(reason_text or "", objectName="archiveMoveReason")
        if not self.stored.location_label and not reason_text:
            reason.setText(self.tr("上架"))
        form.add("location_id", self.tr("移到"), place)
        form.add("reason", self.tr("原因"), reason)
        form.finish(520)

        def checks() -> list[tuple[str, str]]:
            return [] if reason.text().strip() else [("reason", self.tr("原因：必须填写。"))]

        result = form.run(
            self.context,
            lambda s, a: (
                archive_locations.move_volume(
                    s, a, volume_id, place.currentData(), reason.text()
                ).id
            ),
            checks,
        )
        form.deleteLater()
        if result is None:
            return False
        self._reload_side_lists()
        self.status_label.setText(self.tr("已移到：") + (self.place_label.text()))
        self.sig_saved.emit()
        return True

    # ================================================================= printing

    def print_form(self, pdf_name: str, xlsx_name: str | None, title: str) -> None:
        """卷内文件目录 / 卷内备考表 / labels through the documents functions (they log the
        print); a form without an Excel version has none."""
        if self.stored is None or not hasattr(documents, pdf_name):
            return
        volume_id, number = self.stored.id, self.stored.number
        make_pdf = getattr(documents, pdf_name)
        make_xlsx = getattr(documents, xlsx_name) if xlsx_name else None
        preview_form(
            self,
            self.context,
            lambda s, a: make_pdf(s, a, volume_id),
            (lambda s, a: make_xlsx(s, a, volume_id)) if make_xlsx else None,
            f"{title} — {number}",
            f"{title}_{number}",
        )
