"""Gap-free numbers, also when two PCs take them at once."""

from __future__ import annotations

import threading

from desktop_crm.services.numbering import peek_next, take_numbers


def test_numbers_run_on_and_a_rollback_gives_them_back(session) -> None:  # noqa: ANN001
    assert take_numbers(session, "TS2026") == 1
    assert take_numbers(session, "TS2026", 3) == 2
    session.commit()
    take_numbers(session, "TS2026")
    session.rollback()
    assert peek_next(session, "TS2026") == 5


def test_two_writers_never_share_a_number(session_factory) -> None:  # noqa: ANN001
    with session_factory() as session:
        take_numbers(session, "both")
        session.commit()
    taken: list[int] = []
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for _ in range(25):
                with session_factory() as session:
                    taken.append(take_numbers(session, "both"))
                    session.commit()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=writer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(taken) == list(range(2, 52))
