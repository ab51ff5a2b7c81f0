"""数据库备份: a full copy of the store, made by someone allowed to copy customer files.

Backing up customer files is copying them (DOMAIN §1): it needs the copy right (the export
right of customer files, by default the 总经理 and the 系统管理员) and is recorded in the
audit log. The copy is written under a temporary name and renamed when complete, so a
failed or interrupted backup never leaves a half file that looks like a backup.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from sqlalchemy.orm import Session

from desktop_crm.models import User, local_now

from . import audit, rights
from .errors import ValidationError

log = logging.getLogger(__name__)

SUFFIXES = (".sqlite3", ".db")


def default_name() -> str:
    """The file name the save dialog offers: what it is, that it is internal, and when."""
    return f"客户服务管理系统备份-内部资料-{local_now():%Y%m%d-%H%M}.sqlite3"


def back_up(session: Session, actor: User, target: str | Path) -> int:
    """Copy the whole store to `target` (a new file); returns its size in bytes."""
    rights.require(session, actor, "customers", "export")
    bind = session.get_bind()
    if bind.dialect.name != "sqlite":
        raise ValidationError(
            "共享服务器上的数据库请由服务器管理员用 PostgreSQL 的 pg_dump 备份。", field="target"
        )
    path = Path(target)
    if path.suffix.lower() not in SUFFIXES:
        raise ValidationError("备份文件名应以 .sqlite3 结尾。", field="target")
    if path.exists():
        raise ValidationError(f"文件 {path.name} 已存在，请换一个文件名。", field="target")
    if not path.parent.is_dir():
        raise ValidationError(f"文件夹 {path.parent} 不存在。", field="target")
    partial = path.with_name(path.name + ".part")
    partial.unlink(missing_ok=True)
    try:
        with bind.connect() as connection:  # VACUUM INTO: a consistent copy while others work
            connection.exec_driver_sql("VACUUM INTO ?", (str(partial),))
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    size = path.stat().st_size
    audit.record(
        session,
        actor,
        audit.EXPORT,
        "store",
        object_label="数据库备份",
        detail=f"{path.name}；{size / 1048576:.1f} MB",
    )
    session.commit()
    log.info("backup written to %s by user_id=%s", path, actor.id)
    return size
