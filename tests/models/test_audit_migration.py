"""Migration 0004: the old per-customer history moves into the chained audit log."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from desktop_crm.models import User, UserRole
from desktop_crm.models.db import make_engine, make_session_factory
from desktop_crm.models.migrate import alembic_config, upgrade_database
from desktop_crm.services import audit, bootstrap, customers


def test_old_history_is_carried_over_and_chained(empty_store) -> None:  # noqa: ANN001
    engine = make_engine(empty_store.url)
    command.upgrade(alembic_config(engine), "0003")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO app_user (id, name, login, active, failed_logins, created_at)"
                " VALUES (50, '张伟', 'zhangwei', TRUE, 0, '2026-01-05 09:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO customer (id, code, name, is_key, key_customer, registered_at,"
                " name_key, pinyin_sort, pinyin_initials, search_hanzi, search_keys, version,"
                " updated_at) VALUES (7, 'KH000007', '河北工程集团有限公司', FALSE, FALSE,"
                " '2026-01-05 09:00:00', '河北工程集团公司', 'hebei', 'hbgc', '河 北 工 程',"
                " 'hbgc', 1, '2026-01-05 09:00:00')"
            )
        )
        for row in (
            "(1, 7, '2026-01-05 09:00:00', 50, '登记', NULL, 'KH000007 河北工程集团有限公司')",
            "(2, 7, '2026-01-06 10:00:00', 50, '电话', NULL, '0311-87654321')",
            "(3, 7, '2026-01-07 11:30:00', NULL, '客户经理', '张伟', '王芳')",
        ):
            connection.execute(
                text(
                    "INSERT INTO customer_change (id, customer_id, changed_at, user_id, field,"
                    f" old_value, new_value) VALUES {row}"
                )
            )
    upgrade_database(engine)
    factory = make_session_factory(engine)
    with factory() as session:
        bootstrap.ensure_defaults(session)
        reader = session.get(User, 50)
        reader.roles.append(UserRole(role="系统管理员"))
        session.commit()
        history = customers.history(session, reader, 7)
        assert [(h.seq, h.act, h.field, h.new_value) for h in history] == [
            (3, "修改", "客户经理", "王芳"),
            (2, "修改", "电话", "0311-87654321"),
            (1, "新建", "登记", "KH000007 河北工程集团有限公司"),
        ]
        assert history[2].user.name == "张伟" and history[2].user_name == "张伟"
        assert (
            history[0].user is None and history[0].object_label == "KH000007 河北工程集团有限公司"
        )
        assert history[1].changed_at.isoformat() == "2026-01-06T10:00:00"
        assert audit.verify_chain(session) is None
        # New entries chain on after the carried-over ones.
        customers.save_customer(session, session.get(User, 50), {"name": "乙公司"})
        assert audit.count(session) >= 4
        assert audit.verify_chain(session) is None
    with engine.connect() as connection:
        tables = (
            "SELECT name FROM sqlite_master WHERE name = 'customer_change'"
            if engine.dialect.name == "sqlite"
            else "SELECT tablename FROM pg_tables WHERE tablename = 'customer_change'"
        )
        assert connection.execute(text(tables)).first() is None
    engine.dispose()
