"""JSON Schemas of the SavvyCal streams, one file per stream name."""
