"""`python -m reader` is the same as the `margin` command."""

import sys

from reader.cli import main

sys.exit(main())
