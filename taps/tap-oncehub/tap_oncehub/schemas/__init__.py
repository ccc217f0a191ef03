"""The JSON schemas of the OnceHub streams, one file per stream."""
