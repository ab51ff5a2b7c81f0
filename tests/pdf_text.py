"""Reading a PDF back as text, the way a user's copy would read: poppler's pdftotext."""

from __future__ import annotations

import subprocess


def pdf_text(content: bytes) -> str:
    """The text of every page in drawing order (-raw: a table reads row by row)."""
    done = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    )
    return done.stdout.decode("utf-8")
