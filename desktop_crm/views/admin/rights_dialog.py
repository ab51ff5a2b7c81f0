"""权限设置: the rights table of one role, area by action, each cell a choice of scope.

Every change is one service call (`rights.set_right`: checked, audited, committed); a refused
change shows the service's message and the cell goes back to what the store holds.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop_crm.models import User
from desktop_crm.services import rights, rights_admin
from desktop_crm.services.customer_fields import ROLES
from desktop_crm.views import messages
from desktop_crm.views.context import AppContext
from desktop_crm.views.field_errors import ERROR_STYLE
from desktop_crm.views.service_call import FAILED, run_service

Right = tuple[str, str]

_SCOPE_TINTS = {
    rights.OWN: QColor("#ddf0d0"),
    rights.DEPARTMENT: QColor("#bde3a5"),
    rights.ALL: QColor("#9bd37a"),
}


class RightsDialog(QDialog):
    """权限设置: pick a role; rows are areas, columns actions, cells 无 / 本人 / 本部门 / 全部."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rightsDialog")
        self.setWindowTitle(self.tr("权限设置"))
        self._context = context
        self._grid: rights_admin.RoleGrid | None = None
        self._scopes: dict[Right, str | None] = {}
        self._filling = False

        self.role_combo = QComboBox(self)
        self.role_combo.setObjectName("rightsRole")
        self.role_combo.addItems(list(ROLES))
        self.role_combo.setMinimumContentsLength(8)
        role_label = QLabel(self.tr("角色："), self)
        role_label.setBuddy(self.role_combo)
        self.reset_button = QPushButton(self.tr("恢复默认"), self)
        self.reset_button.setObjectName("rightsReset")
        self.reset_button.setToolTip(self.tr("把这个角色的权限恢复为程序的默认设置"))
        self.reset_button.clicked.connect(self.reset_role)

        top = QHBoxLayout()
        top.addWidget(role_label)
        top.addWidget(self.role_combo)
        top.addStretch(1)
        top.addWidget(self.reset_button)

        self.notice_label = QLabel(self)
        self.notice_label.setObjectName("rightsNotice")
        self.notice_label.setWordWrap(True)
        self.notice_label.setStyleSheet(ERROR_STYLE)
        self.notice_label.hide()

        self.table = QTableWidget(len(rights.AREAS), len(rights.ACTIONS), self)
        self.table.setObjectName("rightsTable")
        self.table.setVerticalHeaderLabels([self.tr(label) for label in rights.AREAS.values()])
        self.table.setHorizontalHeaderLabels([self.tr(label) for label in rights.ACTIONS.values()])
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self._combos: dict[Right, QComboBox] = {}
        for row, area in enumerate(rights.AREAS):
            for column, action in enumerate(rights.ACTIONS):
                combo = self._make_cell(area, action)
                self._combos[(area, action)] = combo
                self.table.setCellWidget(row, column, combo)
        cell_hint = next(iter(self._combos.values())).sizeHint()
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(cell_hint.width() + 4)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(cell_hint.height() + 8)
        rows.setDefaultAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.table.setMinimumHeight(
            header.sizeHint().height() + len(rights.AREAS) * rows.defaultSectionSize() + 4
        )
        self.table.setMinimumWidth(
            rows.sizeHint().width() + len(rights.ACTIONS) * header.minimumSectionSize() + 4
        )

        hint = QLabel(
            self.tr(
                "本人：只管自己负责的记录；本部门：本部门所有人的记录；全部：全公司的记录。"
                "设置、账户、审计日志不分范围，只有「有」或「无」。一个人有几个角色时，"
                "按其中最宽的范围办理。改动立即生效，并记入审计日志。"
                "颜色越深范围越宽；粗体是与默认设置不同的格子。"
            ),
            self,
        )
        hint.setObjectName("rightsHint")
        hint.setWordWrap(True)
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self.status_label = QLabel(self)
        self.status_label.setObjectName("rightsStatus")
        self.status_label.setWordWrap(True)
        close_button = QPushButton(self.tr("关闭"), self)
        close_button.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.notice_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)
        layout.addLayout(bottom)

        self.role_combo.currentIndexChanged.connect(self._role_changed)
        self.reload()
        self.resize(self.sizeHint().expandedTo(self.minimumSizeHint()))

    # ------------------------------------------------------------------ cells

    def _make_cell(self, area: str, action: str) -> QComboBox:
        combo = QComboBox(self.table)
        combo.setObjectName(f"right_{area}_{action}")
        combo.addItem(self.tr("无"), None)
        if area in rights.SCOPED_AREAS:
            for scope in rights.SCOPES:
                combo.addItem(self.tr(scope), scope)
        else:
            combo.addItem(self.tr("有"), rights.ALL)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.currentIndexChanged.connect(partial(self._cell_changed, area, action))
        return combo

    def _label(self, area: str, scope: str | None) -> str:
        if scope is None:
            return self.tr("无")
        return self.tr(scope) if area in rights.SCOPED_AREAS else self.tr("有")

    def _show_cell(self, area: str, action: str) -> None:
        """Put the stored scope into its cell without treating it as the user's change."""
        combo = self._combos[(area, action)]
        self._filling = True
        try:
            if self._grid is None:
                combo.setCurrentIndex(-1)
            else:
                combo.setCurrentIndex(max(0, combo.findData(self._scopes.get((area, action)))))
        finally:
            self._filling = False
        self._style_cell(area, action)

    def _style_cell(self, area: str, action: str) -> None:
        combo = self._combos[(area, action)]
        scope = self._scopes.get((area, action))
        default = self._grid.defaults.get((area, action)) if self._grid else None
        differs = self._grid is not None and scope != default
        font = combo.font()
        font.setBold(differs)
        combo.setFont(font)
        palette = self.table.palette()
        if scope is not None:  # granted cells tinted, the wider the scope the deeper
            palette.setColor(QPalette.ColorRole.Button, _SCOPE_TINTS[scope])
        # Read-only (no 账户·修改) the cells are disabled; keep them legible all the same.
        palette.setColor(
            QPalette.ColorGroup.Disabled,
            QPalette.ColorRole.ButtonText,
            palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText),
        )
        combo.setPalette(palette)
        tip = rights.right_name(area, action)
        if self._grid is not None:
            tip += self.tr("\n默认：{scope}").format(scope=self._label(area, default))
        combo.setToolTip(tip)

    # ------------------------------------------------------------------ state

    def current_role(self) -> str:
        return self.role_combo.currentText()

    def select_role(self, role: str) -> None:
        index = self.role_combo.findText(role)
        if index < 0:
            raise KeyError(role)
        self.role_combo.setCurrentIndex(index)

    def cell(self, area: str, action: str) -> QComboBox:
        """The combo box of one right (area and action by key: "customers", "export")."""
        return self._combos[(area, action)]

    def cell_text(self, area: str, action: str) -> str:
        return self._combos[(area, action)].currentText()

    def set_cell(self, area: str, action: str, text: str) -> None:
        """Choose `text` (无 / 本人 / 本部门 / 全部 / 有) in a cell, as the user would."""
        combo = self._combos[(area, action)]
        index = combo.findText(text)
        if index < 0:
            raise KeyError(text)
        combo.setCurrentIndex(index)

    def shown(self) -> dict[Right, str]:
        """What every cell shows (plain values)."""
        return {right: combo.currentText() for right, combo in self._combos.items()}

    def _role_changed(self) -> None:
        self.status_label.clear()
        self.reload()

    def reload(self) -> None:
        role = self.current_role()
        grid = run_service(
            self,
            self._context,
            lambda s, a: rights_admin.role_grid(s, a, role),
            refusal_title=self.tr("权限设置"),
        )
        self._grid = None if grid is FAILED else grid
        self._scopes = dict(grid.scopes) if self._grid else {}
        for area, action in self._combos:
            self._show_cell(area, action)
        editable = self._grid is not None and self._grid.editable
        for combo in self._combos.values():  # the headers stay legible when read-only
            combo.setEnabled(editable)
        self.reset_button.setEnabled(editable)
        if self._grid is None:
            self.notice_label.setText(self.tr("无法读取权限表。"))
        else:
            self.notice_label.setText(
                self.tr("您没有「{right}」的权限，只能查看权限表。").format(
                    right=rights.right_name("accounts", "edit")
                )
            )
        self.notice_label.setVisible(not editable)

    # ------------------------------------------------------------------ actions

    def _cell_changed(self, area: str, action: str, index: int) -> None:
        if self._filling or index < 0:
            return
        role = self.current_role()
        scope = self._combos[(area, action)].itemData(index)
        if self._grid is not None and scope == self._scopes.get((area, action)):
            return

        def change(session: Session, actor: User) -> None:
            rights.set_right(session, actor, role, area, action, scope)

        if run_service(self, self._context, change, refusal_title=self.tr("权限设置")) is FAILED:
            self._show_cell(area, action)  # back to what the store holds
            return
        self._scopes[(area, action)] = scope
        self._style_cell(area, action)
        self.status_label.setText(
            self.tr("已把「{role}」的「{right}」改为「{scope}」。").format(
                role=role, right=rights.right_name(area, action), scope=self._label(area, scope)
            )
        )
        self._context.hub.sig_staff_changed.emit()

    def reset_role(self) -> None:
        role = self.current_role()
        if not messages.confirm(
            self,
            self.tr("恢复默认"),
            self.tr(
                "把「{role}」的权限恢复为默认设置？与默认不同的格子都会改回，并记入审计日志。"
            ).format(role=role),
        ):
            return
        changed = run_service(
            self,
            self._context,
            lambda s, a: rights_admin.reset_role(s, a, role),
            refusal_title=self.tr("权限设置"),
        )
        self.reload()  # also after a failure: show what the store holds now
        if changed is FAILED:
            self._context.hub.sig_staff_changed.emit()  # part of the reset may be stored
            return
        if changed:
            self.status_label.setText(
                self.tr("已把「{role}」恢复为默认权限，改动 {count} 项。").format(
                    role=role, count=changed
                )
            )
            self._context.hub.sig_staff_changed.emit()
        else:
            self.status_label.setText(self.tr("「{role}」的权限已是默认设置。").format(role=role))
