"""What every screen needs: sessions on the store, the acting user, and change signals."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from sqlalchemy.orm import Session, sessionmaker

from desktop_crm.config import StoreLocation
from desktop_crm.models import User
from desktop_crm.services.errors import StoreUnavailable


class ChangeHub(QObject):
    """Broadcasts what changed so open lists refresh themselves (Anki-style)."""

    sig_customers_changed = Signal()
    sig_staff_changed = Signal()
    sig_lookups_changed = Signal()
    sig_complaints_changed = Signal()
    # Another person signed in (切换用户): lists rebuild their queries for the new scope.
    sig_user_changed = Signal()


@dataclass
class AppContext:
    """Handed to every window and dialog instead of globals."""

    session_factory: sessionmaker[Session]
    store: StoreLocation
    user_id: int
    hub: ChangeHub
    log_path: str

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A short-lived session for one user action (never shared across threads).

        Refuses when the SQLite file has vanished: SQLite would go on writing into the
        deleted file and every later change would be lost.
        """
        path = self.store.sqlite_path
        if path is not None and not path.exists():
            raise StoreUnavailable(
                f"数据库文件已不存在：{path}\n可能被删除或移走了。为防止数据丢失，程序不再写入。\n"
                "请关闭程序，把数据库文件放回原处或从备份恢复后再打开。"
            )
        session = self.session_factory()
        try:
            yield session
        finally:
            session.close()

    def actor(self, session: Session) -> User:
        """The signed-in user, loaded in `session`."""
        user = session.get(User, self.user_id)
        assert user is not None
        return user

    def run(self, action: Callable[[Session, User], object]) -> object:
        """Run one service call as the current user in a fresh session."""
        with self.session() as session:
            return action(session, self.actor(session))
