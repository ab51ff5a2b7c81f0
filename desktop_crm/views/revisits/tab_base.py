"""What every tab of the 回访 page has: a line to say what happened (`sig_status`), forms it
opens in the preview (`sig_form_opened`), 记录回访; and, for the tabs around one SQL list,
the list itself with its filters, count and selected row."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop_crm.models import User
from desktop_crm.services.errors import PermissionDenied
from desktop_crm.services.listing import ListQuery, ListSpec
from desktop_crm.views.context import AppContext
from desktop_crm.views.pdf_preview import preview_form
from desktop_crm.views.widgets import OptionalDateEdit, open_on_activate

from .lists import SEARCH_DELAY_MS, ListModel, RedWhen, attach, list_view, sort_of
from .printing import MakeForm, preview_from_worker
from .revisit_dialog import RevisitDialog


class RevisitTab(QWidget):
    """One tab of the 回访 page. `sig_status(text)` is a line for the page's status bar,
    `sig_form_opened(preview)` a printed form just opened in the preview."""

    sig_status = Signal(str)
    sig_form_opened = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context

    def say(self, text: str) -> None:
        self.sig_status.emit(text)

    # The page's lists follow the filters, the signed-in user and the store; a tab without a
    # list has nothing to do.
    def apply(self) -> None:
        """Read the list again with the filters (and the signed-in user) as they are now."""

    def refresh(self) -> None:
        """Read the list again, as it is filtered."""

    def counting(self) -> bool:
        """Whether the list is still being counted (in a worker thread)."""
        return False

    def on_shown(self) -> None:
        """The tab became the current one."""

    # ------------------------------------------------------------- acts

    def record_revisit(
        self, customer_id: int | None = None, plan_id: int | None = None
    ) -> RevisitDialog:
        """记录回访 (of a customer, for a plan, or of a customer still to pick); the
        outcome is said."""
        dialog = RevisitDialog(self._context, customer_id=customer_id, plan_id=plan_id, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.say(dialog.outcome)
        return dialog

    def print_form(self, make_pdf: MakeForm, make_xlsx: MakeForm, title: str, name: str) -> None:
        """A form made at once, in the preview."""
        preview = preview_form(self, self._context, make_pdf, make_xlsx, self.tr(title), name)
        if preview is not None:
            self.sig_form_opened.emit(preview)

    def print_from_worker(
        self, busy_text: str, make_pdf: MakeForm, make_xlsx: MakeForm, title: str, name: str
    ) -> None:
        """A form that takes seconds to make: made in a worker, then in the preview."""
        preview_from_worker(
            self, self._context, busy_text, make_pdf, make_xlsx, self.tr(title), name,
            self.sig_form_opened.emit,
        )  # fmt: skip


class ListTab(RevisitTab):
    """A tab around one SQL-backed, paged list (`table`, `model`, `count_label`, made by
    `_make_list` once the filters are): its filters rebuild the query, typing in the search
    box after a short pause."""

    DESCENDING = False  # the order the list is read in before the table sorts it

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply)
        self._has_period = False  # 从/到 and a search box (`_dates_and_search`)

    # ------------------------------------------------------------- filters and layout

    def _dates_and_search(self, names: tuple[str, str, str], placeholder: str) -> None:
        """`date_from`, `date_to` (may be left empty) and the `search` box, with these
        objectNames; every change reads the list again, typing after a pause."""
        self._has_period = True
        self.date_from = OptionalDateEdit(self)
        self.date_from.setObjectName(names[0])
        self.date_to = OptionalDateEdit(self)
        self.date_to.setObjectName(names[1])
        self.search = QLineEdit(self)
        self.search.setObjectName(names[2])
        self.search.setPlaceholderText(placeholder)
        self.search.setClearButtonEnabled(True)
        self._watch(dates=(self.date_from, self.date_to), search=self.search)

    def _lay_out(
        self,
        filters: Iterable[QWidget],
        from_text: str,
        buttons: Iterable[QWidget],
        hint: QWidget | None = None,
    ) -> None:
        """`hint`; the filters, 从/到 (`from_text` names the days) and the search box; the
        buttons and the count; the table."""
        filter_line = QHBoxLayout()
        for widget in filters:
            filter_line.addWidget(widget)
        filter_line.addWidget(QLabel(from_text, self))
        filter_line.addWidget(self.date_from)
        filter_line.addWidget(QLabel(self.tr("到"), self))
        filter_line.addWidget(self.date_to)
        filter_line.addWidget(self.search, 1)
        actions = QHBoxLayout()
        for button in buttons:
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        if hint is not None:
            layout.addWidget(hint)
        layout.addLayout(filter_line)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)

    # ------------------------------------------------------------- the list

    def _make_list(
        self,
        table_name: str,
        count_name: str,
        count_text: str,
        sort_column: int,
        order: Qt.SortOrder,
        red_when: RedWhen | None = None,
        unsortable: tuple[str, ...] = (),
        query: ListQuery | None = None,
    ) -> None:
        """The count label and the table (made after the filters and buttons, so Tab goes
        through those first), the model read with the filters as built (or `query`),
        counted in a worker into `count_label` as `count_text` ({0}: the number)."""
        self.count_label = QLabel(self)
        self.count_label.setObjectName(count_name)
        self.table = list_view(table_name, self)
        self.model = ListModel(
            self._context.session_factory,
            self.list_query() if query is None else query,
            self,
            unsortable=unsortable,
            count_in_background=True,
            red_when=red_when,
        )
        self.model.sig_count_changed.connect(lambda total: self._show_count(count_text, total))
        attach(self.table, self.model, sort_column, order)

    def _show_count(self, text: str, total: int) -> None:
        self.count_label.setText(text.replace("{0}", f"{total:,}"))

    def _watch(
        self,
        combos: Iterable[QComboBox] = (),
        dates: Iterable[OptionalDateEdit] = (),
        search: QLineEdit | None = None,
    ) -> None:
        """Filters that rebuild the list when changed; the search box after a pause."""
        for combo in combos:
            combo.currentIndexChanged.connect(self.apply)
        for edit in dates:
            edit.sig_changed.connect(self.apply)
        if search is not None:
            search.textChanged.connect(lambda _text: self._search_timer.start())

    def _open_on_activate(self, act: Callable[[], object]) -> None:
        """A double click or Enter on a row does `act` (once)."""
        open_on_activate(self.table, lambda _index: act())

    def build_query(self, session: Session, actor: User, **common: Any) -> ListQuery:
        """The list's query from the tab's own filters, and `common`: `sort_key` (None: the
        list's default) and `descending`, with 从/到 and the search box also `date_from`,
        `date_to` and `search`."""
        raise NotImplementedError

    def list_spec(self) -> ListSpec:
        """The list's columns (of the empty list shown without the right, too)."""
        raise NotImplementedError

    def list_query(self) -> ListQuery:
        """The list as the signed-in user may see it; empty without the right."""
        if hasattr(self, "model"):
            sort_key, descending = sort_of(self.table, self.model)
        else:
            sort_key, descending = None, self.DESCENDING
        common: dict[str, Any] = {"sort_key": sort_key, "descending": descending}
        if self._has_period:
            common.update(
                date_from=self.date_from.value(),
                date_to=self.date_to.value(),
                search=self.search.text(),
            )
        with self._context.session() as session:
            try:
                return self.build_query(session, self._context.actor(session), **common)
            except PermissionDenied:
                return ListQuery.nothing(self.list_spec())

    def apply(self) -> None:
        self._search_timer.stop()
        self.model.set_query(self.list_query())

    def refresh(self) -> None:
        self.model.refresh()

    def counting(self) -> bool:
        return self.model.counting()

    # ------------------------------------------------------------- the selected row

    def selected_id(self, missing: str | None = None) -> int | None:
        """The id of the selected row; None (and `missing` said) when none is selected."""
        index = self.table.currentIndex()
        if index.isValid():
            return self.model.row_id(index.row())
        if missing is not None:
            self.say(missing)
        return None

    def selected_value(self, key: str) -> Any:
        """Column `key` of the selected row."""
        return self.model.row_value(self.table.currentIndex().row(), key)

    def _print_selected(
        self,
        missing: str,
        make_pdf: Callable[[Session, User, int], bytes],
        make_xlsx: Callable[[Session, User, int], bytes],
        title: str,
        name_key: str,
    ) -> None:
        """The form of the selected row in the preview, saved as `title`-(column
        `name_key`); `missing` is said when no row is selected."""
        row_id = self.selected_id(missing)
        if row_id is None:
            return
        self.print_form(
            lambda session, actor: make_pdf(session, actor, row_id),
            lambda session, actor: make_xlsx(session, actor, row_id),
            title,
            f"{title}-{self.selected_value(name_key)}.pdf",
        )
