"""`python main.py` does what the `desktop-crm` command does."""

import sys

from desktop_crm.app import main

if __name__ == "__main__":
    sys.exit(main())
