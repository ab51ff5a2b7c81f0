"""The search text of a volume, kept beside it and indexed (migration 0013).

`search_hanzi` holds one token per Hanzi of the volume's 题名 and of every document's 题名,
so a phrase query finds any fragment — "合同" inside "供货合同补充协议" — through the
index (FTS5 on SQLite, trigram GIN on PostgreSQL), as the customer search does.
`search_keys` holds the 档号 and the documents' 文号, lowered, for the trigram index.

Every ORM write of a volume or a document refreshes the text before the flush (one
listener, so no service can forget it); bulk inserts call `search_columns` themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, event, inspect, select
from sqlalchemy.orm import Session

from desktop_crm.models import ArchiveItem, ArchiveVolume

from .customer_list import fts_ids
from .text_keys import hanzi_terms, normalise_text


def search_columns(
    number: str | None, title: str | None, items: Iterable[Any] = ()
) -> dict[str, str]:
    """The two search columns of a volume from its 档号, 题名 and documents (objects or
    dicts with `title` and `doc_number`)."""
    titles: list[str | None] = [title]
    keys: list[str | None] = [number]
    for item in items:
        get = item.get if isinstance(item, dict) else (lambda k, i=item: getattr(i, k, None))
        titles.append(get("title"))
        keys.append(get("doc_number"))
    return {
        "search_hanzi": hanzi_terms(titles),
        "search_keys": " ".join(
            dict.fromkeys(normalise_text(k).lower().replace(" ", "") for k in keys if k)
        ),
    }


def refresh(volume: ArchiveVolume) -> None:
    """Set the volume's search text from what it holds now."""
    for key, value in search_columns(volume.number, volume.title, volume.items).items():
        if getattr(volume, key) != value:
            setattr(volume, key, value)


def _touched_volumes(session: Session) -> set[ArchiveVolume]:
    volumes: set[ArchiveVolume] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, ArchiveVolume) and obj not in session.deleted:
            volumes.add(obj)
        elif isinstance(obj, ArchiveItem):
            volume = obj.__dict__.get("volume") or (
                session.get(ArchiveVolume, obj.volume_id) if obj.volume_id else None
            )
            if volume is not None:
                volumes.add(volume)
    return volumes


@event.listens_for(Session, "before_flush")
def _refresh_before_flush(session: Session, _context: object, _instances: object) -> None:
    for volume in _touched_volumes(session):
        state = inspect(volume)
        if state.deleted or state.detached:
            continue
        # A document removed from `items` is already out of the list here.
        refresh(volume)


def fts_match_ids(session: Session, phrases: list[str], keys: list[str]) -> Select[Any] | None:
    """Volume ids whose search text holds every phrase (what the user typed between spaces:
    "2015年营销" must appear as written, in a 题名 of the volume or of a document) and every
    key of three or more characters (a 档号 or 文号 part, as a substring), through the
    index; None when there is nothing to look up that way."""
    tokenised = [t for t in (hanzi_terms([p]) for p in phrases) if t]
    if not tokenised and not keys:
        return None
    if session.get_bind().dialect.name != "sqlite":
        query = select(ArchiveVolume.id)
        for tokens in tokenised:
            query = query.where(ArchiveVolume.search_hanzi.contains(tokens, autoescape=True))
        for key in keys:
            query = query.where(ArchiveVolume.search_keys.contains(key, autoescape=True))
        return query
    parts: list[Select[Any]] = []
    if tokenised:
        parts.append(fts_ids("archive_fts_hanzi", " AND ".join('"' + t + '"' for t in tokenised)))
    if keys:
        quoted = " AND ".join('"' + k.replace('"', '""') + '"' for k in keys)
        parts.append(fts_ids("archive_fts_keys", quoted))
    query = parts[0]
    for part in parts[1:]:
        query = query.intersect(part)
    return query
