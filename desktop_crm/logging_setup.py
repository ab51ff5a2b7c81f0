"""The log file in the data folder: full errors go here, never in front of the user."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

from desktop_crm.config import log_path


def setup_logging(level: int = logging.INFO) -> Path:
    """Log to the data folder's rotating log file (UTF-8, 5 × 2 MB); returns its path."""
    path = log_path()
    root = logging.getLogger()
    if not any(isinstance(h, RotatingFileHandler) for h in root.handlers):
        handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(level)
    return path
