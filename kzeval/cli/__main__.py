"""`python -m kzeval.cli ...` (the tests and scripts/screenshot_report.sh run it so)."""

import sys

from kzeval.cli import main

sys.exit(main())
