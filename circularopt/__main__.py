"""``python -m circularopt``: the command line, as the ``circularopt`` script."""

import sys

from circularopt.cli import main

sys.exit(main())
