"""The main window: navigation over the office's areas, menus, status bar."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QSettings, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop_crm import documents
from desktop_crm.config import APP_TITLE
from desktop_crm.models import User
from desktop_crm.services import accounts, backup, complaints, customers, rights, workdays

from .approvals.approvals_page import ApprovalsPage
from .archives.archive_page import ArchivePage
from .audit_page import AuditPage
from .complaints.complaint_page import ComplaintPage
from .context import AppContext
from .customers.customer_page import CustomerPage
from .customers.import_dialog import import_customers
from .list_export import ask_xlsx_path, export_in_background
from .pdf_preview import preview_form
from .revisits.revisit_page import RevisitPage
from .service_call import FAILED, run_service
from .sign_in_dialog import quiet
from .surveys.survey_page import SurveyPage
from .today_page import TodayPage
from .workers import run_job

# How far ahead deadlines reach: in December next year's holidays start to matter.
CALENDAR_LOOKAHEAD = timedelta(days=31)


class MainWindow(QMainWindow):
    # Another user signed in (切换用户); carries the new user's id.
    sig_user_changed = Signal(int)

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self._context = context
        self.setWindowTitle(APP_TITLE)
        self.customers = CustomerPage(context)
        self.customers.sig_open_customer.connect(self.open_customer)
        self._open_cards: list[QWidget] = []

        self.today = TodayPage(context)
        self.today.sig_open_complaint.connect(self.open_complaint)
        self.today.sig_open_revisit_plan.connect(self.open_revisit_plan)
        self.today.sig_open_customer.connect(self.open_customer)
        self.complaints = ComplaintPage(context)
        self.complaints.sig_open_complaint.connect(
            lambda complaint_id: self.open_complaint(complaint_id or None)
        )
        self.revisits = RevisitPage(context)
        self.revisits.sig_open_customer.connect(self.open_customer)
        self.surveys = SurveyPage(context)
        self.archives = ArchivePage(context)
        self.today.sig_open_archive_department.connect(self.show_archive_department)
        self.approvals = ApprovalsPage(context)
        self.audit = AuditPage(context)

        self.navigation = QListWidget(objectName="navigation")
        self.pages = QStackedWidget(objectName="pages")
        # Each area with the right that opens it (None: everyone).
        self._areas: list[tuple[QWidget, str | None]] = []
        self._add_area(self.tr("今日待办"), self.today, None)
        self._add_area(self.tr("客户档案"), self.customers, "customers")
        self._add_area(self.tr("投诉"), self.complaints, "complaints")
        self._add_area(self.tr("回访"), self.revisits, "revisits")
        self._add_area(self.tr("满意度调查"), self.surveys, "surveys")
        self._add_area(self.tr("档案"), self.archives, "archives")
        self._add_area(self.tr("审批"), self.approvals, None)
        self._add_area(self.tr("审计日志"), self.audit, "audit")
        self.navigation.setFixedWidth(
            self.navigation.fontMetrics().horizontalAdvance("客户档案管理") + 32
        )
        self.navigation.currentRowChanged.connect(self.pages.setCurrentIndex)
        # The log grows behind the viewer's back: read it afresh whenever it is opened.
        self.navigation.currentRowChanged.connect(self._page_shown)
        self.navigation.setCurrentRow(0)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.addWidget(self.navigation)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self._build_menus()
        self._build_status_bar()
        self.resize(1280, 800)
        self._restore_layout()

    def _page_shown(self, row: int) -> None:
        """Pages whose contents grow behind the user's back are read afresh when shown."""
        page = self.pages.widget(row)
        if page is self.audit:
            self.audit.apply()
        elif page in (self.approvals, self.today):
            page.refresh()

    @property
    def audit_item(self) -> QListWidgetItem:
        """The navigation entry of the audit log, fetched afresh each time.

        Holding a Python wrapper of an item Qt created outlives the item: once Qt
        deletes it, a new object at the same address comes back as that stale
        wrapper (seen as a QHeaderView answering as a QListWidgetItem).
        """
        return self.navigation.item(self.navigation.count() - 1)

    def _add_area(self, title: str, page: QWidget, area: str | None) -> None:
        self.navigation.addItem(title)
        self.pages.addWidget(page)
        self._areas.append((page, area))

    def show_area(self, page: QWidget) -> None:
        self.navigation.setCurrentRow(self.pages.indexOf(page))

    def show_archive_department(self, department_id: int) -> None:
        """The ledger, filtered to one 责任部门 (a 今日待办 line about late filing)."""
        self.show_area(self.archives)
        self.archives.ledger.show_department(department_id)

    def _action(
        self,
        text: str,
        slot,
        shortcut: QKeySequence | QKeySequence.StandardKey | None = None,
        name: str = "",
    ) -> QAction:  # noqa: ANN001
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        if name:
            action.setObjectName(name)
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("文件(&F)"))
        self.new_action = self._action(
            self.tr("新建客户(&N)"),
            self.new_customer,
            QKeySequence.StandardKey.New,
            "actionNewCustomer",
        )
        self.import_action = self._action(
            self.tr("导入客户表格(&I)…"), self.import_customers, None, "actionImport"
        )
        self.export_action = self._action(
            self.tr("导出客户名册(&E)…"),
            self.export_customers,
            QKeySequence("Ctrl+E"),
            "actionExport",
        )
        self.print_action = self._action(
            self.tr("打印客户资料管理卡(&P)…"),
            self.print_customer,
            QKeySequence.StandardKey.Print,
            "actionPrint",
        )
        self.backup_action = self._action(
            self.tr("备份数据库(&B)…"), self.back_up, None, "actionBackup"
        )
        quit_action = self._action(self.tr("退出(&X)"), self.close, QKeySequence.StandardKey.Quit)
        self.switch_user_action = self._action(
            self.tr("切换用户(&U)…"), self.switch_user, None, "actionSwitchUser"
        )
        self.change_password_action = self._action(
            self.tr("修改密码(&W)…"), self.change_password, None, "actionChangePassword"
        )
        for action in (self.new_action, self.import_action, self.export_action, self.print_action):
            file_menu.addAction(action)
        file_menu.addAction(self.backup_action)
        file_menu.addSeparator()
        file_menu.addAction(self.switch_user_action)
        file_menu.addAction(self.change_password_action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)

        edit_menu = bar.addMenu(self.tr("编辑(&E)"))
        self.find_action = self._action(
            self.tr("查找客户(&F)"),
            self.customers.focus_search,
            QKeySequence.StandardKey.Find,
            "actionFind",
        )
        edit_menu.addAction(self.find_action)
        edit_menu.addAction(
            self._action(self.tr("打开客户卡(&O)"), self.open_selected, QKeySequence("Ctrl+O"))
        )
        edit_menu.addAction(
            self._action(
                self.tr("刷新(&R)"), self.customers.apply, QKeySequence.StandardKey.Refresh
            )
        )

        settings_menu = bar.addMenu(self.tr("设置(&S)"))
        self.lookups_action = self._action(
            self.tr("分类列表…"), self.edit_lookups, None, "actionLookups"
        )
        self.staff_action = self._action(self.tr("人员管理…"), self.edit_staff, None, "actionStaff")
        self.reassign_action = self._action(
            self.tr("客户移交…"), self.reassign, None, "actionReassign"
        )
        self.rights_action = self._action(
            self.tr("权限设置…"), self.edit_rights, None, "actionRights"
        )
        self.calendar_action = self._action(
            self.tr("工作日历…"), self.edit_calendar, None, "actionCalendar"
        )
        self.limits_action = self._action(
            self.tr("期限与指标设置…"), self.edit_limits, None, "actionLimits"
        )
        self.archive_settings_action = self._action(
            self.tr("档案设置…"), self.edit_archive_settings, None, "actionArchiveSettings"
        )
        for action in (
            self.lookups_action,
            self.calendar_action,
            self.limits_action,
            self.staff_action,
            self.reassign_action,
            self.rights_action,
        ):
            settings_menu.addAction(action)
        # Screens hide what the user may not do (the services refuse it anyway): each
        # guarded action with the right it needs.
        self._guarded = [
            (self.new_action, "customers", "create"),
            (self.import_action, "customers", "import"),
            (self.export_action, "customers", "export"),
            (self.print_action, "customers", "print"),
            (self.backup_action, "customers", "export"),
            (self.lookups_action, "settings", "edit"),
            (self.staff_action, "accounts", "view"),
            (self.reassign_action, "customers", "reassign"),
            (self.rights_action, "accounts", "view"),
            (self.calendar_action, "settings", "view"),
            (self.limits_action, "settings", "view"),
        ]
        settings_menu.insertAction(self.staff_action, self.archive_settings_action)
        # the archive's people open it: the keeper records paper 绝密 namings there; the
        # tabs themselves are read-only without settings·edit
        self._guarded.append((self.archive_settings_action, "archives", "view"))

        help_menu = bar.addMenu(self.tr("帮助(&H)"))
        help_menu.addAction(self._action(self.tr("打开日志文件夹"), self.open_log_folder))
        help_menu.addAction(self._action(self.tr("关于"), self.about))

    def _build_status_bar(self) -> None:
        self.store_label = QLabel(
            self.tr("数据库：") + self._context.store.description, objectName="statusStore"
        )
        self.accounts_hint = QLabel(
            self.tr(
                "尚未设置账户密码：任何人打开程序都是系统管理员。"
                "请在 设置→人员管理 中为账户设置密码。"
            ),
            objectName="statusAccountsHint",
        )
        quiet(self.accounts_hint)
        self.user_label = QLabel(objectName="statusUser")
        self.calendar_hint = QLabel(objectName="statusCalendarHint")
        self.calendar_hint.linkActivated.connect(lambda _link: self.edit_calendar())
        self.statusBar().addWidget(self.store_label, 1)
        self.statusBar().addWidget(self.accounts_hint)
        self.statusBar().addWidget(self.calendar_hint)
        self.statusBar().addPermanentWidget(self.user_label)
        self.refresh_user_status()
        self._context.hub.sig_staff_changed.connect(self.refresh_user_status)
        self.refresh_calendar_hint()

    def refresh_calendar_hint(self, today: date | None = None) -> None:
        """Say in the status bar, while it holds, that a year the deadlines reach (this one,
        and the next from December) has no holiday arrangement: neither the library nor the
        office has it, so its days count Monday–Friday. The link opens 工作日历."""
        today = today or date.today()
        years = {today.year, (today + CALENDAR_LOOKAHEAD).year}
        with self._context.session() as session:
            missing = workdays.load_calendar(session).uncovered_years(years)
            may_edit = rights.may(session, self._context.actor(session), "settings", "edit")
        if not missing:
            self.calendar_hint.hide()
            return
        text = self.tr("{years} 年的法定节假日安排尚未录入，期限暂按周一至周五计算。").format(
            years="、".join(str(year) for year in missing)
        )
        if may_edit:
            text += '<a href="calendar">' + self.tr("录入工作日历…") + "</a>"
        self.calendar_hint.setText(text)
        self.calendar_hint.show()

    def refresh_user_status(self) -> None:
        """Who is signed in, and the reminder while no account has a password."""
        with self._context.session() as session:
            user = self._context.actor(session)
            name, login = user.name, user.login
            in_use = accounts.passwords_in_use(session)
            allowed = [rights.may(session, user, area, act) for _, area, act in self._guarded]
            areas = [
                area is None or rights.may(session, user, area, "view") for _, area in self._areas
            ]
        for (action, _, _), may in zip(self._guarded, allowed, strict=True):
            action.setVisible(may)
            action.setEnabled(may)
        for row, shown in enumerate(areas):
            self.navigation.item(row).setHidden(not shown)
        if not areas[self.navigation.currentRow()]:
            self.navigation.setCurrentRow(0)
        self.user_label.setText(self.tr("当前用户：") + name)
        self.user_label.setToolTip(self.tr("登录名：") + login if login else "")
        self.accounts_hint.setVisible(not in_use)

    # ----------------------------------------------------------------- window layout

    def _restore_layout(self) -> None:
        """Window size and the list's column widths as the user left them (per PC)."""
        settings = QSettings()
        geometry = settings.value("mainWindow/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        header = settings.value("customerList/header")
        if header is not None:
            self.customers.table.horizontalHeader().restoreState(header)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        settings = QSettings()
        settings.setValue("mainWindow/geometry", self.saveGeometry())
        settings.setValue(
            "customerList/header", self.customers.table.horizontalHeader().saveState()
        )
        super().closeEvent(event)

    # ----------------------------------------------------------------- actions

    def open_customer(self, customer_id: int | None) -> None:
        from .customers.card_dialog import CustomerCardDialog

        dialog = CustomerCardDialog(self._context, customer_id, self)
        dialog.sig_open_customer.connect(self.open_customer)
        dialog.finished.connect(lambda _result, d=dialog: self._forget(d))
        self._open_cards.append(dialog)
        dialog.show()
        dialog.raise_()

    def open_complaint(self, complaint_id: int | None, customer_id: int | None = None) -> None:
        from .complaints.complaint_dialog import ComplaintDialog

        dialog = ComplaintDialog(
            self._context, complaint_id=complaint_id, customer_id=customer_id, parent=self
        )
        dialog.finished.connect(lambda _result, d=dialog: self._forget(d))
        self._open_cards.append(dialog)
        dialog.show()
        dialog.raise_()

    def open_revisit_plan(self, plan_id: int) -> None:
        """记录回访 for a planned visit (from 今日待办)."""
        from .revisits.revisit_dialog import RevisitDialog

        dialog = RevisitDialog(self._context, plan_id=plan_id, parent=self)
        dialog.exec()
        dialog.deleteLater()
        self.today.refresh()

    def _forget(self, dialog: QWidget) -> None:
        if dialog in self._open_cards:
            self._open_cards.remove(dialog)
        dialog.deleteLater()

    def new_customer(self) -> None:
        self.open_customer(None)

    def open_selected(self) -> None:
        customer_id = self.customers.selected_customer_id()
        if customer_id is not None:
            self.open_customer(customer_id)

    def import_customers(self) -> None:
        import_customers(self, self._context)

    def export_customers(self, path: str | None = None) -> None:
        path = path or ask_xlsx_path(self, self.tr("导出客户名册"), self.tr("客户名册.xlsx"))
        if not path:
            return

        def done(count: int) -> None:
            self.statusBar().showMessage(
                self.tr("已导出 {0} 个客户到 {1}").replace("{0}", str(count)).replace("{1}", path),
                8000,
            )

        export_in_background(
            self,
            self._context,
            self.customers.current_query(),
            path,
            "客户名册",
            self.customers.model.count_now(),
            done,
            lambda text: self.statusBar().showMessage(text, 8000),
            detail=self.customers.describe_filters() or None,
        )

    def back_up(self, path: str | None = None) -> None:
        """文件 → 备份数据库: a full copy, made in the background (it can take a while)."""
        from PySide6.QtWidgets import QFileDialog

        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self,
                self.tr("备份数据库"),
                str(Path.home() / backup.default_name()),
                self.tr("数据库备份 (*.sqlite3)"),
            )
        if not path:
            return
        target = path

        def done(size: int) -> None:
            QMessageBox.information(
                self,
                self.tr("备份完成"),
                self.tr("已备份到 {0}（{1} MB）。请把备份文件妥善保管：它含全部客户资料。")
                .replace("{0}", target)
                .replace("{1}", f"{size / 1048576:.1f}"),
            )

        run_job(
            self,
            self._context,
            self.tr("正在备份数据库…"),
            lambda session, actor, _control: backup.back_up(session, actor, target),
            done,
        )

    def print_customer(self) -> None:
        customer_id = self.customers.selected_customer_id()
        if customer_id is None:
            QMessageBox.information(
                self, self.tr("打印"), self.tr("请先在客户名册中选中一个客户。")
            )
            return

        code = run_service(
            self,
            self._context,
            lambda session, actor: (
                customers.get_customer(session, actor, customer_id, "print").code
            ),
            refusal_title=self.tr("无法打印"),
        )
        if code is FAILED:
            return
        preview_form(
            self,
            self._context,
            lambda session, actor: documents.customer_card_pdf(session, actor, customer_id),
            lambda session, actor: documents.customer_card_xlsx(session, actor, customer_id),
            self.tr("客户资料管理卡"),
            f"客户资料管理卡-{code}.pdf",
        )

    def switch_user(self) -> None:
        """切换用户: sign in as someone else; open cards close, lists reload for the new user."""
        from .sign_in_dialog import ask_sign_in

        for card in list(self._open_cards):
            card.reject()  # asks before dropping unsaved changes
            if card.isVisible():
                return
        context = self._context
        user_id = ask_sign_in(
            self, context.session, "", "", context.store.description, context.log_path
        )
        if user_id is None:
            return
        context.user_id = user_id
        self.refresh_user_status()
        self.sig_user_changed.emit(user_id)
        context.hub.sig_customers_changed.emit()
        context.hub.sig_staff_changed.emit()
        context.hub.sig_lookups_changed.emit()
        context.hub.sig_user_changed.emit()
        self.statusBar().showMessage(self.tr("已切换用户。"), 5000)

    def change_password(self) -> None:
        from .admin.password_dialog import PasswordDialog

        dialog = PasswordDialog(self._context, None, self)
        if dialog.exec() == PasswordDialog.DialogCode.Accepted:
            self.refresh_user_status()
            self.statusBar().showMessage(self.tr("密码已修改。"), 5000)
        dialog.deleteLater()

    def edit_rights(self) -> None:
        from .admin.rights_dialog import RightsDialog

        dialog = RightsDialog(self._context, self)
        dialog.exec()
        dialog.deleteLater()

    def edit_calendar(self) -> None:
        from .settings.calendar_dialog import CalendarDialog

        dialog = CalendarDialog(self._context, self)
        changed: list[bool] = []
        dialog.sig_calendar_changed.connect(lambda *_: changed.append(True))
        dialog.exec()
        dialog.deleteLater()
        if changed:  # working days moved: so did the deadlines of open complaints

            def recompute(session: Session, _actor: User) -> None:
                complaints.refresh_open_deadlines(session)
                session.commit()

            run_service(self, self._context, recompute)
            self._context.hub.sig_customers_changed.emit()
            self.refresh_calendar_hint()

    def edit_limits(self) -> None:
        from .settings.limits_dialog import LimitsDialog

        dialog = LimitsDialog(self._context, self)
        dialog.exec()
        dialog.deleteLater()

    def edit_archive_settings(self) -> None:
        from .settings.archive_settings_dialog import open_archive_settings

        open_archive_settings(self._context, self)

    def edit_lookups(self) -> None:
        from .admin.lookup_dialog import LookupListsDialog

        LookupListsDialog(self._context, self).exec()

    def edit_staff(self) -> None:
        from .admin.staff_dialog import StaffDialog

        StaffDialog(self._context, self).exec()

    def reassign(self) -> None:
        from .admin.reassign_dialog import ReassignDialog

        ReassignDialog(self._context, parent=self).exec()

    def open_log_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(self._context.log_path).parent)))

    def about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("关于"),
            f"{APP_TITLE}\n\n"
            + self.tr("数据库：")
            + self._context.store.description
            + "\n"
            + self.tr("日志：")
            + self._context.log_path,
        )
