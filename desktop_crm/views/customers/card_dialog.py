"""客户资料管理卡: create or edit one customer file, with contacts, follow-ups, purchases,
attachments and the change history.

The field tabs are built from ``customer_fields.FIELDS``: a new field on the card is one line
there. The dialog holds plain values only; every store access is one short session.
"""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import SIGNAL, QCoreApplication, QDate, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.reports.fonts import FontNotFoundError
from desktop_crm.reports.forms.customer_card import CUSTOMER_CARD
from desktop_crm.reports.pdf_render import render_pdf
from desktop_crm.reports.xlsx_render import render_xlsx
from desktop_crm.services import customers, lookups
from desktop_crm.services.customer_fields import FIELDS, CustomerField
from desktop_crm.services.customers import CONTACT_KEYS, Collision, CollisionFound, ContactInput
from desktop_crm.services.errors import (
    Conflict,
    FieldProblem,
    NotFound,
    ServiceError,
    ValidationError,
)
from desktop_crm.services.staff import staff_list
from desktop_crm.views import messages
from desktop_crm.views.context import AppContext
from desktop_crm.views.customers.collision_dialog import CollisionChoice, CollisionDialog
from desktop_crm.views.pdf_preview import PdfPreviewDialog
from desktop_crm.views.widgets import DATE_FORMAT, ChoiceCombo, OptionalDateEdit, StaffCombo

FOLLOWUP_WAYS = ("电话", "上门", "微信", "邮件", "来访", "其他")
ATTACHMENT_KINDS = (
    "营业执照",
    "身份证",
    "组织机构代码证",
    "税务登记证",
    "合同",
    "往来文件",
    "其他",
)
GENDERS = ("男", "女")
# What the service gives a new customer by itself; shown up front so the clerk sees it.
NEW_CUSTOMER_DEFAULTS: dict[str, object] = {"status": "潜在客户"}
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
ERROR_COLOR = "#c0392b"
HELP_COLOR = "#5d6d7e"
_INVALID_STYLE = f"border: 1px solid {ERROR_COLOR};"
_UNSAFE_FILE_CHARS = re.compile(r'[\\/:*?"<>|\s]+')


def _tr(text: str) -> str:
    """Translate data-driven text (field labels, list entries) in one context."""
    return QCoreApplication.translate("CustomerCardDialog", text)


def _date_text(value: date | None) -> str:
    return value.isoformat() if value else ""


def _datetime_text(value: datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else ""


def _money_text(value: Decimal | None) -> str:
    return f"{value:,.2f}" if value is not None else ""


def _size_text(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1048576:.1f} MB"


def _item(text: object, data: object = None, align_right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem("" if text is None else str(text))
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if data is not None:
        item.setData(Qt.ItemDataRole.UserRole, data)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _table(parent: QWidget, name: str, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.horizontalHeader().setHighlightSections(False)
    return table


def _button(parent: QWidget, text: str, name: str) -> QPushButton:
    button = QPushButton(text, parent)
    button.setObjectName(name)
    button.setAutoDefault(False)  # Enter in a field must not press a random button
    return button


@dataclass
class _FieldEditor:
    """One card field on screen: its widget, how to read and fill it, where its error goes."""

    field: CustomerField
    widget: QWidget
    error: QLabel
    get: Callable[[], object]
    put: Callable[[object], None]
    tab_index: int = 0


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
            self.gender_combo.addItem(_tr(gender), gender)
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
        self.error_label = QLabel(self)
        self.error_label.setObjectName("contactError")
        self.error_label.setStyleSheet(f"color: {ERROR_COLOR};")
        self.error_label.hide()

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


class CustomerCardDialog(QDialog):
    """The 客户资料管理卡 of one customer, or an empty one for a new customer.

    ``sig_open_customer(customer_id)`` asks for another customer's card (from the collision
    dialog). When nothing is connected to it, the dialog opens that card itself.
    """

    sig_open_customer = Signal(int)

    def __init__(
        self, context: AppContext, customer_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("customerDialog")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.context = context
        self.customer_id = customer_id
        self.version: int | None = None
        self.code: str | None = None
        self.editors: dict[str, _FieldEditor] = {}
        self._contacts: list[ContactInput] = []
        self._saved_snapshot: object = None
        self._closing = False
        self._collision_dialog: CollisionDialog | None = None

        self._build()
        self._load_choices()
        if customer_id is None:
            self._fill_new()
        elif not self._load_card():
            self.save_button.setEnabled(False)
            QTimer.singleShot(0, self._close_without_asking)
        else:
            self._refresh_lists()
        self._apply_mode()
        self.resize(960, 680)

    # ================================================================= building

    def _build(self) -> None:
        self.header_label = QLabel(self)
        self.header_label.setObjectName("customerHeader")
        self.header_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.header_label.font()
        font.setBold(True)
        self.header_label.setFont(font)

        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("customerErrors")
        self.summary_label.setWordWrap(True)
        self.summary_label.setStyleSheet(
            f"color: {ERROR_COLOR}; background: #fdedec; border: 1px solid #f5b7b1;"
            " padding: 6px; border-radius: 3px;"
        )
        self.summary_label.hide()

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("customerTabs")
        self._build_field_tabs()
        self.contacts_tab_index = self.tabs.addTab(self._build_contacts_tab(), self.tr("联系人"))
        self.followups_tab_index = self.tabs.addTab(
            self._saved_only(self._build_followups_tab(), "followup"), self.tr("跟进记录")
        )
        self.purchases_tab_index = self.tabs.addTab(
            self._saved_only(self._build_purchases_tab(), "purchase"), self.tr("年度购货")
        )
        self.attachments_tab_index = self.tabs.addTab(
            self._saved_only(self._build_attachments_tab(), "attachment"), self.tr("附件")
        )
        self.history_tab_index = self.tabs.addTab(self._build_history_tab(), self.tr("变更记录"))

        self.status_label = QLabel(self)
        self.status_label.setObjectName("customerStatus")
        self.print_button = _button(self, self.tr("打印…"), "customerPrint")
        self.print_button.clicked.connect(self.print_card)
        self.save_button = _button(self, self.tr("保存"), "customerSave")
        self.save_button.setToolTip(self.tr("保存客户资料 (Ctrl+S)"))
        self.save_button.clicked.connect(lambda: self.save())
        self.cancel_button = _button(self, self.tr("取消"), "customerCancel")
        self.cancel_button.clicked.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, lambda: self.save())

        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header_label)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)

    def _build_field_tabs(self) -> None:
        self._line_height = QLineEdit().sizeHint().height()
        sections = list(dict.fromkeys(f.section for f in FIELDS))
        for section in sections:
            page = QWidget()
            grid = QGridLayout(page)
            grid.setHorizontalSpacing(10)
            grid.setVerticalSpacing(6)
            grid.setColumnStretch(1, 1)
            grid.setColumnStretch(3, 1)
            grid.setColumnMinimumWidth(2, 110)
            tab_index = self.tabs.count()
            row, column = 0, 0
            for field in (f for f in FIELDS if f.section == section):
                editor = self._make_editor(field, page)
                editor.tab_index = tab_index
                self.editors[field.key] = editor
                cell = self._field_cell(editor, page)
                label = self._field_label(field, page, editor.widget)
                if field.kind == "longtext":
                    if column:
                        row, column = row + 1, 0
                    grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignTop)
                    grid.addWidget(cell, row, 1, 1, 3, Qt.AlignmentFlag.AlignTop)
                    row += 1
                    continue
                grid.addWidget(label, row, column * 2, Qt.AlignmentFlag.AlignTop)
                grid.addWidget(cell, row, column * 2 + 1, Qt.AlignmentFlag.AlignTop)
                row, column = (row, 1) if column == 0 else (row + 1, 0)
            grid.setRowStretch(row + 1, 1)
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QFrame.Shape.NoFrame)
            scroll.setWidget(page)
            self.tabs.addTab(scroll, _tr(section))

    def _field_label(self, field: CustomerField, parent: QWidget, buddy: QWidget) -> QLabel:
        text = _tr(field.label)
        if field.required:
            text += f' <span style="color:{ERROR_COLOR}">*</span>'
        label = QLabel(text, parent)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        # Line up with the editor's first line, not with its help/error lines below.
        label.setMinimumHeight(self._line_height)
        label.setBuddy(buddy)
        return label

    def _field_cell(self, editor: _FieldEditor, parent: QWidget) -> QWidget:
        cell = QWidget(parent)
        box = QVBoxLayout(cell)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(editor.widget)
        if isinstance(editor.widget, ChoiceCombo):
            help_label = QLabel(cell)
            help_label.setObjectName(f"help_{editor.field.key}")
            help_label.setWordWrap(True)
            help_label.setStyleSheet(f"color: {HELP_COLOR};")
            help_label.hide()

            def show_help(text: str, label: QLabel = help_label) -> None:
                label.setText(text)
                label.setVisible(bool(text))

            editor.widget.sig_help_changed.connect(show_help)
            box.addWidget(help_label)
        box.addWidget(editor.error)
        return cell

    def _make_editor(self, field: CustomerField, parent: QWidget) -> _FieldEditor:
        error = QLabel(parent)
        error.setObjectName(f"error_{field.key}")
        error.setWordWrap(True)
        error.setStyleSheet(f"color: {ERROR_COLOR};")
        error.hide()
        widget: QWidget
        if field.kind == "longtext":
            text_edit = QPlainTextEdit(parent)
            text_edit.setTabChangesFocus(True)
            line = text_edit.fontMetrics().lineSpacing()
            text_edit.setFixedHeight(line * 3 + 14)
            text_edit.textChanged.connect(lambda key=field.key: self._field_edited(key))
            widget = text_edit

            def get() -> object:
                return text_edit.toPlainText().strip() or None

            def put(value: object) -> None:
                text_edit.setPlainText("" if value is None else str(value))

        elif field.kind == "choice":
            combo = ChoiceCombo(parent)
            combo.currentIndexChanged.connect(lambda _i, key=field.key: self._field_edited(key))
            widget = combo
            get = combo.value

            def put(value: object) -> None:
                combo.set_value(value if isinstance(value, str) else None)

        elif field.kind == "staff":
            staff_combo = StaffCombo(parent)
            staff_combo.currentIndexChanged.connect(
                lambda _i, key=field.key: self._field_edited(key)
            )
            widget = staff_combo
            get = staff_combo.value

            def put(value: object) -> None:
                staff_combo.set_value(value if isinstance(value, int) else None)

        elif field.kind == "bool":
            check = QCheckBox(self.tr("是"), parent)
            check.toggled.connect(lambda _c, key=field.key: self._field_edited(key))
            widget = check
            get = check.isChecked

            def put(value: object) -> None:
                check.setChecked(bool(value))

        elif field.kind == "date":
            date_edit = OptionalDateEdit(parent)
            date_edit.sig_changed.connect(lambda key=field.key: self._field_edited(key))
            widget = date_edit
            get = date_edit.value

            def put(value: object) -> None:
                date_edit.set_value(value if isinstance(value, date) else None)

        else:  # text, credit_code
            line_edit = QLineEdit(parent)
            if field.kind == "credit_code":
                line_edit.setPlaceholderText(self.tr("18 位，可不填"))
            line_edit.textChanged.connect(lambda _t, key=field.key: self._field_edited(key))
            widget = line_edit

            def get() -> object:
                return line_edit.text().strip() or None

            def put(value: object) -> None:
                line_edit.setText("" if value is None else str(value))

        widget.setObjectName(f"field_{field.key}")
        return _FieldEditor(field, widget, error, get, put)

    def _saved_only(self, content: QWidget, prefix: str) -> QStackedWidget:
        """A tab that works only on a saved customer; before that it says so."""
        stack = QStackedWidget()
        placeholder = QLabel(self.tr("保存后可添加。\n请先填写客户资料并点击“保存”。"))
        placeholder.setObjectName(f"{prefix}Placeholder")
        placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        placeholder.setStyleSheet(f"color: {HELP_COLOR};")
        stack.addWidget(placeholder)
        stack.addWidget(content)
        return stack

    def _build_contacts_tab(self) -> QWidget:
        page = QWidget()
        self.contact_table = _table(page, "contactTable", [_tr(t) for _k, t in CONTACT_COLUMNS])
        header = self.contact_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.contact_table.doubleClicked.connect(self._edit_contact)
        self.contact_table.itemSelectionChanged.connect(self._update_contact_buttons)
        self.contact_add = _button(page, self.tr("添加…"), "contactAdd")
        self.contact_add.clicked.connect(self._add_contact)
        self.contact_edit = _button(page, self.tr("编辑…"), "contactEdit")
        self.contact_edit.clicked.connect(self._edit_contact)
        self.contact_remove = _button(page, self.tr("删除"), "contactRemove")
        self.contact_remove.clicked.connect(self._remove_contact)
        self.contact_primary = _button(page, self.tr("设为主要联系人"), "contactPrimary")
        self.contact_primary.clicked.connect(self._make_primary)
        self.contacts_error = QLabel(page)
        self.contacts_error.setObjectName("error_contacts")
        self.contacts_error.setWordWrap(True)
        self.contacts_error.setStyleSheet(f"color: {ERROR_COLOR};")
        self.contacts_error.hide()
        note = QLabel(self.tr("联系人随客户资料一起保存；更换联系人会记入变更记录。"), page)
        note.setStyleSheet(f"color: {HELP_COLOR};")
        buttons = QHBoxLayout()
        for button in (
            self.contact_add,
            self.contact_edit,
            self.contact_remove,
            self.contact_primary,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addWidget(self.contact_table, 1)
        layout.addWidget(self.contacts_error)
        layout.addLayout(buttons)
        layout.addWidget(note)
        return page

    def _build_followups_tab(self) -> QWidget:
        page = QWidget()
        self.followup_table = _table(
            page,
            "followupTable",
            [self.tr("日期"), self.tr("方式"), self.tr("内容"), self.tr("结果"), self.tr("问题"),
             self.tr("下一步"), self.tr("记录人")],
        )  # fmt: skip
        header = self.followup_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.followup_table.setWordWrap(True)

        box = QGroupBox(self.tr("添加跟进"), page)
        self.followup_date = QDateEdit(QDate.currentDate(), box)
        self.followup_date.setObjectName("followupDate")
        self.followup_date.setDisplayFormat(DATE_FORMAT)
        self.followup_date.setCalendarPopup(True)
        self.followup_way = QComboBox(box)
        self.followup_way.setObjectName("followupWay")
        for way in FOLLOWUP_WAYS:
            self.followup_way.addItem(_tr(way), way)
        self.followup_content = QPlainTextEdit(box)
        self.followup_content.setObjectName("followupContent")
        self.followup_content.setTabChangesFocus(True)
        self.followup_content.setPlaceholderText(self.tr("做了什么、谈了什么（必填）"))
        self.followup_content.setFixedHeight(
            self.followup_content.fontMetrics().lineSpacing() * 3 + 14
        )
        self.followup_result = QLineEdit(box)
        self.followup_result.setObjectName("followupResult")
        self.followup_problems = QLineEdit(box)
        self.followup_problems.setObjectName("followupProblems")
        self.followup_next = QLineEdit(box)
        self.followup_next.setObjectName("followupNextStep")
        self.followup_add = _button(box, self.tr("添加跟进"), "followupAdd")
        self.followup_add.clicked.connect(self._add_followup)
        self.followup_error = QLabel(box)
        self.followup_error.setObjectName("followupError")
        self.followup_error.setWordWrap(True)
        self.followup_error.setStyleSheet(f"color: {ERROR_COLOR};")
        self.followup_error.hide()

        grid = QGridLayout(box)
        grid.addWidget(QLabel(self.tr("日期"), box), 0, 0)
        grid.addWidget(self.followup_date, 0, 1)
        grid.addWidget(QLabel(self.tr("方式"), box), 0, 2)
        grid.addWidget(self.followup_way, 0, 3)
        grid.setColumnStretch(4, 1)
        grid.addWidget(QLabel(self.tr("内容"), box), 1, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.followup_content, 1, 1, 1, 4)
        grid.addWidget(QLabel(self.tr("结果"), box), 2, 0)
        grid.addWidget(self.followup_result, 2, 1, 1, 4)
        grid.addWidget(QLabel(self.tr("问题"), box), 3, 0)
        grid.addWidget(self.followup_problems, 3, 1, 1, 4)
        grid.addWidget(QLabel(self.tr("下一步"), box), 4, 0)
        grid.addWidget(self.followup_next, 4, 1, 1, 4)
        row = QHBoxLayout()
        grid.addWidget(self.followup_error, 5, 1, 1, 4)
        row.addStretch(1)
        row.addWidget(self.followup_add)
        grid.addLayout(row, 6, 0, 1, 5)

        layout = QVBoxLayout(page)
        layout.addWidget(self.followup_table, 1)
        layout.addWidget(box)
        return page

    def _build_purchases_tab(self) -> QWidget:
        page = QWidget()
        self.purchase_table = _table(
            page,
            "purchaseTable",
            [self.tr("年度"), self.tr("购货量（吨）"), self.tr("购货金额（元）")],
        )
        header = self.purchase_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.purchase_table.itemSelectionChanged.connect(self._purchase_selected)

        box = QGroupBox(self.tr("录入或更正某年度购货"), page)
        self.purchase_year = QSpinBox(box)
        self.purchase_year.setObjectName("purchaseYear")
        self.purchase_year.setRange(1990, 2100)
        self.purchase_year.setValue(date.today().year)
        self.purchase_tons = QLineEdit(box)
        self.purchase_tons.setObjectName("purchaseTons")
        self.purchase_tons.setPlaceholderText(self.tr("吨"))
        self.purchase_amount = QLineEdit(box)
        self.purchase_amount.setObjectName("purchaseAmount")
        self.purchase_amount.setPlaceholderText(self.tr("元"))
        self.purchase_save = _button(box, self.tr("保存该年度"), "purchaseSave")
        self.purchase_save.clicked.connect(self._save_purchase)
        self.purchase_error = QLabel(box)
        self.purchase_error.setObjectName("purchaseError")
        self.purchase_error.setStyleSheet(f"color: {ERROR_COLOR};")
        self.purchase_error.hide()
        row = QHBoxLayout(box)
        row.addWidget(QLabel(self.tr("年度"), box))
        row.addWidget(self.purchase_year)
        row.addSpacing(12)
        row.addWidget(QLabel(self.tr("购货量（吨）"), box))
        row.addWidget(self.purchase_tons, 1)
        row.addSpacing(12)
        row.addWidget(QLabel(self.tr("购货金额（元）"), box))
        row.addWidget(self.purchase_amount, 1)
        row.addSpacing(12)
        row.addWidget(self.purchase_save)

        layout = QVBoxLayout(page)
        layout.addWidget(self.purchase_table, 1)
        layout.addWidget(box)
        layout.addWidget(self.purchase_error)
        return page

    def _build_attachments_tab(self) -> QWidget:
        page = QWidget()
        self.attachment_table = _table(
            page,
            "attachmentTable",
            [self.tr("类别"), self.tr("文件名"), self.tr("大小"), self.tr("添加时间"),
             self.tr("添加人")],
        )  # fmt: skip
        header = self.attachment_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.attachment_table.doubleClicked.connect(self._open_attachment)
        self.attachment_table.itemSelectionChanged.connect(self._update_attachment_buttons)
        self.attachment_kind = QComboBox(page)
        self.attachment_kind.setObjectName("attachmentKind")
        for kind in ATTACHMENT_KINDS:
            self.attachment_kind.addItem(_tr(kind), kind)
        self.attachment_add = _button(page, self.tr("添加…"), "attachmentAdd")
        self.attachment_add.clicked.connect(self._add_attachment)
        self.attachment_open = _button(page, self.tr("打开"), "attachmentOpen")
        self.attachment_open.clicked.connect(self._open_attachment)
        self.attachment_remove = _button(page, self.tr("删除"), "attachmentRemove")
        self.attachment_remove.clicked.connect(self._remove_attachment)
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel(self.tr("类别"), page))
        buttons.addWidget(self.attachment_kind)
        buttons.addWidget(self.attachment_add)
        buttons.addSpacing(20)
        buttons.addWidget(self.attachment_open)
        buttons.addWidget(self.attachment_remove)
        buttons.addStretch(1)
        note = QLabel(self.tr("附件保存在数据库中，随数据库一起备份；单个文件最大 50 MB。"), page)
        note.setStyleSheet(f"color: {HELP_COLOR};")
        layout = QVBoxLayout(page)
        layout.addWidget(self.attachment_table, 1)
        layout.addLayout(buttons)
        layout.addWidget(note)
        return page

    def _build_history_tab(self) -> QWidget:
        page = QWidget()
        self.history_table = _table(
            page,
            "historyTable",
            [self.tr("时间"), self.tr("人员"), self.tr("项目"), self.tr("原值"), self.tr("新值")],
        )
        header = self.history_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(page)
        layout.addWidget(self.history_table)
        return page

    # ================================================================= loading

    def _load_choices(self) -> None:
        with self.context.session() as session:
            staff = [(user.id, user.name) for user in staff_list(session)]
            choices = {
                f.choices: [(v.value, v.help_text) for v in lookups.values(session, f.choices)]
                for f in FIELDS
                if f.kind == "choice" and f.choices
            }
        for editor in self.editors.values():
            if isinstance(editor.widget, ChoiceCombo):
                editor.widget.set_choices(choices.get(editor.field.choices or "", []))
            elif isinstance(editor.widget, StaffCombo):
                editor.widget.set_staff(staff)

    def _fill_new(self) -> None:
        for key, value in NEW_CUSTOMER_DEFAULTS.items():
            if key in self.editors:
                self.editors[key].put(value)
        for editor in self.editors.values():
            if editor.field.kind == "staff" and editor.field.key == "owner_id":
                editor.put(self.context.user_id)
        self._contacts = []
        self._show_contacts()
        self._mark_saved()

    def _load_card(self) -> bool:
        """Fill the card from the store; False when the customer is gone."""
        try:
            with self.context.session() as session:
                customer = customers.get_customer(session, self.customer_id)
                values = {f.key: getattr(customer, f.key) for f in FIELDS}
                owner_name = customer.owner.name if customer.owner else None
                if customer.owner is not None and not customer.owner.active:
                    owner_name = self.tr("{name}（已停用）").format(name=owner_name)
                contacts = [
                    ContactInput(**{k: getattr(c, k) for k in CONTACT_KEYS}, id=c.id)
                    for c in customer.contacts
                ]
                self.version = customer.version
                self.code = customer.code
                registered_at = customer.registered_at
                registered_by = customer.registered_by.name if customer.registered_by else ""
        except NotFound as error:
            messages.show_refusal(self, error, self.tr("无法打开"))
            return False
        except Exception as error:
            messages.show_unexpected(self, error, self.context.log_path)
            return False
        for key, editor in self.editors.items():
            if isinstance(editor.widget, StaffCombo):
                editor.widget.set_value(values[key], owner_name)
            else:
                editor.put(values[key])
        self._contacts = contacts
        self._show_contacts()
        self.header_label.setText(
            self.tr("客户编号：{code}　　登记时间：{when}　　登记人：{who}").format(
                code=self.code, when=_datetime_text(registered_at), who=registered_by or "—"
            )
        )
        self.setWindowTitle(
            self.tr("客户资料管理卡 — {code} {name}").format(code=self.code, name=values["name"])
        )
        self._clear_errors()
        self._mark_saved()
        return True

    def _refresh_lists(self) -> None:
        """Reload follow-ups, purchases, attachments and history (saved customers only)."""
        if self.customer_id is None:
            for table in (
                self.followup_table,
                self.purchase_table,
                self.attachment_table,
                self.history_table,
            ):
                table.setRowCount(0)
            return
        try:
            with self.context.session() as session:
                customer = customers.get_customer(session, self.customer_id)
                followups = [
                    (f.followed_on, f.way, f.content, f.result, f.problems, f.next_step,
                     f.staff.name if f.staff else "")
                    for f in customer.followups
                ]  # fmt: skip
                purchases = [(p.year, p.tons, p.amount) for p in customer.purchases]
                files = [
                    (a.id, a.kind, a.filename, a.size, a.added_at,
                     a.added_by.name if a.added_by else "")
                    for a in customers.attachments(session, self.customer_id)
                ]  # fmt: skip
                changes = [
                    (c.changed_at, c.user.name if c.user else "", c.field, c.old_value,
                     c.new_value)
                    for c in customers.history(session, self.customer_id)
                ]  # fmt: skip
        except ServiceError as error:
            messages.show_refusal(self, error)
            return
        except Exception as error:
            messages.show_unexpected(self, error, self.context.log_path)
            return

        self.followup_table.setRowCount(len(followups))
        for row, (day, way, content, result, problems, next_step, staff) in enumerate(followups):
            cells = (_date_text(day), way, content, result, problems, next_step, staff)
            for column, text in enumerate(cells):
                item = _item(text)
                item.setToolTip(item.text())
                self.followup_table.setItem(row, column, item)
        self.followup_table.resizeColumnsToContents()
        self._limit_columns(self.followup_table, 260)

        self.purchase_table.setRowCount(len(purchases))
        for row, (year, tons, amount) in enumerate(purchases):
            self.purchase_table.setItem(row, 0, _item(year, year))
            self.purchase_table.setItem(row, 1, _item(_money_text(tons), tons, align_right=True))
            self.purchase_table.setItem(
                row, 2, _item(_money_text(amount), amount, align_right=True)
            )

        self.attachment_table.setRowCount(len(files))
        for row, (file_id, kind, filename, size, added_at, added_by) in enumerate(files):
            cells = (kind, filename, _size_text(size), _datetime_text(added_at), added_by)
            for column, text in enumerate(cells):
                self.attachment_table.setItem(
                    row, column, _item(text, file_id, align_right=column == 2)
                )
        self._update_attachment_buttons()

        self.history_table.setRowCount(len(changes))
        for row, (when, who, label, old, new) in enumerate(changes):
            for column, text in enumerate((_datetime_text(when), who, label, old, new)):
                item = _item(text)
                if column >= 3:
                    item.setToolTip(item.text())
                self.history_table.setItem(row, column, item)

    @staticmethod
    def _limit_columns(table: QTableWidget, width: int) -> None:
        for column in range(table.columnCount()):
            if table.columnWidth(column) > width:
                table.setColumnWidth(column, width)

    def _apply_mode(self) -> None:
        """New card or saved card: header, print button, and the tabs that need a saved file."""
        saved = self.customer_id is not None
        if not saved:
            self.header_label.setText(self.tr("新客户　（保存后生成客户编号）"))
            self.setWindowTitle(self.tr("客户资料管理卡 — 新客户"))
        self.print_button.setVisible(saved)
        for index in (
            self.followups_tab_index,
            self.purchases_tab_index,
            self.attachments_tab_index,
        ):
            stack = self.tabs.widget(index)
            assert isinstance(stack, QStackedWidget)
            stack.setCurrentIndex(1 if saved else 0)

    # ================================================================= values and changes

    def values(self) -> dict[str, object]:
        """The card's fields as typed, by key (the service parses and checks them)."""
        return {key: editor.get() for key, editor in self.editors.items()}

    def contacts(self) -> list[ContactInput]:
        return [replace(c) for c in self._contacts]

    def _snapshot(self) -> object:
        return (
            tuple(sorted((k, repr(v)) for k, v in self.values().items())),
            tuple(repr(c) for c in self._contacts),
        )

    def _mark_saved(self) -> None:
        self._saved_snapshot = self._snapshot()

    def is_dirty(self) -> bool:
        return self._snapshot() != self._saved_snapshot

    def _field_edited(self, key: str) -> None:
        editor = self.editors.get(key)
        if editor is not None and editor.error.isVisible():
            self._set_field_error(editor, None)
        if self.status_label.text():
            self.status_label.clear()

    # ================================================================= errors

    def _set_field_error(self, editor: _FieldEditor, message: str | None) -> None:
        editor.error.setText(message or "")
        editor.error.setVisible(bool(message))
        editor.widget.setToolTip(message or "")
        if isinstance(editor.widget, QLineEdit | QPlainTextEdit):
            editor.widget.setStyleSheet(_INVALID_STYLE if message else "")

    def _clear_errors(self) -> None:
        for editor in self.editors.values():
            if editor.error.isVisible() or editor.error.text():
                self._set_field_error(editor, None)
        self.contacts_error.hide()
        self.contacts_error.clear()
        self.summary_label.hide()
        self.summary_label.clear()

    def _show_problems(self, problems: list[FieldProblem]) -> None:
        lines: list[str] = []
        first_tab: int | None = None
        first_widget: QWidget | None = None
        contact_lines: list[str] = []
        for problem in problems:
            lines.append(problem.message)
            editor = self.editors.get(problem.field)
            if editor is not None:
                prefix = _tr(editor.field.label) + "："
                short = problem.message.removeprefix(prefix).removeprefix(editor.field.label + "：")
                shown = editor.error.text()
                self._set_field_error(editor, f"{shown}\n{short}" if shown else short)
                tab, widget = editor.tab_index, editor.widget
            elif problem.field == "contacts":
                contact_lines.append(problem.message)
                tab, widget = self.contacts_tab_index, self.contact_table
            else:
                continue
            if first_tab is None:
                first_tab, first_widget = tab, widget
        if contact_lines:
            self.contacts_error.setText("\n".join(contact_lines))
            self.contacts_error.show()
        self.summary_label.setText(
            self.tr("未保存，有 {n} 处需要修改：").format(n=len(lines))
            + "\n"
            + "\n".join(f"· {line}" for line in lines)
        )
        self.summary_label.show()
        if first_tab is not None:
            self.tabs.setCurrentIndex(first_tab)
            if first_widget is not None:
                first_widget.setFocus()

    # ================================================================= saving

    def save(self, accept_collisions: bool = False) -> bool:
        """Save the card; True when it was saved. Collisions are answered asynchronously."""
        self._clear_errors()
        self.status_label.clear()
        creating = self.customer_id is None
        try:
            with self.context.session() as session:
                customer = customers.save_customer(
                    session,
                    self.context.actor(session),
                    self.values(),
                    self.contacts(),
                    self.customer_id,
                    self.version,
                    accept_collisions=bool(accept_collisions),
                )
                saved_id = customer.id
        except ValidationError as error:
            self._show_problems(error.problems)
            return False
        except CollisionFound as error:
            self._ask_about_collisions(error.collisions)
            return False
        except (Conflict, NotFound) as error:
            messages.show_refusal(self, error, self.tr("无法保存"))
            return False
        except ServiceError as error:
            messages.show_refusal(self, error, self.tr("无法保存"))
            return False
        except Exception as error:
            messages.show_unexpected(self, error, self.context.log_path)
            return False

        self.customer_id = saved_id
        self._load_card()
        self._refresh_lists()
        self._apply_mode()
        self.status_label.setText(
            (self.tr("已保存，客户编号 {code}") if creating else self.tr("已保存 {time}")).format(
                code=self.code, time=datetime.now().strftime("%H:%M")
            )
        )
        self.context.hub.sig_customers_changed.emit()
        return True

    def _ask_about_collisions(self, collisions: list[Collision]) -> None:
        dialog = CollisionDialog(collisions, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result, d=dialog: self._collision_answered(d))
        self._collision_dialog = dialog
        dialog.open()

    def _collision_answered(self, dialog: CollisionDialog) -> None:
        self._collision_dialog = None
        if dialog.choice is CollisionChoice.PROCEED:
            self.save(accept_collisions=True)
        elif dialog.choice is CollisionChoice.OPEN and dialog.chosen_customer_id is not None:
            self.open_customer(dialog.chosen_customer_id)
            self._close_without_asking()
        else:
            self.editors["name"].widget.setFocus()

    def open_customer(self, customer_id: int) -> None:
        """Show another customer's card: via whoever listens to sig_open_customer, else here."""
        if self.receivers(SIGNAL("sig_open_customer(int)")) > 0:
            self.sig_open_customer.emit(customer_id)
            return
        card = CustomerCardDialog(self.context, customer_id, self.parentWidget())
        card.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        _open_cards.add(card)
        card.destroyed.connect(lambda _obj=None, c=card: _open_cards.discard(c))
        card.show()

    # ================================================================= closing

    def reject(self) -> None:
        if not self._closing and self.is_dirty():
            answer = QMessageBox.question(
                self,
                self.tr("放弃修改"),
                self.tr("客户资料有未保存的修改。是否放弃修改？"),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        super().reject()

    def _close_without_asking(self) -> None:
        self._closing = True
        super().reject()

    # ================================================================= contacts

    def _show_contacts(self) -> None:
        table = self.contact_table
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
                    text = _tr(value)
                else:
                    text = value or ""
                item = _item(text, row)
                if key.startswith("is_"):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if contact.is_primary and key == "name":
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                table.setItem(row, column, item)
        if 0 <= selected < len(self._contacts):
            table.selectRow(selected)
        self._update_contact_buttons()

    def _update_contact_buttons(self) -> None:
        row = self.contact_table.currentRow()
        has = 0 <= row < len(self._contacts) and bool(self.contact_table.selectedItems())
        self.contact_edit.setEnabled(has)
        self.contact_remove.setEnabled(has)
        self.contact_primary.setEnabled(has and not self._contacts[row].is_primary)

    def _selected_contact_row(self) -> int | None:
        row = self.contact_table.currentRow()
        return row if 0 <= row < len(self._contacts) else None

    def _run_contact_dialog(self, contact: ContactInput | None) -> ContactInput | None:
        dialog = ContactDialog(contact, self)
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                return dialog.contact()
            return None
        finally:
            dialog.deleteLater()

    def _add_contact(self) -> None:
        contact = self._run_contact_dialog(None)
        if contact is None:
            return
        if not self._contacts:
            contact.is_primary = True  # the first contact is the main one until told otherwise
        self._contacts.append(contact)
        self._settle_primary(len(self._contacts) - 1)
        self._show_contacts()
        self.contact_table.selectRow(len(self._contacts) - 1)

    def _edit_contact(self) -> None:
        row = self._selected_contact_row()
        if row is None:
            return
        contact = self._run_contact_dialog(self._contacts[row])
        if contact is None:
            return
        self._contacts[row] = contact
        self._settle_primary(row)
        self._show_contacts()

    def _remove_contact(self) -> None:
        row = self._selected_contact_row()
        if row is None:
            return
        del self._contacts[row]
        self._settle_primary(None)
        self._show_contacts()

    def _make_primary(self) -> None:
        row = self._selected_contact_row()
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

    # ================================================================= follow-ups

    def _add_followup(self) -> None:
        if self.customer_id is None:
            return
        self.followup_error.hide()
        qdate = self.followup_date.date()
        try:
            with self.context.session() as session:
                customers.add_followup(
                    session,
                    self.context.actor(session),
                    self.customer_id,
                    date(qdate.year(), qdate.month(), qdate.day()),
                    self.followup_way.currentData(),
                    self.followup_content.toPlainText(),
                    self.followup_result.text().strip() or None,
                    self.followup_problems.text().strip() or None,
                    self.followup_next.text().strip() or None,
                )
        except ValidationError as error:
            self.followup_error.setText(error.message)
            self.followup_error.show()
            self.followup_content.setFocus()
            return
        except ServiceError as error:
            messages.show_refusal(self, error)
            return
        except Exception as error:
            messages.show_unexpected(self, error, self.context.log_path)
            return
        for edit in (self.followup_result, self.followup_problems, self.followup_next):
            edit.clear()
        self.followup_content.clear()
        self.followup_date.setDate(QDate.currentDate())
        self._refresh_lists()
        self.status_label.setText(self.tr("跟进记录已添加"))
        self.context.hub.sig_customers_changed.emit()

    # ================================================================= purchases

    def _purchase_selected(self) -> None:
        row = self.purchase_table.currentRow()
        if row < 0 or not self.purchase_table.selectedItems():
            return
        year = self.purchase_table.item(row, 0).data(Qt.ItemDataRole.UserRole)
        tons = self.purchase_table.item(row, 1).data(Qt.ItemDataRole.UserRole)
        amount = self.purchase_table.item(row, 2).data(Qt.ItemDataRole.UserRole)
        self.purchase_year.setValue(int(year))
        self.purchase_tons.setText("" if tons is None else str(tons))
        self.purchase_amount.setText("" if amount is None else str(amount))

    def _save_purchase(self) -> None:
        if self.customer_id is None:
            return
        self.purchase_error.hide()
        try:
            with self.context.session() as session:
                customers.set_purchase(
                    session,
                    self.context.actor(session),
                    self.customer_id,
                    self.purchase_year.value(),
                    self.purchase_tons.text().strip(),
                    self.purchase_amount.text().strip(),
                )
        except ValidationError as error:
            self.purchase_error.setText(error.message)
            self.purchase_error.show()
            return
        except ServiceError as error:
            messages.show_refusal(self, error)
            return
        except Exception as error:
            messages.show_unexpected(self, error, self.context.log_path)
            return
        self._refresh_lists()
        self.status_label.setText(
            self.tr("{year} 年购货已保存").format(year=self.purchase_year.value())
        )
        self.context.hub.sig_customers_changed.emit()

    # ================================================================= attachments

    def _selected_attachment(self) -> tuple[int, str] | None:
        row = self.attachment_table.currentRow()
        if row < 0 or not self.attachment_table.selectedItems():
            return None
        item = self.attachment_table.item(row, 1)
        return item.data(Qt.ItemDataRole.UserRole), item.text()

    def _update_attachment_buttons(self) -> None:
        has = self._selected_attachment() is not None
        self.attachment_open.setEnabled(has)
        self.attachment_remove.setEnabled(has)

    def _add_attachment(self) -> None:
        if self.customer_id is None:
            return
        path, _filter = QFileDialog.getOpenFileName(
            self,
            self.tr("添加附件"),
            "",
            self.tr(
                "扫描件和文档 (*.pdf *.jpg *.jpeg *.png *.tif *.tiff *.doc *.docx *.xls *.xlsx);;所有文件 (*)"
            ),
        )
        if not path:
            return
        try:
            with self.context.session() as session:
                customers.add_attachment(
                    session,
                    self.context.actor(session),
                    self.customer_id,
                    path,
                    self.attachment_kind.currentData(),
                )
        except ServiceError as error:
            messages.show_refusal(self, error, self.tr("无法添加附件"))
            return
        except Exception as error:
            messages.show_unexpected(self, error, self.context.log_path)
            return
        self._refresh_lists()
        self.status_label.setText(self.tr("附件已添加：{name}").format(name=Path(path).name))
        self.context.hub.sig_customers_changed.emit()

    def _open_attachment(self) -> None:
        selected = self._selected_attachment()
        if selected is None:
            return
        try:
            with self.context.session() as session:
                item, data = customers.attachment_data(session, selected[0])
                filename = item.filename
            # The viewer reads the file after we return: it stays in the temp folder.
            folder = Path(tempfile.gettempdir()) / "desktop-crm-attachments" / str(selected[0])
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / filename
            target.write_bytes(data)
        except ServiceError as error:
            messages.show_refusal(self, error, self.tr("无法打开附件"))
            return
        except OSError as error:
            QMessageBox.warning(
                self,
                self.tr("无法打开附件"),
                self.tr("无法写入临时文件：{reason}").format(reason=error.strerror or error),
            )
            return
        except Exception as error:
            messages.show_unexpected(self, error, self.context.log_path)
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(target))):
            QMessageBox.information(
                self,
                self.tr("无法打开附件"),
                self.tr("没有找到能打开这个文件的程序。文件已存放在：\n{path}").format(path=target),
            )

    def _remove_attachment(self) -> None:
        selected = self._selected_attachment()
        if selected is None:
            return
        if not messages.confirm(
            self,
            self.tr("删除附件"),
            self.tr("确定删除附件“{name}”吗？删除会记入变更记录。").format(name=selected[1]),
        ):
            return
        try:
            with self.context.session() as session:
                customers.remove_attachment(session, self.context.actor(session), selected[0])
        except ServiceError as error:
            messages.show_refusal(self, error, self.tr("无法删除附件"))
            return
        except Exception as error:
            messages.show_unexpected(self, error, self.context.log_path)
            return
        self._refresh_lists()
        self.context.hub.sig_customers_changed.emit()

    # ================================================================= printing

    def print_card(self) -> None:
        """Preview the printed 客户资料管理卡 (as saved) with print and save."""
        if self.customer_id is None:
            return
        if self.is_dirty() and not messages.confirm(
            self,
            self.tr("打印"),
            self.tr("有未保存的修改，打印的是已保存的内容。是否继续打印？"),
        ):
            return
        try:
            with self.context.session() as session:
                data = customers.card_data(
                    session, self.customer_id, printed_by=self.context.actor(session)
                )
            buffer = io.BytesIO()
            render_pdf(CUSTOMER_CARD, data, buffer)
        except FontNotFoundError as error:
            QMessageBox.warning(self, self.tr("无法打印"), str(error))
            return
        except ServiceError as error:
            messages.show_refusal(self, error, self.tr("无法打印"))
            return
        except Exception as error:
            messages.show_unexpected(self, error, self.context.log_path)
            return

        def make_xlsx() -> bytes:
            stream = io.BytesIO()
            render_xlsx(CUSTOMER_CARD, data, stream)
            return stream.getvalue()

        name = _UNSAFE_FILE_CHARS.sub("_", f"{self.code}_{data.get('name') or ''}").strip("_")
        preview = PdfPreviewDialog(
            buffer.getvalue(),
            self.tr("客户资料管理卡 — {code}").format(code=self.code),
            self.tr("客户资料管理卡_{name}.pdf").format(name=name),
            self,
            make_xlsx,
        )
        preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        preview.open()


# Cards opened from another card without a main window to own them stay alive here.
_open_cards: set[CustomerCardDialog] = set()
