"""Singer tap for Float."""
from tap_float.tap import TapFloat

TapFloat.cli()
