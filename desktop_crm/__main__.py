"""`python -m desktop_crm` does what `desktop-crm` does."""

import sys

from desktop_crm.app import main

sys.exit(main())
