"""Administration dialogs: the configurable lists, staff, and handing customers over.

Every dialog runs each user action as one service call in its own short session
(`run_service`) and copies what it shows into plain values, so no ORM object outlives it.
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
) -> T | _Failed:
    """Run one service call as the signed-in user; refusals and bugs are shown, not raised.

    `action` must return plain values: its session is closed (and its objects expired) when
    this returns. A ValidationError goes to `on_invalid` when given, so a form can show it
    beside its fields; returns FAILED when the action did not complete.
    """
    try:
        with context.session() as session:
            return action(session, context.actor(session))
    except ValidationError as error:
        if on_invalid is not None:
            on_invalid(error)
        else:
            messages.show_refusal(parent, error)
    except ServiceError as error:
        messages.show_refusal(parent, error)
    except Exception as error:  # a bug: logged and shown plainly, the window stays usable
        messages.show_unexpected(parent, error, context.log_path)
    return FAILED


# Imported last: the dialog modules use run_service from this package.
from .lookup_dialog import LookupListsDialog  # noqa: E402
from .reassign_dialog import ReassignDialog  # noqa: E402
from .staff_dialog import StaffDialog, StaffEditDialog  # noqa: E402

__all__ = [
    "FAILED",
    "LookupListsDialog",
    "ReassignDialog",
    "StaffDialog",
    "StaffEditDialog",
    "run_service",
]
