"""The JSON schemas of the Calendly streams, one file per stream."""
