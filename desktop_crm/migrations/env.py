"""Alembic environment: the engine comes from the program (config.attributes['engine'])."""

from __future__ import annotations

from alembic import context

from desktop_crm.models import Base
from desktop_crm.models.migrate import include_in_autogenerate

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        from sqlalchemy import create_engine

        engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch migration rebuilds a table (copy, DROP, rename). With foreign keys on,
            # that DROP deletes the rows of every child table declared ON DELETE CASCADE:
            # a rebuilt archive_volume lost its documents. SQLite's own procedure for a
            # rebuild: keys off (only outside a transaction), rebuild, check, keys on.
            connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
            connection.commit()
        try:
            with connection.begin():
                context.configure(
                    connection=connection,
                    target_metadata=target_metadata,
                    render_as_batch=sqlite,
                    include_object=include_in_autogenerate,
                )
                context.run_migrations()
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise RuntimeError("迁移后数据库的外键关系不一致，已撤销这次升级。")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys = ON")
                connection.commit()


run_migrations_online()
