"""`python -m feedback unanswered|ratings` (feedback/report.py)."""

import sys

from feedback.report import main

sys.exit(main())
