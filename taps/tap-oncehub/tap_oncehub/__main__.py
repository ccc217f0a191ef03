"""Singer tap for OnceHub."""
from tap_oncehub.tap import TapOnceHub

TapOnceHub.cli()
