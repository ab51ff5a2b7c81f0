"""人员管理: the staff table, and the form that adds or changes one person."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop_crm.models import User
from desktop_crm.services import staff
from desktop_crm.services.customer_fields import ROLES
from desktop_crm.services.errors import NotFound, ValidationError
from desktop_crm.views import messages
from desktop_crm.views.admin.password_dialog import PasswordDialog
from desktop_crm.views.admin.reassign_dialog import ReassignDialog
from desktop_crm.views.admin.record_table import CENTER, RIGHT, cell, show_records
from desktop_crm.views.context import AppContext
from desktop_crm.views.field_errors import ERROR_STYLE, show_field_errors
from desktop_crm.views.service_call import FAILED, run_service


@dataclass(frozen=True)
class _FormData:
    departments: list[tuple[int, str]]
    person: staff.StaffRow | None


def _load_form(session: Session, user_id: int | None) -> _FormData:
    person = None
    if user_id is not None:
        person = next((r for r in staff.staff_rows(session) if r.id == user_id), None)
        if person is None:
            raise NotFound("这个人员已不存在。")
    departments = [(d.id, d.name) for d in staff.departments(session, active_only=False)]
    active_ids = {d.id for d in staff.departments(session)}
    keep = person.department_id if person else None
    return _FormData([(i, n) for i, n in departments if i in active_ids or i == keep], person)


@dataclass(frozen=True)
class SavedStaff:
    id: int
    name: str
    active: bool
    customers: int


class StaffEditDialog(QDialog):
    """添加人员 / 编辑人员: saves through save_staff; refusals appear beside the fields."""

    def __init__(
        self, context: AppContext, user_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("staffEditDialog")
        self.setWindowTitle(self.tr("添加人员") if user_id is None else self.tr("编辑人员"))
        self._context = context
        self._user_id = user_id
        self.saved: SavedStaff | None = None
        self.was_active = True

        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("nameEdit")
        self.name_edit.setMaxLength(40)
        self.login_edit = QLineEdit(self)
        self.login_edit.setObjectName("loginEdit")
        self.login_edit.setMaxLength(40)
        self.login_edit.setPlaceholderText(self.tr("可不填；登录本系统时使用"))
        self.department_combo = QComboBox(self)
        self.department_combo.setObjectName("departmentCombo")
        self.department_combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.role_boxes: dict[str, QCheckBox] = {}
        roles_widget = QWidget(self)
        roles_widget.setObjectName("rolesBox")
        roles_grid = QGridLayout(roles_widget)
        roles_grid.setContentsMargins(0, 0, 0, 0)
        for index, role in enumerate(ROLES):
            box = QCheckBox(role, roles_widget)
            self.role_boxes[role] = box
            roles_grid.addWidget(box, index // 2, index % 2)
        self.phone_edit = QLineEdit(self)
        self.phone_edit.setObjectName("phoneEdit")
        self.phone_edit.setMaxLength(40)
        self.active_box = QCheckBox(self.tr("在职"), self)
        self.active_box.setObjectName("activeBox")
        self.active_box.setChecked(True)
        self.active_box.setToolTip(
            self.tr("取消勾选即停用：此人不再出现在各处的人员选择中，历史记录保留。")
        )

        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        for key, label, widget in (
            ("name", self.tr("姓名："), self.name_edit),
            ("login", self.tr("登录名："), self.login_edit),
            ("department_id", self.tr("部门："), self.department_combo),
            ("roles", self.tr("角色："), roles_widget),
            ("phone", self.tr("电话："), self.phone_edit),
            ("active", "", self.active_box),
        ):
            form.addRow(label, widget)
            error = QLabel(self)
            error.setObjectName(f"{key}Error")
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            error.hide()
            self.errors[key] = error
            form.addRow("", error)
        self.general_error = QLabel(self)
        self.general_error.setObjectName("generalError")
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.general_error.hide()

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("保存"))
        self.save_button.setObjectName("saveButton")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)
        self._load()

    def _load(self) -> None:
        user_id = self._user_id
        data = run_service(self, self._context, lambda s, a: _load_form(s, user_id))
        if data is FAILED:
            self.save_button.setEnabled(False)
            return
        self.department_combo.addItem(self.tr("（未指定）"), None)
        for department_id, name in data.departments:
            self.department_combo.addItem(name, department_id)
        person = data.person
        if person is None:
            return
        self.name_edit.setText(person.name)
        self.login_edit.setText(person.login or "")
        self.phone_edit.setText(person.phone or "")
        self.department_combo.setCurrentIndex(
            max(0, self.department_combo.findData(person.department_id))
        )
        for role in person.roles:
            if role in self.role_boxes:
                self.role_boxes[role].setChecked(True)
        self.active_box.setChecked(person.active)
        self.was_active = person.active

    def set_roles(self, roles: list[str]) -> None:
        for role, box in self.role_boxes.items():
            box.setChecked(role in roles)

    def select_department(self, name: str) -> None:
        index = self.department_combo.findText(name)
        if index < 0:
            raise KeyError(name)
        self.department_combo.setCurrentIndex(index)

    def input(self) -> staff.StaffInput:
        return staff.StaffInput(
            name=self.name_edit.text(),
            department_id=self.department_combo.currentData(),
            roles=[role for role, box in self.role_boxes.items() if box.isChecked()],
            active=self.active_box.isChecked(),
            login=self.login_edit.text() or None,
            phone=self.phone_edit.text() or None,
        )

    def save(self) -> None:
        data = self.input()
        user_id = self._user_id
        for label in (*self.errors.values(), self.general_error):
            label.hide()

        def save(session: Session, actor: User) -> SavedStaff:
            user = staff.save_staff(session, actor, data, user_id)
            return SavedStaff(
                id=user.id,
                name=user.name,
                active=user.active,
                customers=staff.customer_counts(session).get(user.id, 0),
            )

        saved = run_service(self, self._context, save, on_invalid=self._show_invalid)
        if saved is FAILED:
            return
        self.saved = saved
        self._context.hub.sig_staff_changed.emit()
        self.accept()

    def _show_invalid(self, error: ValidationError) -> None:
        focus = {
            "name": self.name_edit,
            "login": self.login_edit,
            "department_id": self.department_combo,
            "phone": self.phone_edit,
        }
        show_field_errors(self, error, self.errors, self.general_error, focus)


class StaffDialog(QDialog):
    """人员管理: who works here, in which department, with which roles and customers."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("staffDialog")
        self.setWindowTitle(self.tr("人员管理"))
        self._context = context
        self._rows: list[staff.StaffRow] = []

        self.add_button = QPushButton(self.tr("添加…"), self)
        self.add_button.setObjectName("addButton")
        self.edit_button = QPushButton(self.tr("编辑…"), self)
        self.edit_button.setObjectName("editButton")
        self.reassign_button = QPushButton(self.tr("移交客户…"), self)
        self.reassign_button.setObjectName("reassignButton")
        self.reset_password_button = QPushButton(self.tr("重置密码…"), self)
        self.reset_password_button.setObjectName("staffResetPassword")
        self.reset_password_button.clicked.connect(self.reset_password_selected)
        self.show_inactive_box = QCheckBox(self.tr("显示停用人员"), self)
        self.show_inactive_box.setObjectName("showInactiveBox")
        self.add_button.clicked.connect(self.add_staff)
        self.edit_button.clicked.connect(self.edit_selected)
        self.reassign_button.clicked.connect(self.reassign_selected)
        self.show_inactive_box.toggled.connect(lambda _checked: self.reload())

        toolbar = QHBoxLayout()
        toolbar.addWidget(self.add_button)
        toolbar.addWidget(self.edit_button)
        toolbar.addWidget(self.reassign_button)
        toolbar.addWidget(self.reset_password_button)
        toolbar.addStretch(1)
        toolbar.addWidget(self.show_inactive_box)

        titles = [
            self.tr("姓名"),
            self.tr("登录名"),
            self.tr("部门"),
            self.tr("角色"),
            self.tr("状态"),
            self.tr("客户数"),
        ]
        self.table = QTableWidget(0, len(titles), self)
        self.table.setObjectName("staffTable")
        self.table.setHorizontalHeaderLabels(titles)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(72)
        for column in range(len(titles)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self.edit_selected)
        self.table.itemSelectionChanged.connect(self._update_buttons)

        self.status_label = QLabel(self)
        self.status_label.setObjectName("statusLabel")
        close_button = QPushButton(self.tr("关闭"), self)
        close_button.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(toolbar)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.resize(860, 480)

        context.hub.sig_staff_changed.connect(self.reload)
        context.hub.sig_customers_changed.connect(self.reload)
        self.reload()

    # ------------------------------------------------------------------ state

    def rows(self) -> list[staff.StaffRow]:
        """What the table shows, in order (plain values)."""
        return list(self._rows)

    def selected_row(self) -> staff.StaffRow | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self._rows):
            return None
        return self._rows[rows[0].row()]

    def select_staff(self, user_id: int) -> None:
        for index, row in enumerate(self._rows):
            if row.id == user_id:
                self.table.selectRow(index)
                return
        raise KeyError(user_id)

    def reload(self, keep_id: int | None = None) -> None:
        if keep_id is None:
            current = self.selected_row()
            keep_id = current.id if current else None
        active_only = not self.show_inactive_box.isChecked()
        rows = run_service(self, self._context, lambda s, a: staff.staff_rows(s, active_only))
        if rows is FAILED:
            return
        self._rows = rows
        show_records(
            self.table,
            [
                (
                    row.id,
                    row.active,
                    [
                        cell(row.name),
                        cell(row.login),
                        cell(row.department),
                        cell("、".join(row.roles), tooltip="、".join(row.roles)),
                        cell(self.tr("在职") if row.active else self.tr("停用"), CENTER),
                        cell(row.customers, RIGHT),
                    ],
                )
                for row in rows
            ],
            keep_id,
        )
        self._update_buttons()

    def _update_buttons(self) -> None:
        row = self.selected_row()
        self.edit_button.setEnabled(row is not None)
        self.reassign_button.setEnabled(row is not None and row.customers > 0)
        # Only an account with a login name can sign in, so only it can have a password.
        self.reset_password_button.setEnabled(row is not None and bool(row.login))
        self.reset_password_button.setToolTip(
            self.tr("先在 编辑… 中填写登录名，才能设置密码。")
            if row is not None and not row.login
            else ""
        )

    # ------------------------------------------------------------------ actions

    def make_editor(self, user_id: int | None = None) -> StaffEditDialog:
        return StaffEditDialog(self._context, user_id, self)

    def add_staff(self) -> None:
        self._edit(None)

    def edit_selected(self) -> None:
        row = self.selected_row()
        if row is not None:
            self._edit(row.id)

    def _edit(self, user_id: int | None) -> None:
        editor = self.make_editor(user_id)
        accepted = editor.exec() == QDialog.DialogCode.Accepted
        saved, was_active = editor.saved, editor.was_active
        editor.deleteLater()
        if accepted and saved is not None:
            self.after_save(saved, was_active)

    def after_save(self, saved: SavedStaff, was_active: bool) -> None:
        """Select the saved person; offer to hand over the customers of one just stopped."""
        self.status_label.setText(self.tr("已保存 {name}。").format(name=saved.name))
        if not saved.active and not self.show_inactive_box.isChecked():
            self.show_inactive_box.setChecked(True)  # keep the person just stopped in sight
        self.reload(saved.id)
        if not saved.active and was_active and saved.customers:
            if messages.confirm(
                self,
                self.tr("移交客户"),
                self.tr(
                    "{name} 已停用，名下还有 {count} 个客户。\n现在把这些客户移交给别人吗？"
                ).format(name=saved.name, count=saved.customers),
            ):
                self.open_reassign(saved.id)

    def make_password_dialog(self, user_id: int) -> PasswordDialog:
        return PasswordDialog(self._context, user_id, self)

    def reset_password_selected(self) -> None:
        """重置密码: the administrator sets a new password (the service checks the right)."""
        row = self.selected_row()
        if row is None or not row.login:
            return
        dialog = self.make_password_dialog(row.id)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        dialog.deleteLater()
        if accepted:
            self.status_label.setText(self.tr("已为 {name} 设置新密码。").format(name=row.name))
            self._context.hub.sig_staff_changed.emit()

    def reassign_selected(self) -> None:
        row = self.selected_row()
        self.open_reassign(row.id if row else None)

    def make_reassign_dialog(self, from_user_id: int | None) -> ReassignDialog:
        return ReassignDialog(self._context, from_user_id, self)

    def open_reassign(self, from_user_id: int | None) -> None:
        dialog = self.make_reassign_dialog(from_user_id)
        dialog.exec()
        dialog.deleteLater()  # children of this window would otherwise pile up
