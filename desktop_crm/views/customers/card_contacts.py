"""联系人 tab of the 客户资料管理卡: the contact table and the form for one contact.

Contacts are saved with the card (one version, one history entry), so this tab only keeps
the list the user is editing; it never touches the store.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.services.customers import ContactInput
from desktop_crm.views.customers.card_widgets import (
    error_label,
    help_note,
    list_table,
    plain_button,
    read_only_item,
    tr_data,
)
from desktop_crm.views.widgets import OptionalDateEdit

GENDERS = ("男", "女")
CONTACT_COLUMNS = (
    ("name", "姓名"),
    ("title", "职务"),
    ("gender", "性别"),
    ("mobile", "手机"),
    ("phone", "座机"),
    ("email", "邮箱"),
    ("birthday", "生日"),
    ("is_primary", "主要联系人"),
    ("is_emergency", "紧急联系人"),
)


class ContactDialog(QDialog):
    """Add or change one contact person (saved with the card)."""

    def __init__(self, contact: ContactInput | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("contactDialog")
        self.setWindowTitle(self.tr("添加联系人") if contact is None else self.tr("修改联系人"))
        self._id = contact.id if contact else None
        self.name_edit = QLineEdit(self)
        self.title_edit = QLineEdit(self)
        self.gender_combo = QComboBox(self)
        self.gender_combo.addItem("", None)
        for gender in GENDERS:
            self.gender_combo.addItem(tr_data(gender), gender)
        self.mobile_edit = QLineEdit(self)
        self.mobile_edit.setPlaceholderText("13800000000")
        self.phone_edit = QLineEdit(self)
        self.phone_edit.setPlaceholderText(self.tr("区号-号码，如 029-88886666"))
        self.email_edit = QLineEdit(self)
        self.birthday_edit = OptionalDateEdit(self)
        self.primary_check = QCheckBox(self.tr("主要联系人"), self)
        self.emergency_check = QCheckBox(self.tr("紧急联系人"), self)
        widgets = {
            "name": self.name_edit,
            "title": self.title_edit,
            "gender": self.gender_combo,
            "mobile": self.mobile_edit,
            "phone": self.phone_edit,
            "email": self.email_edit,
            "birthday": self.birthday_edit,
            "is_primary": self.primary_check,
            "is_emergency": self.emergency_check,
        }
        for key, widget in widgets.items():
            widget.setObjectName(f"contact_{key}")
        self.error_label = error_label(self, "contactError", word_wrap=False)

        form = QFormLayout()
        form.addRow(self.tr("姓名 *"), self.name_edit)
        form.addRow(self.tr("职务"), self.title_edit)
        form.addRow(self.tr("性别"), self.gender_combo)
        form.addRow(self.tr("手机"), self.mobile_edit)
        form.addRow(self.tr("座机"), self.phone_edit)
        form.addRow(self.tr("邮箱"), self.email_edit)
        form.addRow(self.tr("生日"), self.birthday_edit)
        flags = QHBoxLayout()
        flags.addWidget(self.primary_check)
        flags.addWidget(self.emergency_check)
        flags.addStretch(1)
        form.addRow("", flags)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("确定"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)
        if contact is not None:
            self.name_edit.setText(contact.name or "")
            self.title_edit.setText(contact.title or "")
            self.gender_combo.setCurrentIndex(max(0, self.gender_combo.findData(contact.gender)))
            self.mobile_edit.setText(contact.mobile or "")
            self.phone_edit.setText(contact.phone or "")
            self.email_edit.setText(contact.email or "")
            self.birthday_edit.set_value(contact.birthday)
            self.primary_check.setChecked(contact.is_primary)
            self.emergency_check.setChecked(contact.is_emergency)

    def _accept(self) -> None:
        if not self.name_edit.text().strip():
            self.error_label.setText(self.tr("请填写联系人姓名。"))
            self.error_label.show()
            self.name_edit.setFocus()
            return
        self.accept()

    def contact(self) -> ContactInput:
        def text(edit: QLineEdit) -> str | None:
            return edit.text().strip() or None

        return ContactInput(
            name=self.name_edit.text().strip(),
            title=text(self.title_edit),
            gender=self.gender_combo.currentData(),
            mobile=text(self.mobile_edit),
            phone=text(self.phone_edit),
            email=text(self.email_edit),
            birthday=self.birthday_edit.value(),
            is_primary=self.primary_check.isChecked(),
            is_emergency=self.emergency_check.isChecked(),
            id=self._id,
        )


class ContactsTab(QWidget):
    """The contacts being edited on the card; exactly one of them is the primary contact."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._contacts: list[ContactInput] = []
        self.read_only = False
        self.table = list_table(self, "contactTable", [tr_data(t) for _k, t in CONTACT_COLUMNS])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._edit_contact)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.add_button = plain_button(self, self.tr("添加…"), "contactAdd")
        self.add_button.clicked.connect(self._add_contact)
        self.edit_button = plain_button(self, self.tr("编辑…"), "contactEdit")
        self.edit_button.clicked.connect(self._edit_contact)
        self.remove_button = plain_button(self, self.tr("删除"), "contactRemove")
        self.remove_button.clicked.connect(self._remove_contact)
        self.primary_button = plain_button(self, self.tr("设为主要联系人"), "contactPrimary")
        self.primary_button.clicked.connect(self._make_primary)
        self.error = error_label(self, "error_contacts")
        note = help_note(self, self.tr("联系人随客户资料一起保存；更换联系人会记入变更记录。"))
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.remove_button, self.primary_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        layout.addWidget(note)

    # ================================================================= the list

    def set_contacts(self, contacts: list[ContactInput]) -> None:
        self._contacts = contacts
        self._show_contacts()

    def contacts(self) -> list[ContactInput]:
        """Copies of the contacts as edited (the caller cannot change the tab's list)."""
        return [replace(c) for c in self._contacts]

    def show_problems(self, lines: list[str]) -> None:
        self.error.setText("\n".join(lines))
        self.error.show()

    def clear_problems(self) -> None:
        self.error.hide()
        self.error.clear()

    def _show_contacts(self) -> None:
        table = self.table
        selected = table.currentRow()
        table.setRowCount(len(self._contacts))
        yes = self.tr("是")
        for row, contact in enumerate(self._contacts):
            for column, (key, _title) in enumerate(CONTACT_COLUMNS):
                value = getattr(contact, key)
                if isinstance(value, bool):
                    text = yes if value else ""
                elif isinstance(value, date):
                    text = value.isoformat()
                elif key == "gender" and value:
                    text = tr_data(value)
                else:
                    text = value or ""
                item = read_only_item(text, row)
                if key.startswith("is_"):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if contact.is_primary and key == "name":
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                table.setItem(row, column, item)
        if 0 <= selected < len(self._contacts):
            table.selectRow(selected)
        self._update_buttons()

    def set_read_only(self, read_only: bool) -> None:
        """Someone who may only look: no buttons, and a double click opens nothing."""
        self.read_only = read_only
        for button in (self.add_button, self.edit_button, self.remove_button, self.primary_button):
            button.setVisible(not read_only)

    def _update_buttons(self) -> None:
        row = self.table.currentRow()
        has = 0 <= row < len(self._contacts) and bool(self.table.selectedItems())
        self.edit_button.setEnabled(has)
        self.remove_button.setEnabled(has)
        self.primary_button.setEnabled(has and not self._contacts[row].is_primary)

    def _selected_row(self) -> int | None:
        row = self.table.currentRow()
        return row if 0 <= row < len(self._contacts) else None

    # ================================================================= user actions

    def _run_contact_dialog(self, contact: ContactInput | None) -> ContactInput | None:
        dialog = ContactDialog(contact, self)
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                return dialog.contact()
            return None
        finally:
            dialog.deleteLater()

    def _add_contact(self) -> None:
        if self.read_only:
            return
        contact = self._run_contact_dialog(None)
        if contact is None:
            return
        if not self._contacts:
            contact.is_primary = True  # the first contact is the main one until told otherwise
        self._contacts.append(contact)
        self._settle_primary(len(self._contacts) - 1)
        self._show_contacts()
        self.table.selectRow(len(self._contacts) - 1)

    def _edit_contact(self) -> None:
        if self.read_only:
            return
        row = self._selected_row()
        if row is None:
            return
        contact = self._run_contact_dialog(self._contacts[row])
        if contact is None:
            return
        self._contacts[row] = contact
        self._settle_primary(row)
        self._show_contacts()

    def _remove_contact(self) -> None:
        row = self._selected_row()
        if row is None:
            return
        del self._contacts[row]
        self._settle_primary(None)
        self._show_contacts()

    def _make_primary(self) -> None:
        row = self._selected_row()
        if row is None:
            return
        self._contacts[row].is_primary = True
        self._settle_primary(row)
        self._show_contacts()

    def _settle_primary(self, changed_row: int | None) -> None:
        """Exactly one primary contact: the one just marked wins; none marked → the first."""
        if changed_row is not None and self._contacts[changed_row].is_primary:
            for row, contact in enumerate(self._contacts):
                contact.is_primary = row == changed_row
        elif self._contacts and not any(c.is_primary for c in self._contacts):
            self._contacts[0].is_primary = True
