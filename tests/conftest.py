"""Shared fixtures: a fresh, migrated SQLite store per test, and a Qt app context."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from desktop_crm.config import StoreLocation, sqlite_store, store_from_args
from desktop_crm.models import User
from desktop_crm.models.db import make_engine, make_session_factory
from desktop_crm.models.migrate import upgrade_database
from desktop_crm.services import bootstrap


@pytest.fixture(autouse=True)
def _private_qt_settings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Window layouts the tests save go to a temporary folder, not the user's settings."""
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    folder = str(tmp_path_factory.mktemp("qt-settings"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)


@pytest.fixture(autouse=True)
def _private_data_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never touch the real user's data folder (and keep each test's tmp_path its own)."""
    monkeypatch.setenv("DESKTOP_CRM_DATA_DIR", str(tmp_path_factory.mktemp("data")))


# Set DESKTOP_CRM_TEST_PG_URL (e.g. postgresql://postgres@127.0.0.1:5433/postgres) to run
# every store-backed test on PostgreSQL as well; .ci/run does.
PG_ADMIN_URL = os.environ.get("DESKTOP_CRM_TEST_PG_URL")
BACKENDS = ["sqlite", "postgresql"] if PG_ADMIN_URL else ["sqlite"]


@pytest.fixture(params=BACKENDS)
def empty_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StoreLocation]:
    """A store with no tables at all: for the tests of the migrations themselves."""
    if request.param == "sqlite":
        yield sqlite_store(tmp_path_factory.mktemp("store") / "crm.sqlite3")
        return
    yield from _postgres_store()


@pytest.fixture(params=BACKENDS)
def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StoreLocation]:
    """A fresh store of this test's own, at the head revision with the defaults: a copy of a
    template the real migrations built once per run (migrating every test's store from
    nothing took half a second a test, a quarter of the whole run)."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("_sqlite_template")
        target = tmp_path_factory.mktemp("store") / "crm.sqlite3"
        shutil.copyfile(template, target)
        yield sqlite_store(target)
        return
    yield from _postgres_store(template=request.getfixturevalue("_postgres_template"))


def _migrate(location: StoreLocation) -> None:
    engine = make_engine(location.url)
    upgrade_database(engine)
    with make_session_factory(engine)() as session:
        bootstrap.ensure_defaults(session)
    engine.dispose()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    _migrate(sqlite_store(path))
    assert not path.with_name(path.name + "-wal").exists()  # all in the one file to copy
    return path


@pytest.fixture(scope="session")
def _postgres_template() -> Iterator[str]:
    """A migrated database that each PostgreSQL test's database is created from."""
    for location in _postgres_store():
        _migrate(location)
        yield location.url.rsplit("/", 1)[1]


def _postgres_store(template: str | None = None) -> Iterator[StoreLocation]:
    """A fresh PostgreSQL database for one test (a copy of `template`), dropped afterwards."""
    import uuid

    from sqlalchemy import create_engine, text

    admin_url = PG_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    name = f"crm_test_{uuid.uuid4().hex[:12]}"
    server = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    copy = f' TEMPLATE "{template}"' if template else ""
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    location = store_from_args(None, admin_url.rsplit("/", 1)[0] + "/" + name)
    yield location
    from sqlalchemy import create_engine as _create

    _create(location.url).dispose()
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


def sqlite_only(store: StoreLocation) -> None:
    if store.sqlite_path is None:
        pytest.skip("SQLite only")


@pytest.fixture
def session_factory(store: StoreLocation) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(store.url)
    upgrade_database(engine)
    factory = make_session_factory(engine)
    with factory() as session:
        bootstrap.ensure_defaults(session)
    yield factory
    engine.dispose()


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as session:
        yield session


@pytest.fixture
def admin(session: Session) -> User:
    return bootstrap.administrator(session)


@pytest.fixture
def app_context(qapp, session_factory, store):  # noqa: ANN001
    from desktop_crm.views.context import AppContext, ChangeHub

    with session_factory() as session:
        admin_id = bootstrap.administrator(session).id
    return AppContext(
        session_factory=session_factory,
        store=store,
        user_id=admin_id,
        hub=ChangeHub(),
        log_path=os.environ["DESKTOP_CRM_DATA_DIR"] + "/desktop-crm.log",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Screens run on SQLite only: they reach the store through the services, whose SQL is
    what differs between the two databases, and the service, command-line and schema tests
    run on both. (Running the screens twice doubled the slowest part of CI.)"""
    screens_on_pg = [
        item
        for item in items
        if item.nodeid.startswith("tests/views/") and "[postgresql" in item.nodeid
    ]
    if screens_on_pg:
        config.hook.pytest_deselected(items=screens_on_pg)
        kept = set(map(id, screens_on_pg))
        items[:] = [item for item in items if id(item) not in kept]
