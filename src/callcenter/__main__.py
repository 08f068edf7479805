"""``python -m callcenter``: the same command as ``callcenter``."""

import sys

from .cli import main

sys.exit(main())
