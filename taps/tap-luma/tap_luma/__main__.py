"""Singer tap for Luma: ``python -m tap_luma``."""

from tap_luma.tap import TapLuma

TapLuma.cli()
