"""Documents made from the store: list exports and printed forms.

The one place where service data meets the report renderers, shared by the window and the
command line so both produce the same files. One module per area; everything is imported
here, so callers write `documents.complaint_record_pdf(...)`.
"""

from __future__ import annotations

from .archive_forms import (
    archive_catalogue,
    archive_catalogue_data,
    archive_destruction_data,
    archive_destruction_register,
    archive_due,
    archive_due_data,
    archive_file_contents,
    archive_items_data,
    archive_items_pdf,
    archive_items_xlsx,
    archive_loan_book,
    archive_loan_book_data,
    archive_receipt_book,
    archive_receipt_book_data,
    archive_remarks_data,
    archive_remarks_pdf,
    archive_remarks_xlsx,
    export_archives,
)
from .archive_label_forms import (
    archive_label_values,
    archive_labels_for_year,
    archive_labels_pdf,
    archive_volume_labels_pdf,
    archive_year_labels_data,
)
from .archive_loan_forms import (
    archive_loan_slip,
    archive_loan_slip_data,
)
from .base import (
    EXPORT_AREAS,
    export_list,
    internal_note,
    render_form,
)
from .complaint_forms import (
    complaint_handling_report_pdf,
    complaint_handling_report_xlsx,
    complaint_month_pdf,
    complaint_month_xlsx,
    complaint_record_pdf,
    complaint_record_xlsx,
    complaint_week_pdf,
    complaint_week_xlsx,
    revisit_record_pdf,
    revisit_record_xlsx,
)
from .customer_forms import (
    customer_card_pdf,
    customer_card_xlsx,
)
from .revisit_forms import (
    revisit_plans_pdf,
    revisit_plans_xlsx,
    revisit_report_pdf,
    revisit_report_xlsx,
    revisit_summary_pdf,
    revisit_summary_xlsx,
    visit_brief_pdf,
    visit_brief_xlsx,
)
from .survey_forms import (
    questionnaires_pdf,
    satisfaction_report,
    satisfaction_report_pdf,
    satisfaction_report_xlsx,
)

__all__ = [
    "EXPORT_AREAS",
    "archive_catalogue",
    "archive_catalogue_data",
    "archive_due",
    "archive_due_data",
    "archive_items_data",
    "archive_file_contents",
    "archive_items_pdf",
    "archive_items_xlsx",
    "archive_label_values",
    "archive_labels_pdf",
    "archive_volume_labels_pdf",
    "archive_labels_for_year",
    "archive_year_labels_data",
    "archive_remarks_data",
    "archive_remarks_pdf",
    "archive_remarks_xlsx",
    "archive_receipt_book",
    "archive_receipt_book_data",
    "archive_loan_book",
    "archive_loan_book_data",
    "archive_loan_slip",
    "archive_loan_slip_data",
    "archive_destruction_data",
    "archive_destruction_register",
    "complaint_handling_report_pdf",
    "complaint_handling_report_xlsx",
    "complaint_month_pdf",
    "complaint_month_xlsx",
    "complaint_record_pdf",
    "complaint_record_xlsx",
    "complaint_week_pdf",
    "complaint_week_xlsx",
    "customer_card_pdf",
    "customer_card_xlsx",
    "export_archives",
    "export_list",
    "internal_note",
    "questionnaires_pdf",
    "render_form",
    "revisit_plans_pdf",
    "revisit_plans_xlsx",
    "revisit_record_pdf",
    "revisit_record_xlsx",
    "revisit_report_pdf",
    "revisit_report_xlsx",
    "revisit_summary_pdf",
    "revisit_summary_xlsx",
    "satisfaction_report",
    "satisfaction_report_pdf",
    "satisfaction_report_xlsx",
    "visit_brief_pdf",
    "visit_brief_xlsx",
]
