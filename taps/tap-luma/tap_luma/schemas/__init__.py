"""The JSON schemas of the Luma streams, one file per stream."""
