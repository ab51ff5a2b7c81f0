"""审计日志: the append-only log for the administrator and the 总经理 — filters, a
SQL-backed table and the export. Read-only: nothing here can change a row."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.services import audit, rights, staff
from desktop_crm.services.audit_list import AUDIT_LIST, audit_query, describe
from desktop_crm.services.listing import ListQuery

from .context import AppContext
from .list_export import ask_xlsx_path, export_in_background
from .sql_list_model import SqlListModel
from .widgets import OptionalDateEdit, refill_combo

SEARCH_DELAY_MS = 200


class AuditPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("auditPage")
        self._context = context
        self.person = QComboBox(objectName="auditPerson")
        self.act = QComboBox(objectName="auditAct")
        self.object_type = QComboBox(objectName="auditObject")
        self.date_from = OptionalDateEdit()
        self.date_from.setObjectName("auditFrom")
        self.date_to = OptionalDateEdit()
        self.date_to.setObjectName("auditTo")
        self.search = QLineEdit(objectName="auditSearch")
        self.search.setPlaceholderText(self.tr("查找对象：客户编号、名称、登录名…"))
        self.search.setClearButtonEnabled(True)
        self.count_label = QLabel(objectName="auditCount")
        self.status_label = QLabel(objectName="auditStatus")
        self.export_button = QPushButton(self.tr("导出…"), objectName="auditExport")
        self.table = QTableView(objectName="auditTable")
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)

        self.model = SqlListModel(context.session_factory, ListQuery.nothing(AUDIT_LIST), self)
        self.model.sig_count_changed.connect(self._show_count)
        self._fill_choices()
        self._build()
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self._search_timer.timeout.connect(self.apply)
        context.hub.sig_staff_changed.connect(self._fill_choices)

    def _build(self) -> None:
        filters = QHBoxLayout()
        for label, widget in (
            (self.tr("人员"), self.person),
            (self.tr("操作"), self.act),
            (self.tr("对象"), self.object_type),
            (self.tr("从"), self.date_from),
            (self.tr("到"), self.date_to),
        ):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.export_button)
        filters.addWidget(self.count_label)
        status_row = QHBoxLayout()
        status_row.addWidget(self.status_label, 1)
        for combo in (self.person, self.act, self.object_type):
            combo.currentIndexChanged.connect(self.apply)
        self.date_from.sig_changed.connect(self.apply)
        self.date_to.sig_changed.connect(self.apply)
        self.export_button.clicked.connect(lambda: self.export())

        self.table.setModel(self.model)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        unit = self.fontMetrics().horizontalAdvance("中") / 2 + 1
        for index, column in enumerate(self.model.query.columns):
            self.table.setColumnWidth(index, int(column.width * unit) + 12)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(status_row)

    def _fill_choices(self) -> None:
        with self._context.session() as session:
            people = [(u.name, u.id) for u in staff.staff_list(session, active_only=False)]
        for combo, first, items in (
            (self.person, self.tr("全部人员"), people),
            (self.act, self.tr("全部操作"), [(a, a) for a in audit.ACTS]),
            (
                self.object_type,
                self.tr("全部对象"),
                [(title, key) for key, title in audit.OBJECT_TYPES.items()],
            ),
        ):
            refill_combo(combo, first, items)

    def current_query(self) -> ListQuery:
        header = self.table.horizontalHeader()
        column = self.model.query.columns[header.sortIndicatorSection()]
        with self._context.session() as session:
            actor = self._context.actor(session)
            if not rights.may(session, actor, "audit", "view"):
                return ListQuery.nothing(AUDIT_LIST)
            return audit_query(
                session,
                actor,
                self.person.currentData(),
                self.act.currentData(),
                self.object_type.currentData(),
                self.date_from.value(),
                self.date_to.value(),
                self.search.text(),
                column.key,
                header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder,
            )

    def current_description(self) -> str:
        return describe(
            self.person.currentText() if self.person.currentData() is not None else None,
            self.act.currentData(),
            self.object_type.currentData(),
            self.date_from.value(),
            self.date_to.value(),
            self.search.text(),
        )

    def apply(self) -> None:
        self._search_timer.stop()
        self.model.set_query(self.current_query())

    def _show_count(self, total: int) -> None:
        self.count_label.setText(self.tr("共 {0} 条").replace("{0}", f"{total:,}"))

    def export(self, path: str | None = None) -> None:
        path = path or ask_xlsx_path(self, self.tr("导出审计日志"), self.tr("审计日志.xlsx"))
        if not path:
            return

        def done(count: int) -> None:
            self.model.refresh()  # the export is in the log now
            self.status_label.setText(
                self.tr("已导出 {0} 条到 {1}").replace("{0}", str(count)).replace("{1}", path)
            )

        export_in_background(
            self,
            self._context,
            self.current_query(),
            path,
            "审计日志",
            self.model.count_now(),
            done,
            self.status_label.setText,
            detail=self.current_description() or None,
            object_type="audit_log",
        )
