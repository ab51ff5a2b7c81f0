"""The migrations build exactly the tables the models declare (no forgotten migration)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from desktop_crm.models import Base
from desktop_crm.models.db import make_engine
from desktop_crm.models.migrate import include_in_autogenerate


def test_no_model_change_without_a_migration(session_factory, store) -> None:  # noqa: ANN001
    engine = make_engine(store.url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": include_in_autogenerate}
        )
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []
