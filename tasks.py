"""Two commands for every machine (Windows cmd/PowerShell and Linux alike):

    python tasks.py run     install into .venv and start the program
    python tasks.py test    install into .venv with the test tools and run every check

Extra arguments after `run` go to the program, after `test` to pytest.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def sh(*args: object) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True)


def install(extras: str = "") -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - tasks.py may be run by an older Python
        sys.exit("需要 Python 3.11 或更高版本。")
    if not PYTHON.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    sh(PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", f".{extras}")


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("run", "test"):
        print(__doc__)
        return 2
    verb, rest = argv[0], argv[1:]
    try:
        if verb == "run":
            install()
            sh(PYTHON, "-X", "utf8", "-m", "desktop_crm", *rest)
        else:
            install("[test]")
            sh(PYTHON, "-m", "ruff", "check", ".")
            sh(PYTHON, "-m", "ruff", "format", "--check", ".")
            sh(BIN / ("lint-imports.exe" if os.name == "nt" else "lint-imports"))
            sh(PYTHON, "-X", "utf8", "-m", "pytest", *rest)
    except subprocess.CalledProcessError as error:
        return error.returncode or 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
