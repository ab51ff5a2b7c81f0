"""The store: SQLAlchemy tables, one module per subject. No Qt here."""

from .base import Base
from .common import NumberSequence, local_now
from .customer import (
    Attachment,
    AttachmentBlob,
    Contact,
    Customer,
    CustomerChange,
    FollowUp,
    Purchase,
)
from .lookup import LookupValue
from .user import Department, User, UserRole

__all__ = [
    "Attachment",
    "AttachmentBlob",
    "Base",
    "Contact",
    "Customer",
    "CustomerChange",
    "Department",
    "FollowUp",
    "LookupValue",
    "NumberSequence",
    "Purchase",
    "User",
    "UserRole",
    "local_now",
]
