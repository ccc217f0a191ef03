"""``python -m api_sandbox``: the ``api-sandbox`` command."""

import sys

from .cli import main

sys.exit(main())
