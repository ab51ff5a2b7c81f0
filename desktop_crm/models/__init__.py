"""The store: SQLAlchemy tables, one module per subject. No Qt here."""

from .approval import Approval, ApprovalStep, DiscountRequest, GiftRecord
from .archive import (
    ArchiveAccess,
    ArchiveCategory,
    ArchiveItem,
    ArchiveLocation,
    ArchiveMove,
    ArchiveNote,
    ArchiveNumberChange,
    ArchivePeriod,
    ArchiveScan,
    ArchiveScanBlob,
    ArchiveVolume,
)
from .archive_flow import (
    ArchiveAppraisal,
    ArchiveAppraisalEntry,
    ArchiveDestruction,
    ArchiveDestructionEntry,
    ArchiveLoan,
    ArchiveLoanExtension,
    ArchiveLoanRule,
    ArchiveLoanVolume,
    ArchiveNotice,
    ArchiveReceipt,
    ArchiveReceiptItem,
    ArchiveSecretReader,
)
from .audit import AuditEntry
from .base import Base
from .common import NumberSequence, local_now
from .complaint import Complaint, ComplaintHandlingReport, ComplaintReport, ComplaintStep
from .customer import (
    Attachment,
    AttachmentBlob,
    Contact,
    Customer,
    FollowUp,
    Purchase,
)
from .lookup import LookupValue
from .revisit import Revisit, RevisitPlan
from .rights import AccessGrant, RoleRight
from .setting import Setting
from .survey import (
    Survey,
    SurveyAnswer,
    SurveyCompetitor,
    SurveyImprovement,
    SurveyItem,
    SurveyQuestionnaire,
    SurveyRespondent,
)
from .user import Department, User, UserRole
from .work_calendar import WorkCalendarDay

__all__ = [
    "ArchiveAccess",
    "ArchiveCategory",
    "ArchiveItem",
    "ArchiveLocation",
    "ArchiveMove",
    "ArchiveNote",
    "ArchiveNumberChange",
    "ArchivePeriod",
    "ArchiveScan",
    "ArchiveScanBlob",
    "ArchiveVolume",
    "ArchiveAppraisal",
    "ArchiveAppraisalEntry",
    "ArchiveDestruction",
    "ArchiveDestructionEntry",
    "ArchiveLoan",
    "ArchiveLoanExtension",
    "ArchiveLoanRule",
    "ArchiveLoanVolume",
    "ArchiveNotice",
    "ArchiveReceipt",
    "ArchiveReceiptItem",
    "ArchiveSecretReader",
    "Complaint",
    "ComplaintHandlingReport",
    "ComplaintReport",
    "ComplaintStep",
    "Revisit",
    "RevisitPlan",
    "Setting",
    "Survey",
    "SurveyAnswer",
    "SurveyCompetitor",
    "SurveyImprovement",
    "SurveyItem",
    "SurveyQuestionnaire",
    "SurveyRespondent",
    "AccessGrant",
    "Approval",
    "ApprovalStep",
    "DiscountRequest",
    "GiftRecord",
    "RoleRight",
    "Attachment",
    "AuditEntry",
    "AttachmentBlob",
    "Base",
    "Contact",
    "Customer",
    "Department",
    "FollowUp",
    "LookupValue",
    "NumberSequence",
    "Purchase",
    "User",
    "UserRole",
    "WorkCalendarDay",
    "local_now",
]
