from tap_savvycal.tap import TapSavvyCal

TapSavvyCal.cli()
