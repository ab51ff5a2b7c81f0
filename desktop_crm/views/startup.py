"""Opening the store at start: migrate, fill defaults, sign in, offer demo data to an empty store."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from desktop_crm.config import APP_TITLE, StoreLocation
from desktop_crm.models.db import make_engine, make_session_factory
from desktop_crm.models.migrate import SchemaError, upgrade_database
from desktop_crm.services import accounts, bootstrap, demo_data

from .context import AppContext, ChangeHub
from .main_window import MainWindow
from .sign_in_dialog import ask_sign_in
from .workers import run_job

log = logging.getLogger(__name__)
DEMO_CUSTOMERS = 300


class SignInCancelled(Exception):
    """The user closed the sign-in dialog at start: the program ends quietly."""


def open_context(
    location: StoreLocation,
    log_file: str,
    login: str | None = None,
    password: str | None = None,
) -> AppContext | None:
    """Open and upgrade the store and sign in; explain in Chinese and return None when the
    store cannot be opened. Raises SignInCancelled when the user gives up signing in.

    A store without passwords opens as its administrator (or as `login`, when given).
    """
    try:
        engine = make_engine(location.url)
        upgrade_database(engine)
        factory = make_session_factory(engine)
        with factory() as session:
            bootstrap.ensure_defaults(session)
            user_id, message = _sign_in_without_asking(session, login, password)
    except SchemaError as error:
        QMessageBox.critical(None, APP_TITLE, str(error))
        return None
    except (DBAPIError, RuntimeError, OSError) as error:
        log.exception("cannot open store %s", location.description)
        QMessageBox.critical(
            None,
            APP_TITLE,
            f"无法打开数据库：{location.description}\n\n{getattr(error, 'orig', None) or error}\n\n"
            f"详细信息见日志文件：{log_file}",
        )
        return None
    if user_id is None:
        user_id = ask_sign_in(None, factory, login or "", message, location.description, log_file)
        if user_id is None:
            engine.dispose()
            raise SignInCancelled
    return AppContext(
        session_factory=factory, store=location, user_id=user_id, hub=ChangeHub(), log_path=log_file
    )


def _sign_in_without_asking(
    session: Session, login: str | None, password: str | None
) -> tuple[int | None, str]:
    """Whom to open as without the dialog (None: ask), and why the dialog has to ask."""
    in_use = accounts.passwords_in_use(session)
    if login is None:
        return (None, "") if in_use else (bootstrap.administrator(session).id, "")
    if password is None and in_use:
        return None, ""
    try:
        return accounts.sign_in(session, login, password or "", accounts.this_workstation()).id, ""
    except accounts.SignInRefused as refused:
        return None, refused.message


def open_main_window(
    location: StoreLocation,
    log_file: str,
    login: str | None = None,
    password: str | None = None,
) -> MainWindow | None:
    """The main window for the signed-in user; None when the store cannot be opened.

    Raises SignInCancelled when the user cancels the sign-in dialog.
    """
    context = open_context(location, log_file, login, password)
    if context is None:
        return None
    window = MainWindow(context)
    with context.session() as session:
        empty = bootstrap.store_is_empty(session)
    if empty:
        window.show()
        offer_demo_data(window, context)
    return window


def offer_demo_data(window: MainWindow, context: AppContext) -> None:
    answer = QMessageBox.question(
        window,
        APP_TITLE,
        "数据库里还没有客户。要装入一些演示数据来熟悉程序吗？\n（演示数据只用于试用，正式使用请新建一个数据库。）",
    )
    if answer != QMessageBox.StandardButton.Yes:
        return

    def job(session, actor, control):  # noqa: ANN001, ANN202
        return demo_data.fill_demo_data(
            session, actor, DEMO_CUSTOMERS, progress=control.progress, with_complaints=True
        )

    run_job(
        window,
        context,
        "正在装入演示数据…",
        job,
        lambda _count: context.hub.sig_customers_changed.emit(),
        DEMO_CUSTOMERS,
    )
