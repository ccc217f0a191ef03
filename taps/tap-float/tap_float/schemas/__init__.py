"""JSON Schemas of the Float streams, one file per stream."""
