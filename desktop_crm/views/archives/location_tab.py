"""存放位置: the location tree 库房 → 柜 → 架 → 格 with the volumes held in each place; the
archive keeper adds, renames, retires and deletes places here (DOMAIN §5)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.services import archive_locations, rights
from desktop_crm.services.archive_locations import KINDS, LocationNode

from ..context import AppContext
from ..messages import confirm
from ..service_call import FAILED, run_service
from .small_form import SmallForm

ID_ROLE = Qt.ItemDataRole.UserRole + 1
HEADERS = ("名称", "类型", "编号", "案卷数", "状态")
RETIRED = QColor("#7f8c8d")


class LocationTab(QWidget):
    """The tree; `sig_show_volumes(id)` asks the ledger for a place's volumes."""

    sig_show_volumes = Signal(int)
    sig_changed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("archiveLocations")
        self._context = context
        self.nodes: list[LocationNode] = []
        self.model = QStandardItemModel(0, len(HEADERS), self)
        self.model.setHorizontalHeaderLabels([self.tr(h) for h in HEADERS])
        self.tree = QTreeView(self, objectName="archiveLocationTree")
        self.tree.setModel(self.model)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setAlternatingRowColors(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setStretchLastSection(False)
        self.tree.activated.connect(lambda _index: self.show_volumes())
        self.add_store_button = self._button("添加库房…", "locationAddStore", self.add_store)
        self.add_child_button = self._button("添加下级…", "locationAddChild", self.add_child)
        self.rename_button = self._button("改名…", "locationRename", self.rename)
        self.active_button = self._button("停用", "locationActive", self.toggle_active)
        self.delete_button = self._button("删除", "locationDelete", self.delete)
        self.show_button = self._button("查看案卷", "locationShowVolumes", self.show_volumes)
        self.message = QLabel(objectName="locationMessage")
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (
            self.add_store_button, self.add_child_button, self.rename_button,
            self.active_button, self.delete_button,
        ):  # fmt: skip
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.show_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 6, 4, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.message)
        self.tree.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self.may_keep = False
        self.reload()

    def _button(self, text: str, name: str, slot) -> QPushButton:  # noqa: ANN001
        button = QPushButton(self.tr(text), objectName=name)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    # ----------------------------------------------------------------- reading

    def reload(self, select_id: int | None = None) -> None:
        select_id = select_id if select_id is not None else self.current_id()

        def read(session, actor):  # noqa: ANN001, ANN202
            keep = rights.scope_for(session, actor, "archives", "edit") == rights.ALL
            return keep, archive_locations.tree(session, actor)

        if not rights_ok(self._context):
            self.nodes = []
            self.model.removeRows(0, self.model.rowCount())
            return
        found = run_service(self, self._context, read)
        if found is FAILED:
            return
        self.may_keep, self.nodes = found
        self.model.removeRows(0, self.model.rowCount())
        rows: dict[int, QStandardItem] = {}
        for node in self.nodes:
            cells = [
                QStandardItem(node.name),
                QStandardItem(node.kind),
                QStandardItem(node.code or ""),
                QStandardItem(str(node.volumes) if node.volumes else ""),
                QStandardItem("" if node.active else self.tr("已停用")),
            ]
            cells[3].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            for cell in cells:
                cell.setData(node.id, ID_ROLE)
                if not node.active:
                    cell.setForeground(QBrush(RETIRED))
            parent = rows.get(node.parent_id) if node.parent_id else None
            (parent or self.model.invisibleRootItem()).appendRow(cells)
            rows[node.id] = cells[0]
        self.tree.expandAll()
        unit = self.tree.fontMetrics().horizontalAdvance("中")
        for column in range(1, len(HEADERS)):
            self.tree.resizeColumnToContents(column)
            self.tree.setColumnWidth(column, max(self.tree.columnWidth(column), unit * 6))
        if select_id is not None and select_id in rows:
            self.tree.setCurrentIndex(rows[select_id].index())
        for button in (
            self.add_store_button, self.add_child_button, self.rename_button,
            self.active_button, self.delete_button,
        ):  # fmt: skip
            button.setVisible(self.may_keep)
        if not self.nodes:
            self.message.setText(
                self.tr("还没有存放位置。点击“添加库房…”建立第一个库房，再在其中添加柜、架、格。")
                if self.may_keep
                else self.tr("还没有存放位置。")
            )
        else:
            self.message.clear()
        self._update_buttons()

    def current_id(self) -> int | None:
        index = self.tree.currentIndex()
        return index.data(ID_ROLE) if index.isValid() else None

    def current_node(self) -> LocationNode | None:
        found = self.current_id()
        return next((n for n in self.nodes if n.id == found), None)

    def _update_buttons(self) -> None:
        node = self.current_node()
        for button in (
            self.rename_button,
            self.active_button,
            self.delete_button,
            self.show_button,
        ):
            button.setEnabled(node is not None)
        self.add_child_button.setEnabled(node is not None and node.kind != KINDS[-1])
        self.active_button.setText(self.tr("启用") if node and not node.active else self.tr("停用"))
        if node is not None and node.kind != KINDS[-1]:
            child = KINDS[KINDS.index(node.kind) + 1]
            self.add_child_button.setText(self.tr("添加{0}…").replace("{0}", child))
        else:
            self.add_child_button.setText(self.tr("添加下级…"))

    # ----------------------------------------------------------------- keeping

    def _ask_place(self, title: str, write, name: str = "", code: str = "") -> bool:  # noqa: ANN001
        """名称 and 编号 of a place; refusals stay under the fields until taken or cancelled."""
        form = SmallForm(title, "archivePlaceDialog", self)
        name_edit = form.add("name", self.tr("名称"), QLineEdit(name, objectName="placeName"))
        code_edit = form.add("code", self.tr("编号"), QLineEdit(code, objectName="placeCode"))
        form.finish(380)
        result = form.run(
            self._context, lambda s, a: write(s, a, name_edit.text(), code_edit.text()).id
        )
        form.deleteLater()
        if result is None:
            return False
        self.reload(select_id=result)
        self.sig_changed.emit()
        return True

    def add_store(self) -> bool:
        return self._ask_place(
            self.tr("添加库房"),
            lambda s, a, name, code: archive_locations.add_location(
                s, a, None, KINDS[0], name, code
            ),
        )

    def add_child(self) -> bool:
        node = self.current_node()
        if node is None or node.kind == KINDS[-1]:
            return False
        kind = KINDS[KINDS.index(node.kind) + 1]
        return self._ask_place(
            self.tr("在「{0}」里添加{1}").replace("{0}", node.label).replace("{1}", kind),
            lambda s, a, name, code: archive_locations.add_location(
                s, a, node.id, kind, name, code
            ),
        )

    def rename(self) -> bool:
        node = self.current_node()
        if node is None:
            return False
        return self._ask_place(
            self.tr("改名：") + node.label,
            lambda s, a, name, code: archive_locations.rename_location(s, a, node.id, name, code),
            node.name,
            node.code or "",
        )

    def toggle_active(self) -> None:
        node = self.current_node()
        if node is None:
            return
        result = run_service(
            self,
            self._context,
            lambda s, a: archive_locations.set_active(s, a, node.id, not node.active),
        )
        if result is not FAILED:
            self.reload(select_id=node.id)
            self.sig_changed.emit()

    def delete(self) -> None:
        node = self.current_node()
        if node is None or not confirm(
            self, self.tr("删除存放位置"), self.tr("删除「{0}」？").replace("{0}", node.label)
        ):
            return
        result = run_service(
            self, self._context, lambda s, a: archive_locations.delete_location(s, a, node.id)
        )
        if result is not FAILED:
            self.reload(select_id=node.parent_id)
            self.sig_changed.emit()

    def show_volumes(self) -> None:
        found = self.current_id()
        if found is not None:
            self.sig_show_volumes.emit(found)


def rights_ok(context: AppContext) -> bool:
    with context.session() as session:
        return rights.may(session, context.actor(session), "archives", "view")
