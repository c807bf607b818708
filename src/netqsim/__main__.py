"""``python -m netqsim ...``: the ``netqsim`` command."""

import sys

from netqsim.cli import main

sys.exit(main())
