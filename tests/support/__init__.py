"""Helpers shared by every tap's tests: run Meltano or a tap against a fake, read DuckDB."""
