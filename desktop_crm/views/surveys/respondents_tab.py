"""调查对象: the planned respondents, generated the way the regulation asks (重点客户,
普通客户, the 20 largest purchasers of a chosen year) and edited by hand while the survey is
准备; the blank questionnaires printed for them (preview, print, save)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_crm import documents
from desktop_crm.services import survey_answers, survey_respondents, surveys
from desktop_crm.services.errors import ServiceError
from desktop_crm.services.surveys import SurveyDetail

from ..context import AppContext
from ..customers.card_widgets import plain_button
from ..messages import confirm
from ..pdf_preview import preview_form
from ..service_call import FAILED, run_service
from .parts import (
    HINT_STYLE,
    ID_ROLE,
    REFUSAL_STYLE,
    fill_table,
    note_label,
    read_only_table,
)

HEADERS = ["分组", "客户编号", "客户名称", "客户经理", "加入方式", "问卷已回收"]
SEARCH_DELAY_MS = 150


class RespondentsTab(QWidget):
    """The planned list of one survey. `sig_changed(text)` after a change (status text)."""

    sig_changed = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("respondentsTab")
        self.context = context
        self.detail: SurveyDetail | None = None
        self.preview: QWidget | None = None

        generate = QGroupBox(self.tr("生成名单"), self)
        self.group_checks: dict[str, QCheckBox] = {}
        generate_row = QHBoxLayout(generate)
        for group in surveys.GROUPS:
            label = {"前20名": "购买额前20名", "重点客户": "重点客户", "普通客户": "普通客户"}[
                group
            ]
            check = QCheckBox(self.tr(label), generate)
            check.setObjectName(f"respondentGroup_{group}")
            self.group_checks[group] = check
            generate_row.addWidget(check)
        generate_row.addWidget(QLabel(self.tr("购买额年份："), generate))
        self.year = QSpinBox(generate)
        self.year.setObjectName("respondentYear")
        self.year.setRange(2000, 2100)
        self.year.setValue(date.today().year - 1)
        generate_row.addWidget(self.year)
        self.replace = QCheckBox(self.tr("替换原先生成的名单"), generate)
        self.replace.setObjectName("respondentReplace")
        generate_row.addWidget(self.replace)
        self.generate_button = plain_button(generate, self.tr("生成"), "respondentGenerate")
        self.generate_button.clicked.connect(self.generate)
        generate_row.addWidget(self.generate_button)
        generate_row.addStretch(1)

        add = QGroupBox(self.tr("手工加入"), self)
        self.search = QLineEdit(add)
        self.search.setObjectName("respondentSearch")
        self.search.setPlaceholderText(self.tr("输入客户名称、拼音首字母或电话查找"))
        self.search.setClearButtonEnabled(True)
        self.matches = QListWidget(add)
        self.matches.setObjectName("respondentMatchList")
        self.matches.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.matches.setMaximumHeight(self.fontMetrics().height() * 6)
        self.add_group = QComboBox(add)
        self.add_group.setObjectName("respondentAddGroup")
        for group in surveys.GROUPS:
            self.add_group.addItem(group, group)
        self.add_group.setCurrentIndex(surveys.GROUPS.index(surveys.GROUP_ORDINARY))
        self.add_button = plain_button(add, self.tr("加入名单"), "respondentAdd")
        self.add_button.clicked.connect(self.add_chosen)
        add_top = QHBoxLayout()
        add_top.addWidget(self.search, 1)
        add_top.addWidget(QLabel(self.tr("分组："), add))
        add_top.addWidget(self.add_group)
        add_top.addWidget(self.add_button)
        add_layout = QVBoxLayout(add)
        add_layout.addLayout(add_top)
        add_layout.addWidget(self.matches)
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run_search)
        # textChanged covers typed keys and text committed by an input method alike.
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self._search_now)
        self.matches.itemActivated.connect(lambda _item: self.add_chosen())

        self.note = note_label(self, "respondentNote", HINT_STYLE)
        self.refusal = note_label(self, "respondentRefusal", REFUSAL_STYLE)
        self.refusal.hide()
        self.table = read_only_table(self, "respondentTable", HEADERS)
        self.table.setSelectionMode(self.table.SelectionMode.ExtendedSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("respondentCount")
        self.remove_button = plain_button(self, self.tr("移出名单"), "respondentRemove")
        self.remove_button.clicked.connect(self.remove_selected)
        self.spare = QSpinBox(self)
        self.spare.setObjectName("respondentSpare")
        self.spare.setRange(0, 500)
        self.spare.setToolTip(self.tr("另外多印几份不填名称的空白问卷"))
        self.print_all = plain_button(self, self.tr("打印空白问卷…"), "respondentPrintAll")
        self.print_all.setToolTip(self.tr("名单上每个客户一份，已填好客户名称"))
        self.print_all.clicked.connect(lambda: self.print_questionnaires(selected=False))
        self.print_selected = plain_button(
            self, self.tr("打印选中客户的问卷…"), "respondentPrintSelected"
        )
        self.print_selected.clicked.connect(lambda: self.print_questionnaires(selected=True))

        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.remove_button)
        bottom.addSpacing(20)
        bottom.addWidget(QLabel(self.tr("另加空白份数："), self))
        bottom.addWidget(self.spare)
        bottom.addWidget(self.print_selected)
        bottom.addWidget(self.print_all)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(generate)
        layout.addWidget(add)
        layout.addWidget(self.refusal)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self._editing = [generate, add, self.remove_button]

    # ----------------------------------------------------------------- loading

    def load(self, detail: SurveyDetail) -> None:
        self.detail = detail
        if detail.purchase_year:
            self.year.setValue(detail.purchase_year)
        if not any(check.isChecked() for check in self.group_checks.values()):
            defaults = {
                surveys.KIND_KEY: (surveys.GROUP_KEY, surveys.GROUP_TOP20),
                surveys.KIND_ORDINARY: (surveys.GROUP_ORDINARY,),
            }.get(detail.kind, ())
            for group in defaults:
                self.group_checks[group].setChecked(True)
        editable = detail.state == surveys.PREPARING and "edit" in detail.permitted
        for widget in self._editing:
            widget.setVisible(editable)
        may_print = "print" in detail.permitted
        for widget in (self.print_all, self.print_selected, self.spare):
            widget.setVisible(may_print)
        if detail.state != surveys.PREPARING:
            self.note.setText(
                self.tr(
                    "调查已「{state}」，名单不能再改；“问卷已回收”标出已录入问卷的客户。"
                ).replace("{state}", detail.state)
            )
        elif "edit" not in detail.permitted:
            self.note.setText(self.tr("您可以查看名单，但没有修改的权限。"))
        else:
            self.note.setText(
                self.tr(
                    "常规调查：重点客户每季度、普通客户每半年一次；购买额前20名按所选年份的购货"
                    "金额排出。名单在「开始调查」前都可以修改。"
                )
            )
        self.refusal.hide()
        self.reload()

    def reload(self) -> None:
        if self.detail is None:
            return
        survey_id = self.detail.id
        found = run_service(
            self,
            self.context,
            lambda s, a: survey_respondents.respondent_rows(s, a, survey_id),
        )
        if found is FAILED:
            return
        rows = list(found)  # type: ignore[arg-type]
        fill_table(
            self.table,
            [
                (
                    r.group,
                    r.customer_code,
                    r.customer_name,
                    r.owner,
                    r.added_how,
                    "✓ 已回收" if r.returned else "",
                )
                for r in rows
            ],  # fmt: skip
            ids=[(r.id, r.customer_id) for r in rows],
        )
        self.table.resizeColumnsToContents()
        counts: dict[str, int] = {}
        for row in rows:
            counts[row.group] = counts.get(row.group, 0) + 1
        returned = sum(1 for r in rows if r.returned)
        parts = "，".join(f"{g} {counts[g]}" for g in surveys.GROUPS if g in counts)
        self.count_label.setText(
            self.tr("名单共 {n} 个客户").replace("{n}", str(len(rows)))
            + (f"（{parts}）" if parts else "")
            + self.tr("，已回收 {r} 份").replace("{r}", str(returned))
        )

    # ----------------------------------------------------------------- changing

    def _refuse(self, error: ServiceError) -> None:
        self.refusal.setText(error.message)
        self.refusal.show()

    def _call(self, action):  # noqa: ANN001, ANN202
        """One service call; a refusal is shown above the list (not a dialog)."""
        self.refusal.hide()
        return run_service(self, self.context, action, on_invalid=self._refuse)

    def generate(self) -> None:
        if self.detail is None:
            return
        groups = [g for g, check in self.group_checks.items() if check.isChecked()]
        if not groups:
            self.refusal.setText(self.tr("请至少勾选一个分组。"))
            self.refusal.show()
            return
        survey_id, year, replace = self.detail.id, self.year.value(), self.replace.isChecked()
        summary = self._call(
            lambda s, a: survey_respondents.generate_respondents(
                s, a, survey_id, groups, purchase_year=year, replace=replace
            )
        )
        if summary is FAILED:
            return
        added = "，".join(f"{g} {n}" for g, n in summary.by_group.items())  # type: ignore[union-attr]
        self.reload()
        self.sig_changed.emit(
            self.tr("已生成名单：新增 {a} 个").replace("{a}", str(summary.added))  # type: ignore[union-attr]
            + (f"（{added}）" if added else "")
            + self.tr("，共 {t} 个。").replace("{t}", str(summary.total))  # type: ignore[union-attr]
        )

    def _search_now(self) -> None:
        self._timer.stop()
        self.run_search()
        if self.matches.count() and self.matches.item(0).data(ID_ROLE):
            self.matches.setCurrentRow(0)
            self.matches.setFocus()

    def run_search(self) -> None:
        self._timer.stop()
        text = self.search.text().strip()
        self.matches.clear()
        if self.detail is None or not text:
            return
        survey_id = self.detail.id
        found = run_service(
            self,
            self.context,
            lambda s, a: survey_answers.respondent_choices(s, a, survey_id, text, limit=30),
        )
        if found is FAILED:
            return
        for choice in found:  # type: ignore[union-attr]
            line = QListWidgetItem(
                f"{choice.code}　{choice.name}"
                + (f"　［已在名单：{choice.listed}］" if choice.listed else "")
            )
            line.setData(ID_ROLE, choice.id)
            self.matches.addItem(line)
        if not self.matches.count():
            empty = QListWidgetItem(self.tr("没有找到“{t}”").replace("{t}", text))
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.matches.addItem(empty)

    def add_chosen(self) -> None:
        if self.detail is None:
            return
        ids = [line.data(ID_ROLE) for line in self.matches.selectedItems() if line.data(ID_ROLE)]
        if not ids:
            self.refusal.setText(self.tr("请先在查找结果中选中要加入的客户。"))
            self.refusal.show()
            return
        survey_id, group = self.detail.id, self.add_group.currentData()
        summary = self._call(
            lambda s, a: survey_respondents.add_respondents(s, a, survey_id, ids, group)
        )
        if summary is FAILED:
            return
        self.reload()
        self.search.clear()
        self.matches.clear()
        self.search.setFocus()
        self.sig_changed.emit(
            self.tr("已加入 {a} 个客户，名单共 {t} 个。")
            .replace("{a}", str(summary.added))  # type: ignore[union-attr]
            .replace("{t}", str(summary.total))  # type: ignore[union-attr]
        )

    def selected_rows(self) -> list[tuple[int, int]]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.table.item(r, 0).data(ID_ROLE) for r in rows]

    def remove_selected(self) -> None:
        if self.detail is None:
            return
        chosen = self.selected_rows()
        if not chosen:
            self.refusal.setText(self.tr("请先在名单中选中要移出的客户。"))
            self.refusal.show()
            return
        if not confirm(
            self,
            self.tr("移出名单"),
            self.tr("把选中的 {n} 个客户移出调查名单？").replace("{n}", str(len(chosen))),
        ):
            return
        survey_id = self.detail.id
        removed = self._call(
            lambda s, a: survey_respondents.remove_respondents(
                s, a, survey_id, [rid for rid, _ in chosen]
            )
        )
        if removed is FAILED:
            return
        self.reload()
        self.sig_changed.emit(self.tr("已移出 {n} 个客户。").replace("{n}", str(removed)))

    # ----------------------------------------------------------------- printing

    def print_questionnaires(self, selected: bool) -> None:
        """Blank 客户满意度调查问卷 with the customers' names, in the preview."""
        if self.detail is None:
            return
        customer_ids: list[int] | None = None
        if selected:
            customer_ids = [cid for _, cid in self.selected_rows()]
            if not customer_ids:
                self.refusal.setText(self.tr("请先在名单中选中要打印问卷的客户。"))
                self.refusal.show()
                return
        survey_id, spare, number = self.detail.id, self.spare.value(), self.detail.number
        self.preview = preview_form(
            self,
            self.context,
            lambda s, a: documents.questionnaires_pdf(s, a, survey_id, customer_ids, spare)[0],
            None,
            self.tr("客户满意度调查问卷"),
            f"客户满意度调查问卷-{number}.pdf",
        )
