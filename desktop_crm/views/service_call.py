"""Running one user action as one service call, with its refusals and bugs shown, not raised.

Every dialog calls the services through `run_service`: one short session, the signed-in user,
and the same answer to each kind of error (DESIGN rule 2), written once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from desktop_crm.models import User
from desktop_crm.services.errors import ServiceError, ValidationError
from desktop_crm.views import messages
from desktop_crm.views.context import AppContext

T = TypeVar("T")


class _Failed:
    """Marker returned by `run_service` when the action did not complete."""

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "FAILED"


FAILED = _Failed()


def run_service(
    parent: QWidget,
    context: AppContext,
    action: Callable[[Session, User], T],
    on_invalid: Callable[[ValidationError], None] | None = None,
    refusal_title: str | None = None,
) -> T | _Failed:
    """Run one service call as the signed-in user; refusals and bugs are shown, not raised.

    `action` must return plain values: its session is closed (and its objects expired) when
    this returns. A ValidationError goes to `on_invalid` when given, so a form can show it
    beside its fields; other refusals are shown in a message box titled `refusal_title`
    (default: messages.show_refusal's). Returns FAILED when the action did not complete.
    """
    try:
        with context.session() as session:
            return action(session, context.actor(session))
    except ValidationError as error:
        if on_invalid is not None:
            on_invalid(error)
        else:
            _show_refusal(parent, error, refusal_title)
    except ServiceError as error:
        _show_refusal(parent, error, refusal_title)
    except Exception as error:  # a bug: logged and shown plainly, the window stays usable
        messages.show_unexpected(parent, error, context.log_path)
    return FAILED


def _show_refusal(parent: QWidget, error: ServiceError, title: str | None) -> None:
    if title is None:
        messages.show_refusal(parent, error)
    else:
        messages.show_refusal(parent, error, title)
