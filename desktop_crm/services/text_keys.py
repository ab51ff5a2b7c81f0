"""Keys derived from text: normalised names, digits, pinyin readings and search terms.

Pinyin is looked up per character with every reading (pypinyin's phrase guesses are slow
and get place names wrong: 单县, 朝阳, 曾氏), so a name is found by any plausible reading.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from pypinyin import Style, pinyin

MAX_READINGS = 6
_STABLE_CHARS = set("有限公司集团股份责任厂")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LEGAL_SUFFIXES = ("有限责任公司", "股份有限公司", "有限公司")
_NOISE = re.compile(r"[\s\u3000()（）\[\]【】\-—_·.,，。、/\\]+")


def is_cjk(char: str) -> bool:
    return bool(_CJK.match(char))


def normalise_text(text: str) -> str:
    """Full-width to half-width (NFKC), trimmed, inner runs of spaces collapsed."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def name_key(name: str) -> str:
    """The form of a company name used to detect collisions (客户冲撞).

    Width, case, spaces, brackets and the legal-form suffix do not make a different company:
    "河北工程（集团）有限责任公司" and "河北工程(集团)有限公司" collide.
    """
    text = normalise_text(name).lower()
    for suffix in _LEGAL_SUFFIXES:
        if text.endswith(suffix):
            text = text[: -len(suffix)] + "公司"
            break
    return _NOISE.sub("", text)


def digits(text: str | None) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text or "") if ch.isdigit())


@lru_cache(maxsize=50_000)
def char_readings(char: str) -> tuple[str, ...]:
    """All toneless readings of one character; a non-Chinese character reads as itself."""
    if not is_cjk(char):
        return (char.lower(),) if char.isalnum() else ()
    readings = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
    found = tuple(dict.fromkeys(r for r in (readings[0] if readings else []) if r))
    return found or ()


def _combinations(per_char: list[tuple[str, ...]], chars: str) -> list[tuple[str, ...]]:
    """The first reading everywhere, then each other reading of one character at a time.

    Single substitutions catch the usual misreadings (单县 shanxian, 朝阳 chaoyang, 重庆
    chongqing) while keeping the index small; the legal-form words are never varied.
    """
    first = tuple(r[0] for r in per_char)
    combos = [first]
    for index, readings in enumerate(per_char):
        if chars[index] in _STABLE_CHARS:
            continue
        for reading in readings[1:]:
            combos.append(first[:index] + (reading,) + first[index + 1 :])
            if len(combos) >= MAX_READINGS:
                return combos
    return combos


def pinyin_keys(name: str) -> tuple[str, str, list[str]]:
    """(full pinyin for sorting, initials of the first reading, all search readings)."""
    chars = [ch for ch in normalise_text(name) if char_readings(ch)]
    per_char = [char_readings(ch) for ch in chars]
    if not per_char:
        return "", "", []
    combos = _combinations(per_char, "".join(chars))
    first = combos[0]
    sort_key = "".join(first)
    initials = "".join(r[0] for r in first)
    readings: list[str] = []
    for combo in combos:
        readings.append("".join(r[0] for r in combo))
        readings.append("".join(combo))
    return sort_key, initials, list(dict.fromkeys(readings))


def hanzi_terms(texts: Iterable[str | None]) -> str:
    """One token per Chinese character (and per Latin word), for the unicode61 index."""
    tokens: list[str] = []
    for text in texts:
        if not text:
            continue
        for word in re.findall(
            r"[\u3400-\u9fff\uf900-\ufaff]|[0-9a-z]+", normalise_text(text).lower()
        ):
            tokens.append(word)
    return " ".join(tokens)


def hanzi_query(fragment: str) -> str:
    """The phrase query for a run of Chinese characters: '"河 北 工"'."""
    return '"' + " ".join(ch for ch in fragment if is_cjk(ch)) + '"'


def split_query(text: str) -> tuple[list[str], list[str]]:
    """Split what the user typed into Chinese runs and Latin/digit words."""
    text = normalise_text(text).lower()
    chinese = re.findall(r"[\u3400-\u9fff\uf900-\ufaff]+", text)
    latin = re.findall(r"[0-9a-z]+", text)
    return chinese, latin
