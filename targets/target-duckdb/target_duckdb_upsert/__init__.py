"""Singer target for DuckDB built on the Meltano Singer SDK."""
