"""Find a CJK TrueType font on this machine and register it with reportlab once.

reportlab embeds (subsets) TrueType fonts and TrueType collections but refuses CFF fonts
(Noto CJK, macOS PingFang). The built-in ``STSong-Light`` is never embedded and breaks on
rarer characters, so it is never used. Missing glyphs print as blanks without any error:
:func:`missing_glyphs` lets callers warn.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont


class FontNotFoundError(Exception):
    """No usable Chinese TrueType font was found; the message is for the user."""


@dataclass(frozen=True)
class FontCandidate:
    """A font file to try and the name the user knows it by."""

    path: Path
    description: str


# (file name, name shown to the user), in order of preference.
WINDOWS_FONT_FILES: tuple[tuple[str, str], ...] = (
    # 宋体 first: the office's paper forms are set in it.
    ("simsun.ttc", "宋体"),
    ("msyh.ttc", "微软雅黑"),
    ("simhei.ttf", "黑体"),
)
LINUX_FONT_FILES: tuple[tuple[str, str], ...] = (
    ("wqy-microhei.ttc", "文泉驿微米黑"),
    ("wqy-zenhei.ttc", "文泉驿正黑"),
    ("uming.ttc", "AR PL 明体"),
    ("ukai.ttc", "AR PL 楷体"),
)
LINUX_FONT_DIRS: tuple[Path, ...] = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path.home() / ".fonts",
)

log = logging.getLogger(__name__)
_lock = threading.Lock()
_registered: dict[str, str] = {}  # resolved path → reportlab font name
_default_font: str | None = None


def _windows_font_dirs() -> list[Path]:
    dirs = [Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"]
    local = os.environ.get("LOCALAPPDATA")
    if local:  # fonts installed for one user only (Windows 10 1809+)
        dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    return dirs


def _search_tree(roots: tuple[Path, ...], names: set[str]) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for root in roots:
        if not root.is_dir():
            continue
        for dirpath, _dirs, files in os.walk(root):
            for name in files:
                lower = name.lower()
                if lower in names and lower not in found:
                    found[lower] = Path(dirpath) / name
    return found


def system_font_candidates() -> list[FontCandidate]:
    """Font files on this machine worth trying, best first."""
    candidates: list[FontCandidate] = []
    if sys.platform == "win32":
        for file_name, description in WINDOWS_FONT_FILES:
            for folder in _windows_font_dirs():
                path = folder / file_name
                if path.is_file():
                    candidates.append(FontCandidate(path, description))
                    break
    else:
        found = _search_tree(LINUX_FONT_DIRS, {n for n, _ in LINUX_FONT_FILES})
        for file_name, description in LINUX_FONT_FILES:
            if file_name in found:
                candidates.append(FontCandidate(found[file_name], description))
    return candidates


def _looked_for() -> str:
    names = [f"{d}（{f}）" for f, d in (*WINDOWS_FONT_FILES, *LINUX_FONT_FILES)]
    return "、".join(names)


def _font_name_for(path: Path) -> str:
    stem = "".join(ch if ch.isalnum() else "-" for ch in path.stem)
    return f"CJK-{stem}-{len(_registered)}"


def _register(path: Path) -> str:
    key = str(path.resolve())
    name = _registered.get(key)
    if name is None:
        name = _font_name_for(path)
        pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0))
        _registered[key] = name
    return name


def register_cjk_font(configured_path: str | os.PathLike[str] | None = None) -> str:
    """Register the first usable CJK font and return its reportlab font name.

    ``configured_path`` (the font set in the settings) is tried first. The result is cached:
    parsing a font file costs ~150 ms, rendering a form ~20 ms.
    """
    global _default_font
    with _lock:
        if configured_path is None and _default_font is not None:
            return _default_font
        candidates: list[FontCandidate] = []
        if configured_path:
            candidates.append(FontCandidate(Path(configured_path), "设置中指定的字体"))
        candidates.extend(system_font_candidates())
        problems: list[str] = []
        for candidate in candidates:
            if not candidate.path.is_file():
                problems.append(f"{candidate.description} {candidate.path} 不存在")
                continue
            try:
                name = _register(candidate.path)
            except (TTFError, OSError, ValueError) as exc:
                # CFF fonts (Noto CJK, PingFang) and broken files land here.
                problems.append(
                    f"{candidate.description} {candidate.path} 不能使用（不是 TrueType 字体：{exc}）"
                )
                continue
            if configured_path is None:
                _default_font = name
            elif problems:  # the configured font failed; a system font stands in
                log.warning("设置中的字体不可用，改用%s：%s", candidate.description, problems[0])
            return name
        message = (
            "找不到可用于打印的中文字体。已查找：" + _looked_for() + "。"
            "请安装其中一种字体，或在“设置”中指定一个 TrueType 中文字体文件（.ttf 或 .ttc）。"
        )
        if problems:
            message += "\n" + "；".join(problems) + "。"
        raise FontNotFoundError(message)


def missing_glyphs(text: str, font_name: str) -> set[str]:
    """Characters of ``text`` the registered font ``font_name`` has no glyph for."""
    font = pdfmetrics.getFont(font_name)
    cmap = getattr(getattr(font, "face", None), "charToGlyph", None)
    if cmap is None:  # not a TrueType font: cannot tell
        return set()
    return {
        ch for ch in set(text) if ch.isprintable() and not ch.isspace() and not cmap.get(ord(ch), 0)
    }


__all__ = [
    "FontCandidate",
    "FontNotFoundError",
    "missing_glyphs",
    "register_cjk_font",
    "system_font_candidates",
]
