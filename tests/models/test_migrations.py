"""The schema: created by the migrations, upgraded without losing rows, newer stores refused."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from desktop_crm.models.db import make_engine
from desktop_crm.models.migrate import (
    SchemaError,
    current_revision,
    head_revision,
    upgrade_database,
)
from desktop_crm.services import customers
from tests.conftest import sqlite_only


def test_fresh_store_is_at_head_in_wal_mode(session_factory, store) -> None:  # noqa: ANN001
    sqlite_only(store)
    engine = make_engine(store.url)
    assert current_revision(engine) == head_revision(engine)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_upgrade_from_the_first_schema_keeps_rows_and_backs_up(tmp_path) -> None:  # noqa: ANN001
    from alembic import command

    from desktop_crm.config import sqlite_store
    from desktop_crm.models.db import make_session_factory
    from desktop_crm.models.migrate import alembic_config
    from desktop_crm.services import bootstrap

    store = sqlite_store(tmp_path / "old.sqlite3")
    engine = make_engine(store.url)
    command.upgrade(alembic_config(engine), "0001")  # the store as the first release left it
    with engine.begin() as connection:  # a row as the first release wrote it
        connection.execute(
            text(
                "INSERT INTO customer (code, name, is_key, registered_at, name_key, pinyin_sort,"
                " pinyin_initials, search_hanzi, search_keys, version, updated_at) VALUES"
                " ('KH000001', '河北工程集团有限公司', 1, '2026-01-05 09:00:00', '河北工程集团公司',"
                " 'hebei', 'hbgc', '河 北 工 程', 'hbgc', 1, '2026-01-05 09:00:00')"
            )
        )
    upgrade_database(engine)
    with make_session_factory(engine)() as session:
        bootstrap.ensure_defaults(session)
        customer = customers.get_by_code(session, bootstrap.administrator(session), "KH000001")
        assert customer.key_customer  # the stored flag follows the hand mark
    assert current_revision(engine) == head_revision(engine) != "0001"
    with engine.connect() as connection:
        assert connection.execute(text("SELECT name FROM customer")).scalars().all() == [
            "河北工程集团有限公司"
        ]
    backups = list((tmp_path / "backups").glob("old-before-upgrade-*.sqlite3"))
    assert len(backups) == 1
    backup = make_engine(sqlite_store(backups[0]).url)
    assert current_revision(backup) == "0001"
    engine.dispose()
    backup.dispose()


def test_refuses_a_store_from_a_newer_program(session_factory, store) -> None:  # noqa: ANN001
    engine = make_engine(store.url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    with pytest.raises(SchemaError, match="更新版本"):
        upgrade_database(engine)
