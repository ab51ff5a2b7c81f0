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
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            include_object=include_in_autogenerate,
        )
        context.run_migrations()


run_migrations_online()
