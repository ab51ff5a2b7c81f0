"""Where the program keeps its data: the data folder, the database URL, the log file."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "DesktopCRM"
APP_TITLE = "客户服务管理系统"
DB_FILENAME = "desktop-crm.sqlite3"
LOG_FILENAME = "desktop-crm.log"


class ConfigError(Exception):
    """A store location the program refuses, with a Chinese message for the user."""


def data_dir() -> Path:
    """The per-user data folder (Local AppData on Windows); created when missing."""
    override = os.environ.get("DESKTOP_CRM_DATA_DIR")
    path = Path(override) if override else Path(user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_path() -> Path:
    return data_dir() / LOG_FILENAME


def _is_network_path(path: Path) -> bool:
    """True for UNC paths and mapped network drives: WAL does not work over a network share."""
    text = str(path)
    if text.startswith("\\\\") or text.startswith("//"):
        return True
    if sys.platform == "win32" and len(text) >= 2 and text[1] == ":":
        import ctypes

        drive_remote = 4
        return ctypes.windll.kernel32.GetDriveTypeW(text[:2] + "\\") == drive_remote
    return False


@dataclass(frozen=True)
class StoreLocation:
    """The database the program works on and how to describe it to the user."""

    url: str
    description: str
    sqlite_path: Path | None = None


def sqlite_store(path: str | os.PathLike[str]) -> StoreLocation:
    """A SQLite file store; refuses network shares (use PostgreSQL for a shared office)."""
    file = Path(path).expanduser().resolve()
    if _is_network_path(file):
        raise ConfigError(
            f"数据库文件不能放在网络共享上：{file}\n"
            "多台电脑共用数据时请使用办公室服务器上的 PostgreSQL（--db-url）。"
        )
    if file.is_dir():
        raise ConfigError(f"{file} 是一个文件夹，请给出数据库文件的路径。")
    if not file.parent.exists():
        raise ConfigError(f"数据库所在的文件夹不存在：{file.parent}")
    return StoreLocation(
        url=f"sqlite:///{file.as_posix()}", description=str(file), sqlite_path=file
    )


def default_store() -> StoreLocation:
    return sqlite_store(data_dir() / DB_FILENAME)


def store_from_args(db_path: str | None, db_url: str | None) -> StoreLocation:
    """Resolve `--db PATH` / `--db-url URL` into a store location."""
    if db_path and db_url:
        raise ConfigError("--db 和 --db-url 只能选一个。")
    if db_path:
        return sqlite_store(db_path)
    if db_url:
        if db_url.startswith("sqlite:///"):
            return sqlite_store(db_url.removeprefix("sqlite:///"))
        if db_url.startswith("postgresql://"):
            db_url = "postgresql+psycopg://" + db_url.removeprefix("postgresql://")
        shown = db_url.split("@")[-1] if "@" in db_url else db_url
        return StoreLocation(url=db_url, description=shown)
    return default_store()
