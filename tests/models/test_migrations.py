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


def test_upgrade_from_an_older_revision_keeps_rows_and_backs_up(
    session_factory, session, admin, store
) -> None:  # noqa: ANN001
    customers.save_customer(session, admin, {"name": "河北工程集团有限公司"})
    session.close()
    engine = make_engine(store.url)
    with engine.begin() as connection:  # pretend the store was made by an older program
        connection.execute(text("UPDATE alembic_version SET version_num = 'base_for_test'"))
    with pytest.raises(SchemaError):  # an unknown revision is a newer program's store
        upgrade_database(engine)
    with engine.begin() as connection:
        connection.execute(
            text(f"UPDATE alembic_version SET version_num = '{head_revision(engine)}'")
        )
    upgrade_database(engine)  # at head: nothing to do, nothing lost
    with engine.connect() as connection:
        assert (
            connection.execute(text("SELECT name FROM customer")).scalar() == "河北工程集团有限公司"
        )


def test_refuses_a_store_from_a_newer_program(session_factory, store) -> None:  # noqa: ANN001
    engine = make_engine(store.url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    with pytest.raises(SchemaError, match="更新版本"):
        upgrade_database(engine)
