"""客户冲撞: the existing customers a new or changed card matches, and what to do about it."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.services.customers import Collision


class CollisionChoice(Enum):
    BACK = "back"  # 返回修改
    OPEN = "open"  # 打开已有客户
    PROCEED = "proceed"  # 仍然登记


class CollisionDialog(QDialog):
    """Lists the colliding customers (earliest registration first: it owns the customer).

    After it finishes, ``choice`` says what the user chose and ``chosen_customer_id`` which
    existing customer to open.
    """

    def __init__(self, collisions: Sequence[Collision], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("collisionDialog")
        self.setWindowTitle(self.tr("客户冲撞"))
        self.collisions = list(collisions)
        self.choice = CollisionChoice.BACK
        self.chosen_customer_id: int | None = None
        hard = any(c.hard for c in self.collisions)

        intro = QLabel(
            self.tr(
                "要登记的客户与下列已有客户相同。按规定，最早登记的客户经理拥有该客户；"
                "不会自动合并。"
            ),
            self,
        )
        intro.setWordWrap(True)

        self.table = QTableWidget(len(self.collisions), 5, self)
        self.table.setObjectName("collisionTable")
        self.table.setHorizontalHeaderLabels(
            [self.tr("客户编号"), self.tr("名称"), self.tr("客户经理"), self.tr("登记时间"),
             self.tr("冲撞原因")]
        )  # fmt: skip
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for row, collision in enumerate(self.collisions):
            cells = (
                collision.code,
                collision.name,
                collision.owner_name or self.tr("（无）"),
                f"{collision.registered_at:%Y-%m-%d %H:%M}",
                collision.reason,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, collision.customer_id)
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        if self.collisions:
            self.table.selectRow(0)
        self.table.doubleClicked.connect(self._open)

        self.note = QLabel(self)
        self.note.setObjectName("collisionNote")
        self.note.setWordWrap(True)
        if hard:
            self.note.setText(
                self.tr(
                    "统一社会信用代码相同：同一单位只能登记一次。请打开已有客户，"
                    "或核对后修改信用代码。如需改由您负责，请部门负责人调整客户经理。"
                )
            )
            self.note.setStyleSheet("color: #b03a2e;")
        else:
            self.note.setText(
                self.tr(
                    "如确认是不同的客户（例如同名的不同单位），可以“仍然登记”，冲撞会记入变更记录。"
                )
            )

        self.open_button = QPushButton(self.tr("打开已有客户"), self)
        self.open_button.setObjectName("collisionOpen")
        self.open_button.clicked.connect(self._open)
        self.proceed_button: QPushButton | None = None
        if not hard:
            self.proceed_button = QPushButton(self.tr("仍然登记"), self)
            self.proceed_button.setObjectName("collisionProceed")
            self.proceed_button.clicked.connect(self._proceed)
        self.back_button = QPushButton(self.tr("返回修改"), self)
        self.back_button.setObjectName("collisionBack")
        self.back_button.setDefault(True)
        self.back_button.clicked.connect(self.reject)

        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        if self.proceed_button is not None:
            buttons.addWidget(self.proceed_button)
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        self.resize(760, 300)

    def _selected_id(self) -> int | None:
        row = self.table.currentRow()
        if row < 0 and self.collisions:
            row = 0
        return self.collisions[row].customer_id if 0 <= row < len(self.collisions) else None

    def _open(self) -> None:
        self.chosen_customer_id = self._selected_id()
        if self.chosen_customer_id is None:
            return
        self.choice = CollisionChoice.OPEN
        self.accept()

    def _proceed(self) -> None:
        self.choice = CollisionChoice.PROCEED
        self.accept()
