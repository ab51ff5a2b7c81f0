"""Program entry: command-line verbs go to cli.py, everything else starts the window."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING

from desktop_crm import cli
from desktop_crm.config import APP_NAME, APP_TITLE, ConfigError, store_from_args
from desktop_crm.logging_setup import setup_logging

if TYPE_CHECKING:
    from PySide6.QtCore import QCoreApplication

log = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> int:
    """`desktop-crm [--db PATH | --db-url URL] [--user LOGIN] [VERB …]`."""
    argv = list(sys.argv[1:] if argv is None else argv)
    log_file = setup_logging()
    try:
        args = cli.parse(argv)
    except cli.UsageError:
        return cli.run(argv)  # prints the usage problem, exit status 2
    except SystemExit as done:  # --help
        return int(done.code or 0)
    if args.verb is not None:
        return cli.run(argv)
    return run_gui(argv, str(log_file))


def install_qt_translations(app: QCoreApplication) -> None:
    """Qt's own strings (OK/Cancel, dialogs) in Chinese; once, for the whole program."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(
        QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_", folder
    ):
        app.installTranslator(translator)
    else:
        log.warning("Qt's Chinese translations not found in %s", folder)


def run_gui(argv: list[str], log_file: str) -> int:
    from PySide6.QtWidgets import QApplication, QMessageBox

    from desktop_crm.views import startup

    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    app.setOrganizationName(APP_NAME)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_TITLE)
    install_qt_translations(app)

    def excepthook(
        kind: type[BaseException], error: BaseException, tb: TracebackType | None
    ) -> None:
        """Whatever escapes a slot: logged in full, told in Chinese, the window stays up."""
        from desktop_crm.views.messages import show_unexpected

        if not isinstance(error, Exception):  # KeyboardInterrupt and the like
            sys.__excepthook__(kind, error, tb)
            return
        show_unexpected(QApplication.activeWindow(), error, log_file)

    sys.excepthook = excepthook
    try:
        args = cli.parse(argv)
        location = store_from_args(args.db, args.db_url)
    except (cli.UsageError, ConfigError) as error:
        QMessageBox.critical(None, APP_TITLE, str(error))
        return 2
    # --user signs in with the password from the environment; the dialog asks otherwise.
    sign_in = (
        {"login": args.user, "password": os.environ.get(cli.PASSWORD_ENV)} if args.user else {}
    )
    try:
        window = startup.open_main_window(location, log_file, **sign_in)
    except startup.SignInCancelled:
        return 0
    if window is None:
        return 1
    window.show()
    return app.exec()
