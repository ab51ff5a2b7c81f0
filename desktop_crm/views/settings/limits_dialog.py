"""期限与指标设置: complaint deadlines, the visit rhythm and the survey targets, as the office
sets them."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop_crm.models import User
from desktop_crm.services import complaints, rights, settings

from ..context import AppContext
from ..service_call import FAILED, run_service

# The settings' key prefixes and the box each group sits in.
_SECTIONS = {
    "complaint": "投诉期限",
    "visits": "回访与拜访",
    "service": "回访与拜访",
    "survey": "满意度调查",
}


class LimitsDialog(QDialog):
    """One spin box a setting; 保存 writes the changed ones and recomputes open deadlines."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("limitsDialog")
        self.setWindowTitle(self.tr("期限与指标设置"))
        self._context = context
        self.spins: dict[str, QSpinBox] = {}
        groups: dict[str, QFormLayout] = {}
        sections = QVBoxLayout()
        for setting in settings.SETTINGS:
            title = _SECTIONS.get(setting.key.split(".")[0], self.tr("其他"))
            if title not in groups:
                box = QGroupBox(title, self)
                groups[title] = QFormLayout(box)
                sections.addWidget(box)
            spin = QSpinBox(self, objectName=f"setting_{setting.key.replace('.', '_')}")
            spin.setRange(setting.minimum, setting.maximum)
            self.spins[setting.key] = spin
            groups[title].addRow(setting.label, spin)
        self.status = QLabel(self, objectName="limitsStatus")
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close, self
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("limitsSave")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        note = QLabel(
            self.tr("投诉期限按工作日计算，受理当天为第 0 天；修改后，未结案投诉的期限随之重算。"),
            self,
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addLayout(sections)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self._load()

    def _load(self) -> None:
        def read(session: Session, actor: User) -> tuple[dict[str, int], bool]:
            return dict(settings.values(session)), rights.may(session, actor, "settings", "edit")

        loaded = run_service(self, self._context, read)
        if loaded is FAILED:
            return
        values, editable = loaded
        for key, spin in self.spins.items():
            spin.setValue(values[key])
            spin.setEnabled(editable)
        self.save_button.setEnabled(editable)
        if not editable:
            self.status.setText(self.tr("您没有「设置·修改」的权限，只能查看。"))

    def save(self) -> None:
        wanted = {key: spin.value() for key, spin in self.spins.items()}

        def write(session: Session, actor: User) -> int:
            for key, number in wanted.items():
                settings.set_value(session, actor, key, number)
            changed = complaints.refresh_open_deadlines(session)
            session.commit()
            return changed

        changed = run_service(self, self._context, write, refusal_title=self.tr("无法保存"))
        if changed is FAILED:
            return
        self.status.setText(
            self.tr("已保存；{0} 件未结案投诉的期限已重算。").replace("{0}", str(changed))
        )
        if hasattr(self._context.hub, "sig_complaints_changed"):
            self._context.hub.sig_complaints_changed.emit()
