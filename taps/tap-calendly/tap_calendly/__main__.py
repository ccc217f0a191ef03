"""Singer tap for Calendly: ``python -m tap_calendly``."""

from tap_calendly.tap import TapCalendly

TapCalendly.cli()
