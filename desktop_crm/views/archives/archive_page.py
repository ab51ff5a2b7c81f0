"""档案 area: the 档案台账 (search as you type, filters, a SQL-backed table, 新建/打开/导出), the
存放位置 tree, and the 访问日志 for the 档案管理员 and the 总经理 (DOMAIN §5)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.services import archive_locations, archive_scope, archive_settings, rights, staff
from desktop_crm.services.archive_list import (
    ACCESS_LOG_LIST,
    ARCHIVE_LIST,
    COLUMNS,
    LOG_COLUMNS,
    access_log_query,
    archive_query,
)
from desktop_crm.services.archives import DESTROYED, STATES
from desktop_crm.services.errors import PermissionDenied
from desktop_crm.services.listing import ListColumn, ListQuery

from ..context import AppContext
from ..list_export import ask_xlsx_path
from ..sql_list_model import SqlListModel
from ..widgets import refill_combo
from ..workers import run_job
from .appraisal_tab import AppraisalTab
from .declassify_tab import DeclassifyTab
from .loans_tab import LoansTab
from .location_tab import LocationTab
from .receipts_tab import ReceiptsTab

SEARCH_DELAY_MS = 150
SECRET_TEXT = QColor("#a93226")
DUE_BACKGROUND = QColor("#fff4d6")
GONE_TEXT = QColor("#7f8c8d")
ANY_YEAR = 0
_AT = {column.key: position + 1 for position, column in enumerate(COLUMNS)}


def size_columns(view: QTableView, columns: tuple[ListColumn, ...]) -> None:
    unit = view.fontMetrics().horizontalAdvance("中") / 2 + 1
    for index, column in enumerate(columns):
        view.setColumnWidth(index, int(column.width * unit) + 12)


def list_view(name: str) -> QTableView:
    table = QTableView(objectName=name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setStretchLastSection(True)
    table.setAlternatingRowColors(True)
    return table


class LedgerTab(QWidget):
    """The 档案台账 list. Opens a volume itself (ArchiveDialog) unless someone listens to
    sig_open_volume (id, 0 for a new one)."""

    sig_open_volume = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("archiveLedger")
        self._context = context
        self._dialogs: set[QWidget] = set()
        self._today = date.today()
        self.search = QLineEdit(self, objectName="archiveSearch")
        self.search.setPlaceholderText(
            self.tr("查找案卷：档号、案卷或卷内文件题名、文号、关联客户（名称、拼音首字母、电话）")
        )
        self.search.setClearButtonEnabled(True)
        self.count_label = QLabel(objectName="archiveCount")
        self.message_label = QLabel(objectName="archiveMessage")
        self.table = list_view("archiveTable")
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self.model = SqlListModel(context.session_factory, self._query(), self, self._cell)
        self.model.sig_count_changed.connect(self._show_count)
        self._build()
        self.fill_filters()
        self.apply_rights()
        size_columns(self.table, COLUMNS)
        # textChanged covers typing, pasting and committed input-method text alike.
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self._search_timer.timeout.connect(self.apply)
        context.hub.sig_user_changed.connect(self._user_changed)
        context.hub.sig_staff_changed.connect(self.fill_filters)

    # ----------------------------------------------------------------- building

    def _build(self) -> None:
        self.category_filter = self._combo("filter_archive_category")
        self.year_filter = self._combo("filter_archive_year")
        self.period_filter = self._combo("filter_archive_period")
        self.secrecy_filter = self._combo("filter_archive_secrecy")
        self.department_filter = self._combo("filter_archive_department")
        self.state_filter = self._combo("filter_archive_state")
        self.location_filter = self._combo("filter_archive_location", 12)
        self.due_check = QCheckBox(self.tr("到期鉴定，截至"), objectName="archiveDue")
        self.due_check.toggled.connect(self.apply)
        self.due_date = QDateEdit(objectName="archiveDueDate")
        self.due_date.setDisplayFormat("yyyy-MM-dd")
        self.due_date.setCalendarPopup(True)
        self.due_date.setDate(QDate.currentDate())
        self.due_date.dateChanged.connect(lambda _d: self.due_check.isChecked() and self.apply())
        clear = QPushButton(self.tr("清除筛选"), objectName="archiveClearFilters")
        clear.clicked.connect(self.clear_filters)

        filters = QHBoxLayout()
        for widget in (
            self.category_filter, self.year_filter, self.period_filter, self.secrecy_filter,
            self.department_filter, self.state_filter, self.location_filter,
        ):  # fmt: skip
            filters.addWidget(widget)
        filters.addWidget(self.due_check)
        filters.addWidget(self.due_date)
        filters.addWidget(clear)
        filters.addStretch(1)

        self.new_button = QPushButton(self.tr("新建案卷…"), objectName="archiveNew")
        self.new_button.clicked.connect(lambda: self.open_volume(None))
        self.open_button = QPushButton(self.tr("打开"), objectName="archiveOpen")
        self.open_button.clicked.connect(self.open_selected)
        self.export_button = QPushButton(self.tr("导出…"), objectName="archiveExport")
        self.export_button.clicked.connect(lambda: self.export())
        self.catalogue_button = QPushButton(
            self.tr("打印案卷目录…"), objectName="archivePrintCatalogue"
        )
        self.catalogue_button.clicked.connect(lambda: self.print_catalogue())
        self.labels_button = QPushButton(self.tr("打印标签…"), objectName="archivePrintLabels")
        self.labels_button.clicked.connect(lambda: self.print_labels())
        actions = QHBoxLayout()
        actions.addWidget(self.search, 1)
        for button in (
            self.new_button, self.open_button, self.export_button, self.catalogue_button,
            self.labels_button,
        ):  # fmt: skip
            actions.addWidget(button)

        self.table.setModel(self.model)
        self.table.horizontalHeader().setSortIndicator(
            list(_AT).index("number"), Qt.SortOrder.AscendingOrder
        )
        self.table.setSortingEnabled(True)
        self.table.activated.connect(self._open_index)

        status = QHBoxLayout()
        status.addWidget(self.message_label, 1)
        status.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 6, 4, 4)
        layout.addLayout(actions)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(status)

    def _combo(self, name: str, length: int = 5) -> QComboBox:
        combo = QComboBox(objectName=name)
        combo.setMinimumContentsLength(length)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.currentIndexChanged.connect(self.apply)
        return combo

    def fill_filters(self) -> None:
        with self._context.session() as session:
            categories = [(c.name, c.code) for c in archive_settings.categories(session)]
            periods = [(p.name, p.code) for p in archive_settings.periods(session)]
            departments = [(d.name, d.id) for d in staff.departments(session)]
            try:
                places = [
                    ("　" * node.depth + node.name, node.id)
                    for node in archive_locations.tree(
                        session, self._context.actor(session), active_only=False
                    )
                ]
            except PermissionDenied:
                places = []
        this_year = date.today().year
        years = [(str(year), year) for year in range(this_year, this_year - 60, -1)]
        options = (
            (self.category_filter, self.tr("全部门类"), categories),
            (self.year_filter, self.tr("全部年度"), years),
            (self.period_filter, self.tr("全部期限"), periods),
            (
                self.secrecy_filter,
                self.tr("全部密级"),
                [(s, s) for s in archive_settings.SECRECY_LEVELS],
            ),
            (self.department_filter, self.tr("全部责任部门"), departments),
            (self.state_filter, self.tr("全部状态"), [(s, s) for s in STATES]),
            (self.location_filter, self.tr("全部位置"), places),
        )
        for combo, everything, choices in options:
            refill_combo(combo, everything, choices)

    def apply_rights(self) -> None:
        with self._context.session() as session:
            actor = self._context.actor(session)
            may_create = rights.may(session, actor, "archives", "create")
            may_export = rights.may(session, actor, "archives", "export")
        self.new_button.setVisible(may_create)
        self.export_button.setVisible(may_export)
        with self._context.session() as session:
            may_print = rights.may(session, self._context.actor(session), "archives", "print")
        self.catalogue_button.setVisible(may_print)
        self.labels_button.setVisible(may_print)

    # ----------------------------------------------------------------- the query

    def current_filters(self) -> dict[str, object]:
        chosen: dict[str, object] = {}
        for key, combo in (
            ("category_code", self.category_filter),
            ("year", self.year_filter),
            ("period_code", self.period_filter),
            ("secrecy", self.secrecy_filter),
            ("department_id", self.department_filter),
            ("state", self.state_filter),
            ("location_id", self.location_filter),
        ):
            if combo.currentData() is not None:
                chosen[key] = combo.currentData()
        if self.due_check.isChecked():
            chosen["due_as_of"] = self.due_date.date().toPython()
        return chosen

    def current_query(self) -> ListQuery:
        header = self.table.horizontalHeader()
        column = COLUMNS[header.sortIndicatorSection()]
        descending = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        return self._query(self.search.text(), self.current_filters(), column.key, descending)

    def _query(
        self,
        search: str = "",
        filters: dict[str, object] | None = None,
        sort_key: str | None = None,
        descending: bool = False,
    ) -> ListQuery:
        with self._context.session() as session:
            try:
                return archive_query(
                    session, self._context.actor(session), search, filters, sort_key, descending
                )
            except PermissionDenied:
                return ListQuery.nothing(ARCHIVE_LIST)

    def apply(self) -> None:
        self._search_timer.stop()
        self.message_label.clear()
        self._today = date.today()
        self.model.set_query(self.current_query())

    def refresh(self) -> None:
        self.apply()

    def _user_changed(self) -> None:
        self.apply_rights()
        self.fill_filters()
        self.apply()

    def clear_filters(self) -> None:
        for combo in (
            self.category_filter, self.year_filter, self.period_filter, self.secrecy_filter,
            self.department_filter, self.state_filter, self.location_filter,
        ):  # fmt: skip
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.due_check.blockSignals(True)
        self.due_check.setChecked(False)
        self.due_check.blockSignals(False)
        self.apply()

    def show_location(self, location_id: int) -> None:
        """Only the volumes in this place (and everything inside it)."""
        position = self.location_filter.findData(location_id)
        if position < 0:
            self.fill_filters()
            position = self.location_filter.findData(location_id)
        self.location_filter.setCurrentIndex(max(position, 0))

    def show_department(self, department_id: int) -> None:
        """Only the volumes of this 责任部门."""
        position = self.department_filter.findData(department_id)
        if position < 0:
            self.fill_filters()
            position = self.department_filter.findData(department_id)
        self.department_filter.setCurrentIndex(max(position, 0))

    def describe_filters(self) -> str:
        parts = [
            combo.currentText().strip()
            for combo in (
                self.category_filter, self.year_filter, self.period_filter, self.secrecy_filter,
                self.department_filter, self.state_filter, self.location_filter,
            )
            if combo.currentData() is not None
        ]  # fmt: skip
        if self.due_check.isChecked():
            parts.append(self.tr("到期鉴定截至 ") + self.due_date.date().toString("yyyy-MM-dd"))
        if self.search.text().strip():
            parts.append(self.tr("查找：") + self.search.text().strip())
        return "，".join(parts)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # ----------------------------------------------------------------- how cells look

    def _cell(self, row: tuple[Any, ...], key: str, role: int) -> Any:
        state = row[_AT["state"]]
        if role == Qt.ItemDataRole.ForegroundRole:
            if state == DESTROYED:
                return QBrush(GONE_TEXT)
            if key == "secrecy" and row[_AT["secrecy"]] in archive_settings.SECRET_LEVELS:
                return QBrush(SECRET_TEXT)
        if key == "appraisal_due_on" and role == Qt.ItemDataRole.BackgroundRole:
            due = row[_AT["appraisal_due_on"]]
            if due is not None and due <= self._today and state not in (DESTROYED, "移出"):
                return QBrush(DUE_BACKGROUND)
        return None

    # ----------------------------------------------------------------- actions

    def selected_volume_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.row_id(index.row()) if index.isValid() else None

    def open_selected(self) -> None:
        volume_id = self.selected_volume_id()
        if volume_id is None:
            self.message_label.setText(self.tr("请先在列表中选中一个案卷。"))
            return
        self.open_volume(volume_id)

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_volume(self.model.row_id(index.row()))

    def open_volume(self, volume_id: int | None) -> QWidget | None:
        """The 案卷 dialog (None: a new volume), not modal: the keeper keeps the list."""
        from .archive_dialog import ArchiveDialog

        dialog = ArchiveDialog(self._context, volume_id, parent=self)
        if dialog.failed:
            dialog.deleteLater()
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_saved.connect(self.refresh)
        self._dialogs.add(dialog)
        dialog.destroyed.connect(lambda _obj=None, d=dialog: self._dialogs.discard(d))
        dialog.show()
        dialog.raise_()
        return dialog

    def print_catalogue(self) -> QWidget:
        """案卷目录 of a 年度 (asked, this year by default), in the background with a
        progress bar, then the preview."""
        from .catalogue_print import open_catalogue_dialog

        dialog = open_catalogue_dialog(self._context, self)
        dialog.sig_finished.connect(self.message_label.setText)
        return dialog

    def print_labels(self) -> QWidget:
        """档号章 and box spines of a 年度, in the background, then the preview."""
        from .labels_print import open_labels_dialog

        dialog = open_labels_dialog(self._context, self)
        dialog.sig_finished.connect(self.message_label.setText)
        return dialog

    def export(self, path: str | None = None) -> None:
        from .archive_export import export_ledger

        path = path or ask_xlsx_path(self, self.tr("导出档案台账"), self.tr("档案台账.xlsx"))
        if path is None:
            return
        query, detail, title = self.current_query(), self.describe_filters(), self.tr("档案台账")

        def job(session, actor, control):  # noqa: ANN001, ANN202
            return export_ledger(
                session, actor, query, path, title, control.progress, control.is_cancelled,
                detail=detail,
            )  # fmt: skip

        def done(count: int) -> None:
            self.message_label.setText(
                self.tr("已导出 {n} 个案卷：").replace("{n}", f"{count:,}") + path
            )

        run_job(
            self, self._context, self.tr("正在导出档案台账…"), job, done, self.model.count_now()
        )

    def _show_count(self, total: int) -> None:
        self.count_label.setText(self.tr("共 {0} 个案卷").replace("{0}", f"{total:,}"))


class AccessLogTab(QWidget):
    """查阅日志: every opening, print and export of a 机密/绝密 or customer volume, newest
    first; read-only (the store keeps it append-only)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.act_filter = QComboBox(objectName="accessLogAct")
        self.act_filter.addItem(self.tr("全部操作"), None)
        for act in archive_scope.ACCESS_ACTS:
            self.act_filter.addItem(act, act)
        self.act_filter.currentIndexChanged.connect(self.apply)
        self.count_label = QLabel(objectName="accessLogCount")
        self.table = list_view("accessLogTable")
        self.model = SqlListModel(context.session_factory, self._query(), self)
        self.model.sig_count_changed.connect(
            lambda n: self.count_label.setText(self.tr("共 {0} 条记录").replace("{0}", f"{n:,}"))
        )
        self.table.setModel(self.model)
        size_columns(self.table, LOG_COLUMNS)
        top = QHBoxLayout()
        top.addWidget(
            QLabel(self.tr("机密、绝密和客户档案的每次查看、打印、导出都记录在此，不能修改。"))
        )
        top.addStretch(1)
        top.addWidget(self.act_filter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 6, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label, 0, Qt.AlignmentFlag.AlignRight)

    def _query(self) -> ListQuery:
        with self._context.session() as session:
            try:
                return access_log_query(
                    session, self._context.actor(session), act=self.act_filter.currentData()
                )
            except PermissionDenied:
                return ListQuery.nothing(ACCESS_LOG_LIST)

    def apply(self) -> None:
        self.model.set_query(self._query())


class ArchivePage(QWidget):
    """The 档案 area: 档案台账, 存放位置 and (for the 档案管理员 and 总经理) 访问日志."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("archivePage")
        self._context = context
        self.ledger = LedgerTab(context, self)
        self.locations = LocationTab(context, self)
        self.access_log = AccessLogTab(context, self)
        self.tabs = QTabWidget(self, objectName="archiveTabs")
        self.tabs.addTab(self.ledger, self.tr("档案台账"))
        self.locations_index = self.tabs.addTab(self.locations, self.tr("存放位置"))
        self.access_index = self.tabs.addTab(self.access_log, self.tr("访问日志"))
        self.receipts = ReceiptsTab(context, self)
        self.loans = LoansTab(context, self)
        self.appraisal = AppraisalTab(context, self)
        self.declassify = DeclassifyTab(context, self)
        # 签收, 借阅, 鉴定销毁, 解密: shown with an archives right, read afresh when shown
        self._flow_tabs = {
            self.tabs.addTab(self.receipts, self.tr("签收")): self.receipts,
            self.tabs.addTab(self.loans, self.tr("借阅")): self.loans,
            self.tabs.addTab(self.appraisal, self.tr("鉴定销毁")): self.appraisal,
            self.tabs.addTab(self.declassify, self.tr("解密")): self.declassify,
        }
        self.declassify.sig_declassified.connect(lambda _id: self.ledger.refresh())
        self.tabs.currentChanged.connect(self._tab_shown)
        self.locations.sig_show_volumes.connect(self._show_location)
        self.locations.sig_changed.connect(self.ledger.fill_filters)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.apply_rights()
        context.hub.sig_user_changed.connect(self.apply_rights)

    # the list's names, as the other pages offer them
    @property
    def table(self) -> QTableView:
        return self.ledger.table

    @property
    def search(self) -> QLineEdit:
        return self.ledger.search

    def apply_rights(self) -> None:
        with self._context.session() as session:
            actor = self._context.actor(session)
            may_log = rights.may(session, actor, "archives", "view") and (
                archive_scope.may_read_access_log(actor)
            )
        self.tabs.setTabVisible(self.access_index, may_log)
        if may_log:
            self.access_log.apply()
        # the flow tabs: only with an archives right; their buttons follow the rights
        with self._context.session() as session:
            may_view = rights.may(session, self._context.actor(session), "archives", "view")
        if not may_view and self.tabs.currentIndex() in self._flow_tabs:
            self.tabs.setCurrentWidget(self.ledger)  # not onto a tab it may not read
        for index, tab in self._flow_tabs.items():
            self.tabs.setTabVisible(index, may_view)
            if may_view:
                tab.apply_rights()

    def _tab_shown(self, index: int) -> None:
        """The tree and the log grow behind the user's back: read them when shown."""
        if index == self.locations_index:
            self.locations.reload()
        elif index == self.access_index:
            self.access_log.apply()
        elif index in self._flow_tabs:
            self._flow_tabs[index].reload()

    def _show_location(self, location_id: int) -> None:
        self.tabs.setCurrentWidget(self.ledger)
        self.ledger.show_location(location_id)

    def refresh(self) -> None:
        self.ledger.refresh()

    def focus_search(self) -> None:
        self.ledger.focus_search()
