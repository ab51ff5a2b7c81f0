"""Migration 0013 fills the search text of the volumes a store already holds, so a
ledger filed before it is found by its documents' titles at once."""

from __future__ import annotations

from alembic import command

from desktop_crm.models.migrate import alembic_config
from desktop_crm.services.archive_list import archive_query
from tests.services.archive_office import file, make_office


def test_volumes_filed_before_0013_are_found_after_it(session_factory, session, admin) -> None:  # noqa: ANN001
    office = make_office(session, admin)
    file(session, office.keeper, office, title="年度销售合同",
         items=[{"title": "钢材购销协议", "doc_number": "GX-2026-031"}])  # fmt: skip
    session.close()
    engine = session_factory.kw["bind"]
    command.downgrade(alembic_config(engine), "0012")  # the store as 0012 left it
    command.upgrade(alembic_config(engine), "head")
    with session_factory() as fresh:
        for text in ("购销协议", "2026-031", "销售"):
            query = archive_query(fresh, office.keeper, text)
            assert query.count(fresh) == 1, text
