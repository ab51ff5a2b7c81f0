"""客户资料管理卡: create or edit one customer file, with contacts, follow-ups, purchases,
attachments and the change history.

This module is the dialog itself: header, field tabs, saving (with collisions), printing and
the unsaved-changes guard. Each other tab is its own widget (``card_*.py``); the field tabs
are built from ``customer_fields.FIELDS``. The dialog holds plain values only; every store
access is one short session (``run_service``).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import SIGNAL, Qt, QTimer, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop_crm.models import User
from desktop_crm.reports.fonts import FontNotFoundError
from desktop_crm.reports.forms.customer_card import CUSTOMER_CARD
from desktop_crm.reports.pdf_render import render_pdf
from desktop_crm.reports.xlsx_render import render_xlsx
from desktop_crm.services import audit, customers, lookups, rights
from desktop_crm.services.customer_fields import FIELDS
from desktop_crm.services.customers import CONTACT_KEYS, Collision, CollisionFound, ContactInput
from desktop_crm.services.errors import FieldProblem, ValidationError
from desktop_crm.services.file_completeness import missing_for_partner
from desktop_crm.services.staff import staff_list
from desktop_crm.views import messages
from desktop_crm.views.context import AppContext
from desktop_crm.views.customers.card_archives import ArchivesTab
from desktop_crm.views.customers.card_attachments import AttachmentsTab
from desktop_crm.views.customers.card_contacts import ContactDialog, ContactsTab
from desktop_crm.views.customers.card_fields import FieldEditor, add_field_tabs
from desktop_crm.views.customers.card_followups import FollowupsTab
from desktop_crm.views.customers.card_history import HistoryTab
from desktop_crm.views.customers.card_purchases import PurchasesTab
from desktop_crm.views.customers.card_timeline import TimelineTab
from desktop_crm.views.customers.card_widgets import (
    ERROR_COLOR,
    HELP_COLOR,
    datetime_text,
    plain_button,
    tr_data,
)
from desktop_crm.views.customers.collision_dialog import CollisionChoice, CollisionDialog
from desktop_crm.views.pdf_preview import PdfPreviewDialog
from desktop_crm.views.service_call import FAILED, run_service
from desktop_crm.views.widgets import ChoiceCombo, StaffCombo

# Also importable from here as before the split: ContactDialog (now in card_contacts), and
# QDesktopServices, whose openUrl the tests replace through this module.
__all__ = ["ContactDialog", "CustomerCardDialog", "QDesktopServices"]

# What the service gives a new customer by itself; shown up front so the clerk sees it.
NEW_CUSTOMER_DEFAULTS: dict[str, object] = {"status": "潜在客户"}
_UNSAFE_FILE_CHARS = re.compile(r'[\\/:*?"<>|\s]+')


@dataclass(frozen=True)
class _StoredCard:
    """A customer as read from the store, in plain values."""

    values: dict[str, object]
    contacts: list[ContactInput]
    owner_name: str | None
    owner_active: bool
    version: int
    code: str
    registered_at: datetime | None
    registered_by: str
    missing: list[str]


def _read_card(session: Session, actor: User, customer_id: int, opening: bool) -> _StoredCard:
    """The stored card; opening it (not re-reading after a save) is recorded as 查看."""
    if opening:
        customer = customers.open_customer(session, actor, customer_id)
    else:
        customer = customers.get_customer(session, actor, customer_id)
    return _StoredCard(
        values={f.key: getattr(customer, f.key) for f in FIELDS},
        contacts=[
            ContactInput(**{k: getattr(c, k) for k in CONTACT_KEYS}, id=c.id)
            for c in customer.contacts
        ],
        owner_name=customer.owner.name if customer.owner else None,
        owner_active=customer.owner is None or customer.owner.active,
        version=customer.version,
        code=customer.code,
        registered_at=customer.registered_at,
        registered_by=customer.registered_by.name if customer.registered_by else "",
        missing=missing_for_partner(
            {f.key: getattr(customer, f.key) for f in FIELDS}, len(customer.contacts)
        ),
    )


class CustomerCardDialog(QDialog):
    """The 客户资料管理卡 of one customer, or an empty one for a new customer.

    ``sig_open_customer(customer_id)`` asks for another customer's card (from the collision
    dialog). When nothing is connected to it, the dialog opens that card itself.
    """

    sig_open_customer = Signal(int)

    def __init__(
        self, context: AppContext, customer_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("customerDialog")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.context = context
        self.customer_id = customer_id
        self.version: int | None = None
        self.code: str | None = None
        self.editors: dict[str, FieldEditor] = {}
        self._saved_snapshot: object = None
        self._closing = False
        self._collision_dialog: CollisionDialog | None = None

        self._build()
        self._load_choices()
        if customer_id is None:
            self._fill_new()
        elif not self._load_card(opening=True):
            self.save_button.setEnabled(False)
            QTimer.singleShot(0, self._close_without_asking)
        else:
            self._refresh_lists()
        self._apply_mode()
        self.resize(960, 680)

    # ================================================================= building

    def _build(self) -> None:
        self.header_label = QLabel(self)
        self.header_label.setObjectName("customerHeader")
        self.header_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.header_label.font()
        font.setBold(True)
        self.header_label.setFont(font)

        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("customerErrors")
        self.summary_label.setWordWrap(True)
        self.summary_label.setStyleSheet(
            f"color: {ERROR_COLOR}; background: #fdedec; border: 1px solid #f5b7b1;"
            " padding: 6px; border-radius: 3px;"
        )
        self.summary_label.hide()

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("customerTabs")
        self.editors = add_field_tabs(self.tabs, self._field_edited)
        self.contacts_tab = ContactsTab()
        self.followups_tab = FollowupsTab(self.context)
        self.purchases_tab = PurchasesTab(self.context)
        self.attachments_tab = AttachmentsTab(self.context)
        self.history_tab = HistoryTab(self.context)
        self.timeline_tab = TimelineTab(self.context)
        self.timeline_tab.sig_open.connect(self._open_record)
        self.archives_tab = ArchivesTab(self.context)
        self.archives_tab.sig_changed.connect(self.status_label_text)
        self.contacts_tab_index = self.tabs.addTab(self.contacts_tab, self.tr("联系人"))
        self.followups_tab_index = self.tabs.addTab(
            self._saved_only(self.followups_tab, "followup"), self.tr("跟进记录")
        )
        self.purchases_tab_index = self.tabs.addTab(
            self._saved_only(self.purchases_tab, "purchase"), self.tr("年度购货")
        )
        self.attachments_tab_index = self.tabs.addTab(
            self._saved_only(self.attachments_tab, "attachment"), self.tr("附件")
        )
        self.timeline_tab_index = self.tabs.addTab(
            self._saved_only(self.timeline_tab, "timeline"), self.tr("投诉与回访")
        )
        self.archives_tab_index = self.tabs.addTab(
            self._saved_only(self.archives_tab, "archives"), self.tr("档案")
        )
        self.history_tab_index = self.tabs.addTab(self.history_tab, self.tr("变更记录"))
        for tab in (self.followups_tab, self.purchases_tab, self.attachments_tab):
            tab.sig_changed.connect(self._tab_saved_something)
        # The follow-up and purchase forms, reachable from the card as before the split.
        self.followup_way = self.followups_tab.way_combo
        self.followup_content = self.followups_tab.content_edit
        self.followup_next = self.followups_tab.next_step_edit
        self.purchase_year = self.purchases_tab.year_spin
        self.purchase_tons = self.purchases_tab.tons_edit
        self.purchase_amount = self.purchases_tab.amount_edit

        self.status_label = QLabel(self)
        self.status_label.setObjectName("customerStatus")
        self.print_button = plain_button(self, self.tr("打印…"), "customerPrint")
        self.print_button.clicked.connect(self.print_card)
        self.save_button = plain_button(self, self.tr("保存"), "customerSave")
        self.save_button.setToolTip(self.tr("保存客户资料 (Ctrl+S)"))
        self.save_button.clicked.connect(lambda: self.save())
        self.complaint_button = plain_button(self, self.tr("登记投诉…"), "customerComplaint")
        self.complaint_button.clicked.connect(self._new_complaint)
        self.gift_button = plain_button(self, self.tr("礼品登记…"), "customerGift")
        self.gift_button.clicked.connect(lambda: self._request("gift"))
        self.discount_button = plain_button(self, self.tr("优惠申请…"), "customerDiscount")
        self.discount_button.clicked.connect(lambda: self._request("discount"))
        self.cancel_button = plain_button(self, self.tr("取消"), "customerCancel")
        self.cancel_button.clicked.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, lambda: self.save())

        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(self.complaint_button)
        buttons.addWidget(self.gift_button)
        buttons.addWidget(self.discount_button)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header_label)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)

    def _saved_only(self, content: QWidget, prefix: str) -> QStackedWidget:
        """A tab that works only on a saved customer; before that it says so."""
        stack = QStackedWidget()
        placeholder = QLabel(self.tr("保存后可添加。\n请先填写客户资料并点击“保存”。"))
        placeholder.setObjectName(f"{prefix}Placeholder")
        placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        placeholder.setStyleSheet(f"color: {HELP_COLOR};")
        stack.addWidget(placeholder)
        stack.addWidget(content)
        return stack

    # ================================================================= loading

    def _load_choices(self) -> None:
        with self.context.session() as session:
            staff = [(user.id, user.name) for user in staff_list(session)]
            choices = {
                f.choices: [(v.value, v.help_text) for v in lookups.values(session, f.choices)]
                for f in FIELDS
                if f.kind == "choice" and f.choices
            }
        for editor in self.editors.values():
            if isinstance(editor.widget, ChoiceCombo):
                editor.widget.set_choices(choices.get(editor.field.choices or "", []))
            elif isinstance(editor.widget, StaffCombo):
                editor.widget.set_staff(staff)

    def _fill_new(self) -> None:
        for key, value in NEW_CUSTOMER_DEFAULTS.items():
            if key in self.editors:
                self.editors[key].put(value)
        for editor in self.editors.values():
            if editor.field.kind == "staff" and editor.field.key == "owner_id":
                editor.put(self.context.user_id)
        self.contacts_tab.set_contacts([])
        self._mark_saved()

    def _load_card(self, opening: bool = False) -> bool:
        """Fill the card from the store; False when the customer is gone or out of reach."""
        customer_id = self.customer_id
        assert customer_id is not None
        card = run_service(
            self,
            self.context,
            lambda session, actor: _read_card(session, actor, customer_id, opening),
            refusal_title=self.tr("无法打开"),
        )
        if card is FAILED:
            return False
        self.version = card.version
        self.code = card.code
        owner_name = card.owner_name
        if not card.owner_active:
            owner_name = self.tr("{name}（已停用）").format(name=owner_name)
        for key, editor in self.editors.items():
            if isinstance(editor.widget, StaffCombo):
                editor.widget.set_value(card.values[key], owner_name)
            else:
                editor.put(card.values[key])
        self.contacts_tab.set_contacts(card.contacts)
        header = self.tr("客户编号：{code}　　登记时间：{when}　　登记人：{who}").format(
            code=self.code,
            when=datetime_text(card.registered_at),
            who=card.registered_by or "—",
        )
        if card.missing:
            header += self.tr("\n⚠ 合作客户资料不完整，缺：") + "、".join(card.missing)
        self.header_label.setText(header)
        self.setWindowTitle(
            self.tr("客户资料管理卡 — {code} {name}").format(
                code=self.code, name=card.values["name"]
            )
        )
        self._clear_errors()
        self._mark_saved()
        return True

    def _refresh_lists(self) -> None:
        """Reload follow-ups, purchases, attachments and history (saved customers only)."""
        for tab in (self.followups_tab, self.purchases_tab, self.attachments_tab, self.history_tab):
            if not tab.load(self.customer_id):
                return  # one message is enough: the other lists would fail alike
        self.timeline_tab.set_customer(self.customer_id)
        self.archives_tab.set_customer(self.customer_id)

    def status_label_text(self, text: str) -> None:
        """A message from a tab (the 档案 tab's 归档) in the card's status line."""
        self.status_label.setText(text)

    def _tab_saved_something(self, status: str) -> None:
        """A tab wrote to the store at once: its history shows it, the lists hear of it."""
        self._refresh_lists()
        if status:
            self.status_label.setText(status)
        self.context.hub.sig_customers_changed.emit()

    def _apply_mode(self) -> None:
        """New card or saved card: header, print button, and the tabs that need a saved file."""
        saved = self.customer_id is not None
        if not saved:
            self.header_label.setText(self.tr("新客户　（保存后生成客户编号）"))
            self.setWindowTitle(self.tr("客户资料管理卡 — 新客户"))
        self.print_button.setVisible(saved)
        for index in (
            self.followups_tab_index,
            self.purchases_tab_index,
            self.attachments_tab_index,
            self.timeline_tab_index,
            self.archives_tab_index,
        ):
            stack = self.tabs.widget(index)
            assert isinstance(stack, QStackedWidget)
            stack.setCurrentIndex(1 if saved else 0)
        self._apply_rights()

    def _apply_rights(self) -> None:
        """Offer only what the user may do with this card: someone who may look but not
        change it gets a read-only card (the services refuse changes anyway)."""
        customer_id = self.customer_id
        allowed = run_service(
            self,
            self.context,
            lambda session, actor: customers.permitted_actions(session, actor, customer_id),
        )
        allowed = set() if allowed is FAILED else allowed
        may_write = ("create" if customer_id is None else "edit") in allowed
        self.save_button.setVisible(may_write)
        self.print_button.setVisible(customer_id is not None and "print" in allowed)
        # Gifts and discounts are asked for by those who work the customer (DOMAIN §1).
        self.gift_button.setVisible(customer_id is not None and "edit" in allowed)
        self.discount_button.setVisible(customer_id is not None and "edit" in allowed)
        may_complain = customer_id is not None and run_service(
            self,
            self.context,
            lambda session, actor: rights.may(session, actor, "complaints", "create"),
        )
        self.complaint_button.setVisible(may_complain is True)
        self.archives_tab.apply_rights()
        self.tabs.setTabVisible(self.archives_tab_index, self.archives_tab.may_view)
        for key, editor in self.editors.items():
            editable = may_write and (key != "owner_id" or "reassign" in allowed)
            if isinstance(editor.widget, QLineEdit | QPlainTextEdit):
                editor.widget.setReadOnly(not editable)
            else:
                editor.widget.setEnabled(editable)
        self.contacts_tab.set_read_only(not may_write)
        self.followups_tab.input_box.setVisible(may_write)
        self.purchases_tab.input_box.setVisible(may_write)
        self.attachments_tab.add_button.setVisible(may_write)
        self.attachments_tab.remove_button.setVisible(may_write)
        if not may_write:
            self.status_label.setText(self.tr("只读：您可以查看这份客户资料，但没有修改的权限。"))

    # ================================================================= values and changes

    def values(self) -> dict[str, object]:
        """The card's fields as typed, by key (the service parses and checks them)."""
        return {key: editor.get() for key, editor in self.editors.items()}

    def contacts(self) -> list[ContactInput]:
        return self.contacts_tab.contacts()

    def _snapshot(self) -> object:
        return (
            tuple(sorted((k, repr(v)) for k, v in self.values().items())),
            tuple(repr(c) for c in self.contacts()),
        )

    def _mark_saved(self) -> None:
        self._saved_snapshot = self._snapshot()

    def is_dirty(self) -> bool:
        return self._snapshot() != self._saved_snapshot

    def _field_edited(self, key: str) -> None:
        editor = self.editors.get(key)
        if editor is not None and editor.error.isVisible():
            editor.show_error(None)
        if self.status_label.text():
            self.status_label.clear()

    # ================================================================= errors

    def _clear_errors(self) -> None:
        for editor in self.editors.values():
            if editor.error.isVisible() or editor.error.text():
                editor.show_error(None)
        self.contacts_tab.clear_problems()
        self.summary_label.hide()
        self.summary_label.clear()

    def _show_problems(self, problems: list[FieldProblem]) -> None:
        lines: list[str] = []
        first_tab: int | None = None
        first_widget: QWidget | None = None
        contact_lines: list[str] = []
        for problem in problems:
            lines.append(problem.message)
            editor = self.editors.get(problem.field)
            if editor is not None:
                prefix = tr_data(editor.field.label) + "："
                short = problem.message.removeprefix(prefix).removeprefix(editor.field.label + "：")
                shown = editor.error.text()
                editor.show_error(f"{shown}\n{short}" if shown else short)
                tab, widget = editor.tab_index, editor.widget
            elif problem.field == "contacts":
                contact_lines.append(problem.message)
                tab, widget = self.contacts_tab_index, self.contacts_tab.table
            else:
                continue
            if first_tab is None:
                first_tab, first_widget = tab, widget
        if contact_lines:
            self.contacts_tab.show_problems(contact_lines)
        self.summary_label.setText(
            self.tr("未保存，有 {n} 处需要修改：").format(n=len(lines))
            + "\n"
            + "\n".join(f"· {line}" for line in lines)
        )
        self.summary_label.show()
        if first_tab is not None:
            self.tabs.setCurrentIndex(first_tab)
            if first_widget is not None:
                first_widget.setFocus()

    # ================================================================= saving

    def save(self, accept_collisions: bool = False) -> bool:
        """Save the card; True when it was saved. Collisions are answered asynchronously."""
        self._clear_errors()
        self.status_label.clear()
        creating = self.customer_id is None
        values, contacts = self.values(), self.contacts()

        def save_card(session: Session, actor: User) -> int | list[Collision]:
            """The saved customer's id, or the customers it collides with (to ask about)."""
            try:
                customer = customers.save_customer(
                    session,
                    actor,
                    values,
                    contacts,
                    self.customer_id,
                    self.version,
                    accept_collisions=bool(accept_collisions),
                )
            except CollisionFound as error:
                return error.collisions
            return customer.id

        def show_invalid(error: ValidationError) -> None:
            self._show_problems(error.problems)

        outcome = run_service(
            self, self.context, save_card, show_invalid, refusal_title=self.tr("无法保存")
        )
        if outcome is FAILED:
            return False
        if isinstance(outcome, list):
            self._ask_about_collisions(outcome)
            return False

        self.customer_id = outcome
        self._load_card()
        self._refresh_lists()
        self._apply_mode()
        self.status_label.setText(
            (self.tr("已保存，客户编号 {code}") if creating else self.tr("已保存 {time}")).format(
                code=self.code, time=datetime.now().strftime("%H:%M")
            )
        )
        self.context.hub.sig_customers_changed.emit()
        return True

    def _ask_about_collisions(self, collisions: list[Collision]) -> None:
        dialog = CollisionDialog(collisions, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result, d=dialog: self._collision_answered(d))
        self._collision_dialog = dialog
        dialog.open()

    def _collision_answered(self, dialog: CollisionDialog) -> None:
        self._collision_dialog = None
        if dialog.choice is CollisionChoice.PROCEED:
            self.save(accept_collisions=True)
        elif dialog.choice is CollisionChoice.OPEN and dialog.chosen_customer_id is not None:
            self.open_customer(dialog.chosen_customer_id)
            self._close_without_asking()
        else:
            self.editors["name"].widget.setFocus()

    def open_customer(self, customer_id: int) -> None:
        """Show another customer's card: via whoever listens to sig_open_customer, else here."""
        if self.receivers(SIGNAL("sig_open_customer(int)")) > 0:
            self.sig_open_customer.emit(customer_id)
            return
        card = CustomerCardDialog(self.context, customer_id, self.parentWidget())
        card.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        _open_cards.add(card)
        card.destroyed.connect(lambda _obj=None, c=card: _open_cards.discard(c))
        card.show()

    # ================================================================= closing

    def reject(self) -> None:
        question = self.tr("客户资料有未保存的修改。是否放弃修改？")
        if (
            not self._closing
            and self.is_dirty()
            and not messages.confirm(self, self.tr("放弃修改"), question)
        ):
            return
        super().reject()

    def _close_without_asking(self) -> None:
        self._closing = True
        super().reject()

    # ================================================================= printing

    def _open_record(self, kind: str, record_id: int) -> None:
        """A line of the timeline: the complaint or the revisit it names."""
        if kind == "complaint":
            from desktop_crm.views.complaints.complaint_dialog import ComplaintDialog

            dialog: QDialog = ComplaintDialog(self.context, complaint_id=record_id, parent=self)
        else:
            from desktop_crm.views.revisits.revisit_dialog import RevisitDialog

            dialog = RevisitDialog(self.context, revisit_id=record_id, parent=self)
        dialog.exec()
        dialog.deleteLater()
        self.timeline_tab.refresh()

    def _new_complaint(self) -> None:
        """登记投诉 for this customer; the timeline shows it afterwards."""
        from desktop_crm.views.complaints.complaint_dialog import ComplaintDialog

        dialog = ComplaintDialog(self.context, customer_id=self.customer_id, parent=self)
        dialog.exec()
        dialog.deleteLater()
        self.timeline_tab.refresh()

    def _request(self, kind: str) -> None:
        """礼品登记 / 客户优惠申请表 for this customer, sent for approval."""
        from desktop_crm.views.approvals.request_dialogs import DiscountDialog, GiftDialog

        if self.customer_id is None:
            return
        dialog_class = GiftDialog if kind == "gift" else DiscountDialog
        dialog = dialog_class(self.context, self.customer_id, self)
        dialog.exec()
        dialog.deleteLater()

    def print_card(self) -> None:
        """Preview the printed 客户资料管理卡 (as saved) with print and save."""
        customer_id = self.customer_id
        if customer_id is None:
            return
        if self.is_dirty() and not messages.confirm(
            self,
            self.tr("打印"),
            self.tr("有未保存的修改，打印的是已保存的内容。是否继续打印？"),
        ):
            return
        data = run_service(
            self,
            self.context,
            lambda session, actor: customers.card_data(
                session, actor, customer_id, copy_act=audit.PRINT
            ),
            refusal_title=self.tr("无法打印"),
        )
        if data is FAILED:
            return
        buffer = io.BytesIO()
        try:
            render_pdf(CUSTOMER_CARD, data, buffer)
        except FontNotFoundError as error:
            QMessageBox.warning(self, self.tr("无法打印"), str(error))
            return
        except Exception as error:  # a bug: logged and shown plainly, the card stays usable
            messages.show_unexpected(self, error, self.context.log_path)
            return

        def make_xlsx() -> bytes:
            stream = io.BytesIO()
            render_xlsx(CUSTOMER_CARD, data, stream)
            return stream.getvalue()

        name = _UNSAFE_FILE_CHARS.sub("_", f"{self.code}_{data.get('name') or ''}").strip("_")
        preview = PdfPreviewDialog(
            buffer.getvalue(),
            self.tr("客户资料管理卡 — {code}").format(code=self.code),
            self.tr("客户资料管理卡_{name}.pdf").format(name=name),
            self,
            make_xlsx,
        )
        preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        preview.open()


# Cards opened from another card without a main window to own them stay alive here.
_open_cards: set[CustomerCardDialog] = set()
