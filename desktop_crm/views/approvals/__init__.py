"""审批: the approvals page and the dialogs that make requests (查看授权, 礼品登记,
客户优惠申请表). Each act is one service call in its own short session."""

from __future__ import annotations

from .approvals_page import ApprovalsPage, PaperDecisionDialog
from .request_dialogs import DiscountDialog, GiftDialog, GrantRequestDialog

__all__ = [
    "ApprovalsPage",
    "DiscountDialog",
    "GiftDialog",
    "GrantRequestDialog",
    "PaperDecisionDialog",
]
