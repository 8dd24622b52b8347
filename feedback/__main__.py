"""`python -m feedback unanswered|ratings`: what users told the coach, for curators."""

import sys

from feedback.store import main

sys.exit(main())
