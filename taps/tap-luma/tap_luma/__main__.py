from tap_luma.tap import TapLuma

TapLuma.cli()
