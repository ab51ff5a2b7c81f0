"""Bring a store's schema to the program's version with the shipped Alembic scripts."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import ResolutionError
from alembic.util.exc import CommandError
from sqlalchemy import Engine

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


class SchemaError(Exception):
    """The store cannot be opened by this program version (Chinese message)."""


def include_in_autogenerate(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Leave the search index objects made by hand in 0001 (FTS5 tables on SQLite, trigram
    indexes on PostgreSQL; the archive's from 0013) out of autogenerate and schema comparisons."""
    if name is None:
        return True
    return not (
        (type_ == "table" and name.startswith(("customer_fts", "archive_fts")))
        or (type_ == "index" and name.endswith("_trgm"))
    )


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str:
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    assert head is not None
    return head


def backup_sqlite(engine: Engine, reason: str) -> Path | None:
    """Copy a SQLite store beside itself with VACUUM INTO before risky work."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database:
        return None
    source = Path(database)
    backups = source.parent / "backups"
    backups.mkdir(exist_ok=True)
    target = backups / f"{source.stem}-{reason}-{datetime.now():%Y%m%d-%H%M%S}.sqlite3"
    with engine.connect() as connection:
        connection.exec_driver_sql("VACUUM INTO ?", (str(target),))
    log.info("backup before %s written to %s", reason, target)
    return target


def _known(script: ScriptDirectory, revision: str) -> bool:
    try:
        return script.get_revision(revision) is not None
    except (ResolutionError, CommandError):
        return False


def upgrade_database(engine: Engine) -> None:
    """Apply pending migrations; back up first when an existing store changes schema."""
    script = ScriptDirectory.from_config(alembic_config(engine))
    current = current_revision(engine)
    head = script.get_current_head()
    if current == head:
        return
    if current is not None and not _known(script, current):
        raise SchemaError(
            "这个数据库是由更新版本的客户服务管理系统创建的，当前程序无法打开。请先升级程序。"
        )
    if current is not None:
        backup_sqlite(engine, "before-upgrade")
    command.upgrade(alembic_config(engine), "head")
    log.info("schema upgraded from %s to %s", current, head)
