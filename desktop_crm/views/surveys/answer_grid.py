"""The entry grid for returned questionnaires (答卷), built for typing a stack of paper
sheets with the keyboard alone.

One row per questionnaire: 状态, 答卷类型, 答卷人, 竞争对手, one column per questionnaire
item, 反馈. In an item cell a digit sets the level at once and moves on (1 很满意 … 5 很不满意;
满/基/不 too — 很 is both 很满意 and 很不满意, so it is refused with a hint); Delete clears it
(a missing answer, never a zero); F2 opens the cell to add the reason ("4 到货晚"). Enter or
Tab moves to the next cell, past the last into the next row's 答卷人. The respondent is
picked by typing pinyin initials, a name or a phone number: the matches show under the cell
(Up/Down choose, Enter takes). Text committed by an input method works like typed keys.

The model holds plain rows; the widget that owns the grid saves a row through the service
when the user leaves it (`on_row_left`) and marks it 已保存 / 未保存 / 错误 (with the
reason in the tooltip and a sign in the 状态 cell, not colour alone).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from desktop_crm.services import satisfaction
from desktop_crm.services.errors import FieldProblem
from desktop_crm.services.survey_answers import QuestionnaireInput, QuestionnaireRow
from desktop_crm.services.survey_figures import CUSTOMER, DEALER, RESPONDENT_TYPES, STAFF
from desktop_crm.services.surveys import CompetitorRow, ItemRow

Index = QModelIndex | QPersistentModelIndex
# Row states
NEW, DIRTY, SAVED, ERROR = "new", "dirty", "saved", "error"
STATE_TEXT = {NEW: "", DIRTY: "✎ 未保存", SAVED: "✓ 已保存", ERROR: "⚠ 错误"}
ERROR_BACKGROUND = QColor("#fdecea")
DIRTY_BACKGROUND = QColor("#fff8e1")
ERROR_TEXT = QColor("#a93226")
MUTED_TEXT = QColor("#7b7d7d")
REASON_MARK = "✎"

# Fixed columns; the items follow, then 反馈.
STATUS, TYPE, PERSON, COMPETITOR = 0, 1, 2, 3
FIRST_ITEM = 4
US = "本公司"

# Keys for the 答卷类型 cell: 1/客 客户, 2/经 经销商, 3/自 自评.
TYPE_KEYS = {"1": CUSTOMER, "2": DEALER, "3": STAFF, "客": CUSTOMER, "经": DEALER, "自": STAFF}
AMBIGUOUS_LEVEL = "很"


def level_from_key(text: str) -> str | None:
    """The level a typed key names (1–5, 满/基/不); None when it names none."""
    text = text.strip()
    if not text or text == AMBIGUOUS_LEVEL:
        return None
    try:
        return satisfaction.parse_level(text)
    except ValueError:
        return None


def header_text(name: str) -> str:
    """An item's name as its column head, on two lines when long: 产品功能 / （主要性能）."""
    if "（" in name and not name.startswith("（"):
        head, _, tail = name.partition("（")
        return f"{head}\n（{tail}"
    if len(name) > 5:
        return f"{name[:4]}\n{name[4:]}"
    return name


def level_hint() -> str:
    """The hint line above the grid: what the keys do."""
    levels = "　".join(f"{code} {name}" for code, name in satisfaction.LEVEL_CODES.items())
    return (
        f"满意程度：{levels}（也可键入 满 / 基 / 不；“很”可指很满意或很不满意，请用 1 或 5）"
        "　Delete 清除（不作答）　F2 填写原因（如“4 到货晚”）　Enter / Tab 下一格"
    )


@dataclass(frozen=True, slots=True)
class Choice:
    """A respondent the picker offers: a customer (客户/经销商) or a member of staff (自评)."""

    kind: str  # "customer" / "staff"
    id: int
    name: str
    label: str  # as the list shows it: code, name, group on the list
    respondent_type: str


@dataclass
class GridRow:
    """One questionnaire as the grid holds it (plain values only)."""

    questionnaire_id: int | None = None
    version: int | None = None
    chosen_type: str | None = None  # typed or stored; None: from the customer (客户/经销商)
    type_typed: bool = False  # typed here: picking another customer keeps it
    customer_type: str = CUSTOMER  # what the picked customer answers as
    customer_id: int | None = None
    staff_id: int | None = None
    person: str = ""
    person_code: str = ""
    competitor_id: int | None = None
    levels: dict[int, str] = field(default_factory=dict)
    reasons: dict[int, str] = field(default_factory=dict)
    feedback: str = ""
    returned_on: date | None = None
    state: str = NEW
    message: str = ""
    cell_errors: dict[int, str] = field(default_factory=dict)  # column → refusal

    @property
    def respondent_type(self) -> str:
        if self.chosen_type:
            return self.chosen_type
        return self.customer_type if self.customer_id is not None else CUSTOMER

    @property
    def empty(self) -> bool:
        return (
            self.customer_id is None
            and self.staff_id is None
            and not self.levels
            and not self.feedback
            and self.competitor_id is None
        )

    @classmethod
    def of(cls, row: QuestionnaireRow) -> GridRow:
        return cls(
            questionnaire_id=row.id,
            version=row.version,
            chosen_type=row.respondent_type,
            customer_type=row.respondent_type if row.respondent_type != STAFF else CUSTOMER,
            customer_id=row.customer_id,
            staff_id=row.staff_id,
            person=row.respondent_name,
            person_code=row.customer_code,
            competitor_id=row.competitor_id,
            levels=dict(row.levels),
            reasons=dict(row.reasons),
            feedback=row.feedback,
            returned_on=row.returned_on,
            state=SAVED,
        )


class AnswerGridModel(QAbstractTableModel):
    """The grid's rows: the survey's questionnaires in entry order and an empty row at the
    bottom, always; editing the empty row makes it a questionnaire and adds the next."""

    def __init__(
        self,
        items: Sequence[ItemRow] = (),
        competitors: Sequence[CompetitorRow] = (),
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.items = list(items)
        self.competitors = list(competitors)
        self.rows: list[GridRow] = [GridRow()]
        self.editable = True

    # ----------------------------------------------------------------- columns

    @property
    def feedback_column(self) -> int:
        return FIRST_ITEM + len(self.items)

    def item_of(self, column: int) -> ItemRow | None:
        if FIRST_ITEM <= column < self.feedback_column:
            return self.items[column - FIRST_ITEM]
        return None

    def column_of_item(self, item_id: int) -> int | None:
        for offset, item in enumerate(self.items):
            if item.id == item_id:
                return FIRST_ITEM + offset
        return None

    def competitor_name(self, competitor_id: int | None) -> str:
        if competitor_id is None:
            return ""
        return next((c.name for c in self.competitors if c.id == competitor_id), "?")

    def competitor_from_key(self, text: str) -> tuple[bool, int | None]:
        """(understood, competitor id) for a typed key: 0 本公司, 1… the competitors in
        order, or the first character of a competitor's name when only one starts so."""
        text = text.strip()
        if text in ("0", "本"):
            return True, None
        if text.isdigit() and 1 <= int(text) <= len(self.competitors):
            return True, self.competitors[int(text) - 1].id
        starting = [c for c in self.competitors if text and c.name.startswith(text)]
        if len(starting) == 1:
            return True, starting[0].id
        return False, None

    # ----------------------------------------------------------------- loading

    def load(
        self,
        items: Sequence[ItemRow],
        competitors: Sequence[CompetitorRow],
        rows: Sequence[QuestionnaireRow],
        editable: bool,
    ) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.competitors = list(competitors)
        self.rows = [GridRow.of(row) for row in rows]
        self.editable = editable
        if editable:
            self.rows.append(GridRow())
        self.endResetModel()

    # ----------------------------------------------------------------- Qt model API

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self.feedback_column + 1

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            if role == Qt.ItemDataRole.DisplayRole:
                new = 0 <= section < len(self.rows) and self.rows[section].state == NEW
                return "＊" if new else section + 1
            return None
        if not 0 <= section < self.columnCount():
            return None
        item = self.item_of(section)
        if role == Qt.ItemDataRole.DisplayRole:
            if item is not None:
                return header_text(item.name)
            return {STATUS: "状态", TYPE: "答卷类型", PERSON: "答卷人", COMPETITOR: "竞争对手"}.get(
                section, "反馈"
            )
        if role == Qt.ItemDataRole.ToolTipRole:
            if item is not None:
                return f"{item.name}：键入 1–5（1 很满意 … 5 很不满意），Delete 清除，F2 写原因"
            return {
                TYPE: "1 客户　2 经销商　3 自评（空：按客户类别，中间商为经销商）",
                PERSON: "键入客户名称、拼音首字母或电话查找；自评时查找销售人员",
                COMPETITOR: "空：关于本公司；0 本公司，1、2… 按顺序选竞争对手",
            }.get(section)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.editable and index.column() != STATUS:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.EditRole:
            return self._edit_value(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.BackgroundRole:
            if row.state == ERROR and (column == STATUS or column in row.cell_errors):
                return QBrush(ERROR_BACKGROUND)
            if row.state == DIRTY and column == STATUS:
                return QBrush(DIRTY_BACKGROUND)
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == STATUS and row.state == ERROR:
                return QBrush(ERROR_TEXT)
            if column == TYPE and not row.chosen_type and row.customer_id is None:
                return QBrush(MUTED_TEXT)
            return None
        if role == Qt.ItemDataRole.FontRole and column == STATUS and row.state == ERROR:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if self.item_of(column) is not None or column in (STATUS, TYPE):
                return Qt.AlignmentFlag.AlignCenter
            return Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        return None

    def _text(self, row: GridRow, column: int) -> str:
        if column == STATUS:
            return STATE_TEXT[row.state]
        if column == TYPE:
            if row.state == NEW and not row.chosen_type:
                return ""
            return row.respondent_type
        if column == PERSON:
            return row.person
        if column == COMPETITOR:
            return self.competitor_name(row.competitor_id)
        item = self.item_of(column)
        if item is not None:
            level = row.levels.get(item.id)
            if level is None:
                return ""
            return f"{level}{REASON_MARK}" if row.reasons.get(item.id) else level
        return row.feedback

    def _edit_value(self, row: GridRow, column: int) -> Any:
        item = self.item_of(column)
        if item is not None:
            level = row.levels.get(item.id)
            if level is None:
                return ""
            reason = row.reasons.get(item.id, "")
            return f"{satisfaction.CODE_OF[level]} {reason}".strip()
        if column == FIRST_ITEM + len(self.items):
            return row.feedback
        if column == COMPETITOR:
            return row.competitor_id
        if column == TYPE:
            return row.respondent_type
        return self._text(row, column)

    def _tooltip(self, row: GridRow, column: int) -> str | None:
        if column in row.cell_errors:
            return row.cell_errors[column]
        if column == STATUS:
            if row.state == ERROR:
                return "未保存：" + row.message
            if row.state == DIRTY:
                return "还没有保存：离开这一行时保存"
            if row.state == SAVED:
                return "已保存"
            return "在这一行录入下一份问卷"
        if column == PERSON and row.person_code:
            return f"{row.person_code} {row.person}"
        item = self.item_of(column)
        if item is not None and row.reasons.get(item.id):
            return f"原因：{row.reasons[item.id]}"
        if column == self.feedback_column and row.feedback:
            return row.feedback
        return None

    # ----------------------------------------------------------------- editing

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or role != Qt.ItemDataRole.EditRole or not self.editable:
            return False
        row, column = index.row(), index.column()
        if column == TYPE:
            return self.set_type(row, value or None)
        if column == PERSON:
            return self.set_person(row, value)
        if column == COMPETITOR:
            return self.set_competitor(row, value)
        item = self.item_of(column)
        if item is not None:
            if isinstance(value, tuple):
                level, reason = value
                return self.set_level(row, item.id, level, reason)
            return self.set_level(row, item.id, value or None)
        if column == self.feedback_column:
            return self.set_feedback(row, str(value or ""))
        return False

    def set_type(self, row: int, rtype: str | None) -> bool:
        if rtype is not None and rtype not in RESPONDENT_TYPES:
            return False
        grid_row = self.rows[row]
        was_staff = grid_row.respondent_type == STAFF
        grid_row.chosen_type = rtype
        grid_row.type_typed = rtype is not None
        if (
            rtype == STAFF
        ) != was_staff:  # a customer cannot fill in a 自评 sheet, nor staff a 客户 one
            grid_row.customer_id = grid_row.staff_id = None
            grid_row.person = grid_row.person_code = ""
        if rtype == STAFF:
            grid_row.competitor_id = None
        self._touched(row, (TYPE, PERSON, COMPETITOR))
        return True

    def set_person(self, row: int, choice: Choice | None) -> bool:
        grid_row = self.rows[row]
        if choice is None:
            grid_row.customer_id = grid_row.staff_id = None
            grid_row.person = grid_row.person_code = ""
        elif choice.kind == "staff":
            grid_row.staff_id, grid_row.customer_id = choice.id, None
            grid_row.chosen_type = STAFF
            grid_row.person, grid_row.person_code = choice.name, ""
            grid_row.competitor_id = None
        else:
            grid_row.customer_id, grid_row.staff_id = choice.id, None
            grid_row.customer_type = choice.respondent_type
            if grid_row.chosen_type == STAFF or not grid_row.type_typed:
                grid_row.chosen_type = None
            grid_row.person = choice.name
            grid_row.person_code = choice.label.split("　", 1)[0]
        self._touched(row, (TYPE, PERSON, COMPETITOR))
        return True

    def set_competitor(self, row: int, competitor_id: int | None) -> bool:
        grid_row = self.rows[row]
        if competitor_id is not None and grid_row.respondent_type == STAFF:
            return False
        grid_row.competitor_id = competitor_id
        self._touched(row, (COMPETITOR,))
        return True

    def set_level(
        self, row: int, item_id: int, level: str | None, reason: str | None = None
    ) -> bool:
        grid_row = self.rows[row]
        if level is None:
            grid_row.levels.pop(item_id, None)
            grid_row.reasons.pop(item_id, None)
        else:
            grid_row.levels[item_id] = level
            if reason is not None:
                if reason.strip():
                    grid_row.reasons[item_id] = reason.strip()
                else:
                    grid_row.reasons.pop(item_id, None)
        column = self.column_of_item(item_id)
        self._touched(row, (column,) if column is not None else ())
        return True

    def set_feedback(self, row: int, text: str) -> bool:
        self.rows[row].feedback = text.strip()
        self._touched(row, (self.feedback_column,))
        return True

    def _touched(self, row: int, columns: Sequence[int]) -> None:
        grid_row = self.rows[row]
        for column in columns:
            grid_row.cell_errors.pop(column, None)
        was_new = grid_row.state == NEW
        if grid_row.state != ERROR or not grid_row.cell_errors:
            grid_row.state = DIRTY
        self.dataChanged.emit(self.index(row, STATUS), self.index(row, self.feedback_column))
        if was_new:
            self.headerDataChanged.emit(Qt.Orientation.Vertical, row, row)
            self._append_empty_row(inherit=grid_row)

    def _append_empty_row(self, inherit: GridRow | None = None) -> None:
        if self.rows and self.rows[-1].state == NEW:
            return
        start = len(self.rows)
        self.beginInsertRows(QModelIndex(), start, start)
        # a stack of 自评 sheets: the next row is 自评 too
        chosen = STAFF if inherit is not None and inherit.respondent_type == STAFF else None
        self.rows.append(GridRow(chosen_type=chosen))
        self.endInsertRows()

    def clear_cell(self, row: int, column: int) -> bool:
        """Delete: the cell emptied (an item: no answer)."""
        if not self.editable or not 0 <= row < len(self.rows):
            return False
        grid_row = self.rows[row]
        if column == TYPE:
            if grid_row.chosen_type is None:
                return False
            return self.set_type(row, None)
        if column == PERSON:
            if grid_row.customer_id is None and grid_row.staff_id is None:
                return False
            return self.set_person(row, None)
        if column == COMPETITOR:
            if grid_row.competitor_id is None:
                return False
            return self.set_competitor(row, None)
        item = self.item_of(column)
        if item is not None:
            if item.id not in grid_row.levels:
                return False
            return self.set_level(row, item.id, None)
        if column == self.feedback_column:
            if not grid_row.feedback:
                return False
            return self.set_feedback(row, "")
        return False

    # ----------------------------------------------------------------- saving

    def input_of(self, row: int) -> QuestionnaireInput:
        grid_row = self.rows[row]
        staff = grid_row.respondent_type == STAFF
        return QuestionnaireInput(
            respondent_type=grid_row.chosen_type,
            customer_id=None if staff else grid_row.customer_id,
            staff_id=grid_row.staff_id if staff else None,
            competitor_id=grid_row.competitor_id,
            levels=dict(grid_row.levels),
            reasons={k: v for k, v in grid_row.reasons.items() if k in grid_row.levels},
            feedback=grid_row.feedback or None,
            returned_on=grid_row.returned_on,
        )

    def mark_saved(self, row: int, saved: QuestionnaireRow) -> None:
        fresh = GridRow.of(saved)
        self.rows[row] = fresh
        self._row_changed(row)

    def mark_error(self, row: int, problems: Sequence[FieldProblem]) -> None:
        grid_row = self.rows[row]
        grid_row.state = ERROR
        grid_row.cell_errors = {}
        for problem in problems:
            column = self._column_of_field(problem.field)
            if column is not None:
                known = grid_row.cell_errors.get(column)
                grid_row.cell_errors[column] = (
                    f"{known}\n{problem.message}" if known else problem.message
                )
        grid_row.message = "\n".join(p.message for p in problems)
        self._row_changed(row)

    def _column_of_field(self, key: str) -> int | None:
        if key == "respondent_type":
            return TYPE
        if key in ("customer_id", "staff_id"):
            return PERSON
        if key == "competitor_id":
            return COMPETITOR
        if key == "feedback":
            return self.feedback_column
        for prefix in ("item:", "reason:"):
            if key.startswith(prefix) and key[len(prefix) :].isdigit():
                return self.column_of_item(int(key[len(prefix) :]))
        return None

    def remove_row(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        del self.rows[row]
        self.endRemoveRows()
        if self.editable:
            self._append_empty_row()

    def _row_changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.feedback_column))

    def pending_rows(self) -> list[int]:
        """Rows typed but not saved (未保存 or 错误)."""
        return [n for n, row in enumerate(self.rows) if row.state in (DIRTY, ERROR)]

    def saved_count(self) -> int:
        return sum(1 for row in self.rows if row.state == SAVED)


# ===================================================================== editors


class RespondentEditor(QLineEdit):
    """The 答卷人 cell being edited: typing searches (through `search`), the matches show
    under the cell in a list that never takes the focus; Up/Down choose, Enter takes the
    chosen (or first) match. `chosen` is what will be written to the cell."""

    sig_picked = Signal()

    def __init__(
        self, parent: QWidget, search: Callable[[str], list[Choice]], delay_ms: int = 150
    ) -> None:
        super().__init__(parent)
        self.setObjectName("respondentEditor")
        self._search = search
        self.chosen: Choice | None = None
        self.matches = QListWidget(parent)
        self.matches.setObjectName("respondentMatches")
        self.matches.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.matches.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.matches.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.matches.hide()
        self.matches.itemClicked.connect(self._clicked)
        self._timer = QTimer(self, singleShot=True, interval=delay_ms)
        self._timer.timeout.connect(self.run_search)
        # textChanged covers typed keys and text committed by an input method alike.
        self.textChanged.connect(lambda _text: self._timer.start())

    def run_search(self) -> None:
        self._timer.stop()
        text = self.text().strip()
        self.matches.clear()
        if not text:
            self.matches.hide()
            return
        found = self._search(text)
        for choice in found:
            line = QListWidgetItem(choice.label)
            line.setData(Qt.ItemDataRole.UserRole, choice)
            self.matches.addItem(line)
        if not found:
            empty = QListWidgetItem(f"没有找到“{text}”")
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.matches.addItem(empty)
        else:
            self.matches.setCurrentRow(0)
        self._place_matches()

    def _place_matches(self) -> None:
        parent = self.matches.parentWidget()
        rows = min(self.matches.count(), 8)
        height = self.matches.sizeHintForRow(0) * rows + 2 * self.matches.frameWidth() + 2
        needed = self.matches.sizeHintForColumn(0) + 2 * self.matches.frameWidth() + 24
        width = max(self.width(), min(needed, parent.width() - self.geometry().left() - 4))
        below = self.geometry().bottom() + 1
        top = below if below + height <= parent.height() else self.geometry().top() - height
        self.matches.setGeometry(QRect(self.geometry().left(), max(top, 0), width, height))
        self.matches.show()
        self.matches.raise_()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.matches.isVisible():
            step = 1 if event.key() == Qt.Key.Key_Down else -1
            row = self.matches.currentRow() + step
            if 0 <= row < self.matches.count():
                self.matches.setCurrentRow(row)
            event.accept()
            return
        super().keyPressEvent(event)

    def take(self) -> bool:
        """Enter: take the chosen match (searching first if typing is still pending).
        False when there is none (the list says so); an empty line clears the cell."""
        if self._timer.isActive() or (self.text().strip() and not self.matches.count()):
            self.run_search()
        if not self.text().strip():
            self.chosen = None
            return True
        line = self.matches.currentItem()
        choice = line.data(Qt.ItemDataRole.UserRole) if line is not None else None
        if choice is None:
            return False
        self.chosen = choice
        return True

    def _clicked(self, line: QListWidgetItem) -> None:
        choice = line.data(Qt.ItemDataRole.UserRole)
        if choice is not None:
            self.chosen = choice
            self.sig_picked.emit()

    def close_matches(self) -> None:
        self._timer.stop()
        self.matches.hide()
        self.matches.deleteLater()


class ItemEditor(QLineEdit):
    """F2 on an item cell: the level and its reason as "4 到货晚"."""


class GridDelegate(QStyledItemDelegate):
    """Editors for the grid's cells; Enter and Tab commit and move on at once (not queued),
    so the keyboard never waits. Text it does not understand is told through the view."""

    def __init__(self, view: AnswerGrid) -> None:
        super().__init__(view)
        self._view = view
        self.editor: QWidget | None = None  # the cell editor open now

    def createEditor(  # noqa: N802
        self, parent: QWidget, option: QStyleOptionViewItem, index: Index
    ) -> QWidget:
        self.editor = self._create(parent, index)
        return self.editor

    def _create(self, parent: QWidget, index: Index) -> QWidget:
        model = index.model()
        column = index.column()
        if column == PERSON:
            row = index.row()
            editor = RespondentEditor(parent, lambda text: self._view.find_respondents(row, text))
            editor.sig_picked.connect(lambda e=editor: self._finish(e, True))
            return editor
        if column in (TYPE, COMPETITOR):
            combo = QComboBox(parent)
            combo.setObjectName("gridChoice")
            if column == TYPE:
                for rtype in RESPONDENT_TYPES:
                    combo.addItem(rtype, rtype)
            else:
                combo.addItem(US, None)
                for competitor in getattr(model, "competitors", []):
                    combo.addItem(competitor.name, competitor.id)
            return combo
        if column == getattr(model, "feedback_column", -1):
            editor = QLineEdit(parent)
            editor.setObjectName("gridFeedbackEditor")
            return editor
        item_editor = ItemEditor(parent)
        item_editor.setObjectName("gridItemEditor")
        item_editor.setPlaceholderText("1–5 空格 原因")
        return item_editor

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        if isinstance(editor, RespondentEditor):
            editor.blockSignals(True)
            editor.setText("")
            editor.blockSignals(False)
            return
        if isinstance(editor, QComboBox):
            value = index.data(Qt.ItemDataRole.EditRole)
            position = editor.findData(value)
            editor.setCurrentIndex(max(position, 0))
            return
        if isinstance(editor, QLineEdit):
            editor.setText(str(index.data(Qt.ItemDataRole.EditRole) or ""))
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:  # noqa: N802
        if isinstance(editor, RespondentEditor):
            if editor.chosen is not None or not editor.text().strip():
                model.setData(index, editor.chosen)
            return
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData())
            return
        if isinstance(editor, ItemEditor):
            text = editor.text().strip()
            if not text:
                model.setData(index, None)
                return
            head, _, reason = text.partition(" ")
            level = level_from_key(head)
            if level is None:
                self._view.tell(
                    f"“{head}”不是满意程度：请以 1–5 开头，如“4 到货晚”（1 很满意 … 5 很不满意）。"
                )
                return
            model.setData(index, (level, reason))
            return
        if isinstance(editor, QLineEdit):
            model.setData(index, editor.text())
            return
        super().setModelData(editor, model, index)

    def destroyEditor(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        if isinstance(editor, RespondentEditor):
            editor.close_matches()
        if editor is self.editor:
            self.editor = None
        super().destroyEditor(editor, index)

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.KeyPress and isinstance(editor, QWidget):
            key = event.key()  # type: ignore[attr-defined]
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
                if isinstance(editor, QComboBox) and editor.view().isVisible():
                    return super().eventFilter(editor, event)
                if isinstance(editor, RespondentEditor) and not editor.take():
                    return True  # nothing found: stay in the cell, the list says so
                self._finish(editor, key != Qt.Key.Key_Backtab)
                return True
        return super().eventFilter(editor, event)

    def _finish(self, editor: QWidget, forward: bool) -> None:
        self.commitData.emit(editor)
        hint = (
            QAbstractItemDelegate.EndEditHint.EditNextItem
            if forward
            else QAbstractItemDelegate.EndEditHint.EditPreviousItem
        )
        self.closeEditor.emit(editor, hint)


# ===================================================================== the view


class AnswerGrid(QTableView):
    """The grid (objectName `answerGrid`). Keys set levels, types and competitors at once;
    `on_row_left(row)` asks the owner to save a row the cursor has left; `on_message(text)`
    shows a short hint for a key it did not understand ("" clears it).

    Both are plain callbacks, not signals: they run on every key and row change, and each
    Python-side emit under PySide6 6.12 / CPython 3.11 drops a reference to True (see the
    B2 report), so the hot path emits nothing of its own."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("answerGrid")
        self.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
        )
        self.setTabKeyNavigation(True)
        self.setWordWrap(False)
        self.delegate = GridDelegate(self)
        self.setItemDelegate(self.delegate)
        self.finder: Callable[[int, str], list[Choice]] = lambda _row, _text: []
        self.on_row_left: Callable[[int], None] = lambda _row: None
        self.on_message: Callable[[str], None] = lambda _text: None
        self._telling = False

    def tell(self, text: str) -> None:
        """A hint under the grid ("" clears it, only when one is shown)."""
        if text or self._telling:
            self._telling = bool(text)
            self.on_message(text)

    def grid_model(self) -> AnswerGridModel:
        model = self.model()
        assert isinstance(model, AnswerGridModel)
        return model

    def find_respondents(self, row: int, text: str) -> list[Choice]:
        return self.finder(row, text)

    # ----------------------------------------------------------------- moving

    def first_entry_column(self) -> int:
        return PERSON

    def move_to(self, row: int, column: int) -> None:
        model = self.grid_model()
        row = max(0, min(row, model.rowCount() - 1))
        column = max(TYPE, min(column, model.feedback_column))
        self.setCurrentIndex(model.index(row, column))

    def move_next(self) -> None:
        current = self.currentIndex()
        if not current.isValid():
            self.move_to(0, self.first_entry_column())
            return
        model = self.grid_model()
        if current.column() < model.feedback_column:
            self.move_to(current.row(), current.column() + 1)
        else:
            self.move_to(current.row() + 1, self.first_entry_column())

    def move_previous(self) -> None:
        current = self.currentIndex()
        if not current.isValid():
            return
        if current.column() > TYPE:
            self.move_to(current.row(), current.column() - 1)
        elif current.row() > 0:
            self.move_to(current.row() - 1, self.grid_model().feedback_column)

    def closeEditor(  # noqa: N802
        self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint
    ) -> None:
        super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        if hint == QAbstractItemDelegate.EndEditHint.EditNextItem:
            self.setFocus(Qt.FocusReason.OtherFocusReason)
            self.move_next()
        elif hint == QAbstractItemDelegate.EndEditHint.EditPreviousItem:
            self.setFocus(Qt.FocusReason.OtherFocusReason)
            self.move_previous()

    def currentChanged(self, current: Index, previous: Index) -> None:  # noqa: N802
        super().currentChanged(current, previous)
        if previous.isValid() and (not current.isValid() or current.row() != previous.row()):
            self.on_row_left(previous.row())

    # ----------------------------------------------------------------- typing

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if self.state() == QAbstractItemView.State.EditingState:
            super().keyPressEvent(event)
            return
        key = event.key()
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) or (
            key == Qt.Key.Key_Tab and not modifiers
        ):
            self.move_next()
            event.accept()
            return
        if key == Qt.Key.Key_Backtab:
            self.move_previous()
            event.accept()
            return
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not modifiers:
            current = self.currentIndex()
            if current.isValid():
                self.grid_model().clear_cell(current.row(), current.column())
            event.accept()
            return
        text = event.text()
        if text and text.isprintable() and not modifiers & ~Qt.KeyboardModifier.ShiftModifier:
            if self.type_into_cell(text):
                event.accept()
                return
        super().keyPressEvent(event)

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:  # noqa: N802
        """Text committed by an input method: a level, type or competitor is set at once;
        in the 答卷人 and 反馈 cells it opens the editor with that text (Qt itself forwards
        only a composition that starts with pre-edit text)."""
        committed = event.commitString()
        if committed and not event.preeditString() and not self.editing():
            if self.type_into_cell(committed):
                event.accept()
                return
            index = self.currentIndex()
            trigger = QAbstractItemView.EditTrigger.AnyKeyPressed
            if index.isValid() and self.edit(index, trigger, event):
                editor = self.delegate.editor
                if editor is not None:
                    QCoreApplication.sendEvent(editor, event)
                event.accept()
                return
        super().inputMethodEvent(event)

    def type_into_cell(self, text: str) -> bool:
        """Keys that set a cell at once (a level, a type, a competitor): True when the text
        was for such a cell (understood or not); False leaves it to the cell's editor."""
        current = self.currentIndex()
        model = self.grid_model()
        if not current.isValid() or not model.editable:
            return False
        row, column = current.row(), current.column()
        item = model.item_of(column)
        if item is not None:
            if text.strip() == AMBIGUOUS_LEVEL:
                self.tell("“很”可指很满意或很不满意：请键入 1（很满意）或 5（很不满意）。")
                return True
            level = level_from_key(text)
            if level is None:
                self.tell(
                    f"“{text}”不是满意程度：请键入 1–5（1 很满意 … 5 很不满意），Delete 清除。"
                )
                return True
            model.set_level(row, item.id, level)
            self.tell("")
            self.move_next()
            return True
        if column == TYPE:
            rtype = TYPE_KEYS.get(text.strip())
            if rtype is None:
                self.tell("答卷类型：键入 1 客户、2 经销商、3 自评。")
                return True
            model.set_type(row, rtype)
            self.tell("")
            self.move_next()
            return True
        if column == COMPETITOR:
            understood, competitor_id = model.competitor_from_key(text)
            if not understood:
                self.tell("竞争对手：键入 0 本公司，或竞争对手的序号。")
                return True
            if not model.set_competitor(row, competitor_id):
                self.tell("自评问卷只评本公司，不能选竞争对手。")
                return True
            self.tell("")
            self.move_next()
            return True
        return False

    def focus_first_empty_row(self) -> None:
        """Put the cursor on the empty row at the bottom, in its 答卷人 cell."""
        model = self.grid_model()
        if model.rowCount():
            self.move_to(model.rowCount() - 1, self.first_entry_column())
            self.scrollTo(self.currentIndex())

    def editing(self) -> bool:
        return self.state() == QAbstractItemView.State.EditingState

    def commit_open_editor(self) -> None:
        """Write what is typed in an open editor before the row is saved elsewhere."""
        if not self.editing():
            return
        editor = self.delegate.editor
        if editor is not None:
            if isinstance(editor, RespondentEditor) and not editor.take():
                return
            self.delegate.commitData.emit(editor)
            self.delegate.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)
