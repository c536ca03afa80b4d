"""Dagster definitions and the glue that joins transforms/, sql/ and the DuckDB warehouse."""
