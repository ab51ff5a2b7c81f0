"""Archive boxes and full-text search: 盒号 on a volume, and the search text of a volume
(its 题名 and its documents' 题名 one Hanzi per token; its 档号 and 文号) indexed the way
the customer search is (0001): FTS5 on SQLite, trigram GIN on PostgreSQL.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27 05:00:00
"""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

SEARCH_INDEX_SQLITE = [
    "CREATE VIRTUAL TABLE archive_fts_hanzi USING fts5("
    "search_hanzi, content='archive_volume', content_rowid='id', tokenize='unicode61')",
    "CREATE VIRTUAL TABLE archive_fts_keys USING fts5("
    "search_keys, content='archive_volume', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER archive_search_ai AFTER INSERT ON archive_volume BEGIN "
    "INSERT INTO archive_fts_hanzi(rowid, search_hanzi) VALUES (new.id, new.search_hanzi); "
    "INSERT INTO archive_fts_keys(rowid, search_keys) VALUES (new.id, new.search_keys); END",
    "CREATE TRIGGER archive_search_ad AFTER DELETE ON archive_volume BEGIN "
    "INSERT INTO archive_fts_hanzi(archive_fts_hanzi, rowid, search_hanzi) "
    "VALUES ('delete', old.id, old.search_hanzi); "
    "INSERT INTO archive_fts_keys(archive_fts_keys, rowid, search_keys) "
    "VALUES ('delete', old.id, old.search_keys); END",
    "CREATE TRIGGER archive_search_au AFTER UPDATE OF search_hanzi, search_keys "
    "ON archive_volume BEGIN "
    "INSERT INTO archive_fts_hanzi(archive_fts_hanzi, rowid, search_hanzi) "
    "VALUES ('delete', old.id, old.search_hanzi); "
    "INSERT INTO archive_fts_keys(archive_fts_keys, rowid, search_keys) "
    "VALUES ('delete', old.id, old.search_keys); "
    "INSERT INTO archive_fts_hanzi(rowid, search_hanzi) VALUES (new.id, new.search_hanzi); "
    "INSERT INTO archive_fts_keys(rowid, search_keys) VALUES (new.id, new.search_keys); END",
]

SEARCH_INDEX_POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_archive_volume_search_hanzi_trgm ON archive_volume "
    "USING gin (search_hanzi gin_trgm_ops)",
    "CREATE INDEX ix_archive_volume_search_keys_trgm ON archive_volume "
    "USING gin (search_keys gin_trgm_ops)",
]

_HANZI_OR_WORD = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[0-9a-z]+")


def _hanzi(texts: list[str | None]) -> str:
    # The rule of services/text_keys.hanzi_terms, frozen here as this revision knew it.
    out: list[str] = []
    for text in texts:
        if text:
            out += _HANZI_OR_WORD.findall(unicodedata.normalize("NFKC", text).lower())
    return " ".join(out)


def _keys(texts: list[str | None]) -> str:
    return " ".join(unicodedata.normalize("NFKC", t).lower().replace(" ", "") for t in texts if t)


def upgrade() -> None:
    with op.batch_alter_table("archive_volume", schema=None) as batch_op:
        batch_op.add_column(sa.Column("box_no", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("search_hanzi", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("search_keys", sa.Text(), nullable=False, server_default=""))
    _fill_search_text()
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SEARCH_INDEX_SQLITE, "postgresql": SEARCH_INDEX_POSTGRESQL}.get(
        dialect, []
    ):
        op.execute(statement)
    if dialect == "sqlite":
        op.execute("INSERT INTO archive_fts_hanzi(archive_fts_hanzi) VALUES ('rebuild')")
        op.execute("INSERT INTO archive_fts_keys(archive_fts_keys) VALUES ('rebuild')")


def _fill_search_text() -> None:
    bind = op.get_bind()
    volumes = bind.execute(sa.text("SELECT id, number, title FROM archive_volume")).all()
    if not volumes:
        return
    items: dict[int, list[tuple[str | None, str | None]]] = {}
    for volume_id, title, doc_number in bind.execute(
        sa.text("SELECT volume_id, title, doc_number FROM archive_item ORDER BY volume_id, seq")
    ):
        items.setdefault(volume_id, []).append((title, doc_number))
    rows = [
        {
            "id": vid,
            "h": _hanzi([title] + [t for t, _ in items.get(vid, [])]),
            "k": _keys([number] + [d for _, d in items.get(vid, [])]),
        }
        for vid, number, title in volumes
    ]
    bind.execute(
        sa.text("UPDATE archive_volume SET search_hanzi = :h, search_keys = :k WHERE id = :id"),
        rows,
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("archive_search_ai", "archive_search_ad", "archive_search_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS archive_fts_hanzi")
        op.execute("DROP TABLE IF EXISTS archive_fts_keys")
    else:
        op.execute("DROP INDEX IF EXISTS ix_archive_volume_search_hanzi_trgm")
        op.execute("DROP INDEX IF EXISTS ix_archive_volume_search_keys_trgm")
    with op.batch_alter_table("archive_volume", schema=None) as batch_op:
        batch_op.drop_column("search_keys")
        batch_op.drop_column("search_hanzi")
        batch_op.drop_column("box_no")
