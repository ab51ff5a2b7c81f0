"""Long jobs (import, export, batch print) in a worker thread with its own Session, a progress
dialog and a cancel button; the window stays responsive (DESIGN rule 4)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, SignalInstance
from PySide6.QtWidgets import QProgressDialog, QWidget
from sqlalchemy.orm import Session

from desktop_crm.models import User
from desktop_crm.services.errors import ServiceError

from .context import AppContext
from .messages import show_refusal, show_unexpected

log = logging.getLogger(__name__)


class JobControl:
    """Handed to the job: report progress, ask whether the user cancelled."""

    def __init__(self, signals: _JobSignals) -> None:
        self._signals = signals
        self._cancelled = threading.Event()
        self.lock = threading.Lock()

    def progress(self, value: int) -> None:
        self._signals.sig_progress.emit(int(value))

    def cancel(self) -> None:
        self._cancelled.set()

    def is_cancelled(self) -> bool:
        return self._cancelled.is_set()


class _JobSignals(QObject):
    sig_progress = Signal(int)
    sig_done = Signal(object)
    sig_failed = Signal(object)


Job = Callable[[Session, User, JobControl], Any]

# Signal objects of running jobs. They live in the GUI thread and are released there, once
# the job has finished, so no Qt object is ever destroyed from a worker thread.
_running: set[_JobSignals] = set()


class _Runner(QRunnable):
    def __init__(
        self, context: AppContext, job: Job, signals: _JobSignals, control: JobControl
    ) -> None:
        super().__init__()
        self._context, self._job, self._signals, self._control = context, job, signals, control

    def run(self) -> None:
        try:
            with self._context.session() as session:
                result = self._job(session, self._context.actor(session), self._control)
        except BaseException as error:  # reported to the GUI thread, never lost
            self._report(self._signals.sig_failed, error)
        else:
            self._report(self._signals.sig_done, result)

    def _report(self, signal: SignalInstance, value: object) -> None:
        # Emit and drop this thread's reference under the lock, so the GUI thread's
        # release of the signals object (after taking the lock) is always the last one.
        with self._control.lock:
            signal.emit(value)
            self._signals = None
            del signal


def run_job(
    parent: QWidget,
    context: AppContext,
    title: str,
    job: Job,
    on_done: Callable[[Any], None],
    maximum: int = 0,
    on_failed: Callable[[BaseException], bool] | None = None,
) -> JobControl:
    """Start `job` in the pool behind a modal progress dialog with 取消.

    `on_done(result)` runs in the GUI thread. A ServiceError is shown as a refusal and
    anything else as an unexpected error (logged), unless `on_failed` handles it.
    """
    signals = _JobSignals()
    control = JobControl(signals)
    dialog = QProgressDialog(title, "取消", 0, maximum, parent)
    dialog.setObjectName("jobProgress")
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.canceled.connect(control.cancel)
    signals.sig_progress.connect(dialog.setValue)

    def finish() -> None:
        dialog.canceled.disconnect(control.cancel)
        dialog.reset()
        dialog.deleteLater()
        with control.lock:
            _running.discard(signals)

    def done(result: Any) -> None:
        finish()
        on_done(result)

    def failed(error: BaseException) -> None:
        finish()
        if on_failed is not None and on_failed(error):
            return
        if isinstance(error, ServiceError):
            show_refusal(parent, error)
        else:
            show_unexpected(parent, error, context.log_path)

    signals.sig_done.connect(done)
    signals.sig_failed.connect(failed)
    _running.add(signals)
    QThreadPool.globalInstance().start(_Runner(context, job, signals, control))
    return control
