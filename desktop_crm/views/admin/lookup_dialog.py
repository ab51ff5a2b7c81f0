"""分类列表设置: the configurable lists (客户类别, 等级, 来源渠道, …) and their values; in the
投诉类别 list, which categories are service complaints (服务类投诉, the value's tag)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop_crm.models import User
from desktop_crm.services import complaints, lookups
from desktop_crm.services.customer_fields import LOOKUP_LISTS, SERVICE_TAG
from desktop_crm.services.errors import ValidationError
from desktop_crm.views import messages
from desktop_crm.views.admin.record_table import CENTER, RIGHT, cell, show_records
from desktop_crm.views.context import AppContext
from desktop_crm.views.field_errors import ERROR_STYLE
from desktop_crm.views.service_call import FAILED, run_service


@dataclass(frozen=True)
class LookupRow:
    id: int
    value: str
    help_text: str | None
    active: bool
    used: int
    tag: str | None = None

    @property
    def service(self) -> bool:
        return self.tag == SERVICE_TAG


# The list whose values may be marked 服务类投诉, with their own deadlines (DOMAIN §2).
SERVICE_LIST = complaints.CATEGORY_LIST
SERVICE_COLUMN = 4


def _load_rows(session: Session, list_key: str) -> list[LookupRow]:
    return [
        LookupRow(
            id=item.id,
            value=item.value,
            help_text=item.help_text,
            active=item.active,
            used=lookups.usage_count(session, list_key, item.value),
            tag=item.tag,
        )
        for item in lookups.values(session, list_key, active_only=False)
    ]


class LookupValueEditor(QDialog):
    """Asks for a value and its 说明; submits through `save` and stays open when refused."""

    def __init__(
        self,
        context: AppContext,
        title: str,
        list_name: str,
        save,  # (session, actor, value, help_text) -> plain result
        value: str = "",
        help_text: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("lookupValueEditor")
        self.setWindowTitle(title)
        self._context = context
        self._save = save
        self.result_value: object = None

        self.value_edit = QLineEdit(value, self)
        self.value_edit.setObjectName("valueEdit")
        self.value_edit.setMaxLength(60)
        self.value_error = QLabel(self)
        self.value_error.setObjectName("valueError")
        self.value_error.setStyleSheet(ERROR_STYLE)
        self.value_error.setWordWrap(True)
        self.value_error.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.value_error.hide()
        self.help_edit = QLineEdit(help_text or "", self)
        self.help_edit.setObjectName("helpEdit")
        self.help_edit.setPlaceholderText(self.tr("选择这个值时显示的说明，可不填"))
        self.help_edit.setMinimumWidth(380)

        form = QFormLayout()
        form.addRow(QLabel(self.tr("列表：")), QLabel(list_name))
        form.addRow(self.tr("值："), self.value_edit)
        form.addRow("", self.value_error)
        form.addRow(self.tr("说明："), self.help_edit)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("确定"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def submit(self) -> None:
        value = self.value_edit.text()
        help_text = self.help_edit.text().strip() or None
        self.value_error.hide()
        result = run_service(
            self,
            self._context,
            lambda s, a: self._save(s, a, value, help_text),
            on_invalid=self._show_invalid,
        )
        if result is FAILED:
            return
        self.result_value = result
        self.accept()

    def _show_invalid(self, error: ValidationError) -> None:
        self.value_error.setText(error.message)
        self.value_error.show()
        self.value_edit.setFocus()
        self.layout().activate()
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))


class LookupListsDialog(QDialog):
    """分类列表设置: pick a list on the left, manage its values on the right."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lookupDialog")
        self.setWindowTitle(self.tr("分类列表设置"))
        self._context = context
        self._rows: list[LookupRow] = []

        self.list_widget = QListWidget(self)
        self.list_widget.setObjectName("lookupLists")
        for key, name in LOOKUP_LISTS.items():
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.list_widget.addItem(item)
        self.list_widget.setFixedWidth(150)

        self.heading = QLabel(self)
        self.heading.setObjectName("lookupHeading")
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)

        self.table = QTableWidget(0, 5, self)
        self.table.setObjectName("lookupValues")
        self.table.setHorizontalHeaderLabels(
            [self.tr("值"), self.tr("说明"), self.tr("状态"), self.tr("使用客户数"),
             self.tr("服务类投诉")]
        )  # fmt: skip
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(SERVICE_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(self.rename_selected)

        self.add_button = QPushButton(self.tr("添加…"), self)
        self.add_button.setObjectName("addButton")
        self.rename_button = QPushButton(self.tr("修改…"), self)
        self.rename_button.setObjectName("renameButton")
        self.delete_button = QPushButton(self.tr("删除"), self)
        self.delete_button.setObjectName("deleteButton")
        self.active_button = QPushButton(self.tr("停用"), self)
        self.active_button.setObjectName("activeButton")
        self.up_button = QPushButton(self.tr("上移"), self)
        self.up_button.setObjectName("upButton")
        self.down_button = QPushButton(self.tr("下移"), self)
        self.down_button.setObjectName("downButton")
        self.service_button = QPushButton(self.tr("设为服务类投诉"), self)
        self.service_button.setObjectName("serviceButton")
        self.service_button.setToolTip(
            self.tr(
                "服务类投诉按服务投诉的期限办理：受理后开始调查、给出满意答复的工作日数见期限设置。"
            )
        )
        self.service_button.clicked.connect(self.toggle_service)
        self.add_button.clicked.connect(self.add_value)
        self.rename_button.clicked.connect(self.rename_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.active_button.clicked.connect(self.toggle_active)
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button.clicked.connect(lambda: self.move_selected(1))

        button_column = QVBoxLayout()
        for button in (
            self.add_button,
            self.rename_button,
            self.delete_button,
            self.active_button,
            self.up_button,
            self.down_button,
            self.service_button,
        ):
            button_column.addWidget(button)
        button_column.addStretch(1)

        hint = QLabel(
            self.tr("正在使用的值不能删除，可以停用：停用后不再供选择，已有客户的值保持不变。"),
            self,
        )
        hint.setWordWrap(True)
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.service_hint = QLabel(
            self.tr(
                "标为服务类投诉的类别按服务投诉的期限办理（改名后仍是服务类投诉）；"
                "改变标记时，该类别未结案的投诉随之重算期限，已结案的不变。"
            ),
            self,
        )
        self.service_hint.setObjectName("serviceHint")
        self.service_hint.setWordWrap(True)
        self.service_hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        right = QVBoxLayout()
        right.addWidget(self.heading)
        values_row = QHBoxLayout()
        values_row.addWidget(self.table, 1)
        values_row.addLayout(button_column)
        right.addLayout(values_row, 1)
        right.addWidget(hint)
        right.addWidget(self.service_hint)

        body = QHBoxLayout()
        body.addWidget(self.list_widget)
        body.addLayout(right, 1)

        self.status_label = QLabel(self)
        self.status_label.setObjectName("statusLabel")
        self.status_label.setWordWrap(True)
        close_button = QPushButton(self.tr("关闭"), self)
        close_button.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addLayout(bottom)
        self.resize(820, 460)

        self.list_widget.currentRowChanged.connect(self._list_changed)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        context.hub.sig_customers_changed.connect(self.reload)
        self.list_widget.setCurrentRow(0)

    # ------------------------------------------------------------------ state

    def current_list_key(self) -> str:
        item = self.list_widget.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else next(iter(LOOKUP_LISTS))

    def select_list(self, list_key: str) -> None:
        """Show a list, named by key (``"grade"``) or by its title (``"客户等级"``)."""
        for row in range(self.list_widget.count()):
            item = self.list_widget.item(row)
            if list_key in (item.data(Qt.ItemDataRole.UserRole), item.text()):
                self.list_widget.setCurrentRow(row)
                return
        raise KeyError(list_key)

    def selected_row(self) -> LookupRow | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self._rows):
            return None
        return self._rows[rows[0].row()]

    def select_value(self, value: str) -> None:
        for index, row in enumerate(self._rows):
            if row.value == value:
                self.table.selectRow(index)
                return
        raise KeyError(value)

    def values(self) -> list[LookupRow]:
        """What the table shows, in order (plain values)."""
        return list(self._rows)

    def _list_changed(self) -> None:
        self.status_label.clear()
        self.reload()

    def reload(self, keep_id: int | None = None) -> None:
        list_key = self.current_list_key()
        if keep_id is None:
            current = self.selected_row()
            keep_id = current.id if current else None
        rows = run_service(self, self._context, lambda s, a: _load_rows(s, list_key))
        if rows is FAILED:
            return
        self._rows = rows
        service_list = list_key == SERVICE_LIST
        self.table.setColumnHidden(SERVICE_COLUMN, not service_list)
        self.table.horizontalHeaderItem(3).setText(
            self.tr("使用投诉数") if service_list else self.tr("使用客户数")
        )
        self.service_button.setVisible(service_list)
        self.service_hint.setVisible(service_list)
        self.heading.setText(
            self.tr("「{name}」的值（共 {count} 个）").format(
                name=LOOKUP_LISTS[list_key], count=len(rows)
            )
        )
        show_records(
            self.table,
            [
                (
                    row.id,
                    row.active,
                    [
                        cell(row.value),
                        cell(row.help_text, tooltip=row.help_text or ""),
                        cell(self.tr("启用") if row.active else self.tr("停用"), CENTER),
                        cell(row.used, RIGHT),
                        cell(self.tr("是") if row.service else "", CENTER),
                    ],
                )
                for row in rows
            ],
            keep_id,
        )
        self._update_buttons()

    def _update_buttons(self) -> None:
        row = self.selected_row()
        has = row is not None
        for button in (self.rename_button, self.delete_button, self.active_button):
            button.setEnabled(has)
        index = self._rows.index(row) if row else -1
        self.up_button.setEnabled(has and index > 0)
        self.down_button.setEnabled(has and index < len(self._rows) - 1)
        self.active_button.setText(self.tr("启用") if row and not row.active else self.tr("停用"))
        self.service_button.setEnabled(has)
        self.service_button.setText(
            self.tr("取消服务类投诉") if row and row.service else self.tr("设为服务类投诉")
        )
        self.delete_button.setToolTip(
            self.tr("有 {count} 个客户正在使用，不能删除").format(count=row.used)
            if row and row.used
            else ""
        )

    def _changed(self, keep_id: int | None, status: str) -> None:
        self.reload(keep_id)
        self.status_label.setText(status)
        self._context.hub.sig_lookups_changed.emit()

    # ------------------------------------------------------------------ actions

    def add_value(self) -> None:
        list_key = self.current_list_key()
        editor = LookupValueEditor(
            self._context,
            self.tr("添加值"),
            LOOKUP_LISTS[list_key],
            lambda s, a, value, help_text: lookups.add_value(s, a, list_key, value, help_text).id,
            parent=self,
        )
        accepted = editor.exec() == QDialog.DialogCode.Accepted
        editor.deleteLater()
        if not accepted:
            return
        value = editor.value_edit.text().strip()
        self._changed(editor.result_value, self.tr("已添加「{value}」。").format(value=value))

    def rename_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        list_key = self.current_list_key()
        editor = LookupValueEditor(
            self._context,
            self.tr("修改值"),
            LOOKUP_LISTS[list_key],
            lambda s, a, value, help_text: lookups.rename_value(s, a, row.id, value, help_text),
            value=row.value,
            help_text=row.help_text,
            parent=self,
        )
        if row.used:
            editor.value_edit.setToolTip(
                self.tr("改名后，使用这个值的 {count} 个客户会一起改过来。").format(count=row.used)
            )
        accepted = editor.exec() == QDialog.DialogCode.Accepted
        editor.deleteLater()
        if not accepted:
            return
        new_value = editor.value_edit.text().strip()
        moved = editor.result_value
        if new_value != row.value:
            status = self.tr("「{old}」已改为「{new}」，{count} 个客户的{list}随之更新。").format(
                old=row.value, new=new_value, count=moved, list=LOOKUP_LISTS[list_key]
            )
        else:
            status = self.tr("已修改「{value}」的说明。").format(value=row.value)
        self._changed(row.id, status)

    def delete_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        # A value in use goes straight to the service, whose refusal names the count.
        if not row.used and not messages.confirm(
            self,
            self.tr("删除值"),
            self.tr("删除「{value}」？删除后不能恢复。").format(value=row.value),
        ):
            return

        def delete(session: Session, actor: User) -> None:
            lookups.delete_value(session, actor, row.id)

        if run_service(self, self._context, delete) is FAILED:
            self.reload(row.id)  # counts may have changed meanwhile
            return
        self._changed(None, self.tr("已删除「{value}」。").format(value=row.value))

    def toggle_active(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        active = not row.active

        def toggle(session: Session, actor: User) -> None:
            lookups.set_active(session, actor, row.id, active)

        if run_service(self, self._context, toggle) is FAILED:
            return
        status = (
            self.tr("已启用「{value}」。")
            if active
            else self.tr("已停用「{value}」：不再供选择，已有客户不受影响。")
        )
        self._changed(row.id, status.format(value=row.value))

    def toggle_service(self) -> None:
        """Mark the selected complaint category a service complaint, or not any more."""
        row = self.selected_row()
        if row is None or self.current_list_key() != SERVICE_LIST:
            return
        service = not row.service
        moved = run_service(
            self,
            self._context,
            lambda s, a: complaints.set_service_category(s, a, row.id, service),
        )
        if moved is FAILED:
            return
        status = (
            self.tr("「{value}」已设为服务类投诉。")
            if service
            else self.tr("「{value}」已不再是服务类投诉。")
        ).format(value=row.value)
        if moved:
            status += self.tr("{count} 条未结案投诉已重算期限。").format(count=moved)
        self._changed(row.id, status)
        if moved:
            self._context.hub.sig_complaints_changed.emit()

    def move_selected(self, offset: int) -> None:
        row = self.selected_row()
        if row is None:
            return

        def move(session: Session, actor: User) -> None:
            lookups.move_value(session, actor, row.id, offset)

        if run_service(self, self._context, move) is FAILED:
            return
        self._changed(row.id, "")
