"""Singer tap for SavvyCal: ``python -m tap_savvycal``."""

from tap_savvycal.tap import TapSavvyCal

TapSavvyCal.cli()
