"""Administration dialogs: the configurable lists, staff, and handing customers over.

Every dialog runs each user action as one service call in its own short session
(`views.service_call.run_service`) and copies what it shows into plain values, so no ORM
object outlives it.
"""

from __future__ import annotations

from .lookup_dialog import LookupListsDialog
from .reassign_dialog import ReassignDialog
from .staff_dialog import StaffDialog, StaffEditDialog

__all__ = [
    "LookupListsDialog",
    "ReassignDialog",
    "StaffDialog",
    "StaffEditDialog",
]
