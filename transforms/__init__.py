"""Pure Python: fetch EDGAR files, parse them, normalize them into typed Polars frames.

Nothing here imports Dagster or DuckDB; orchestration/ wires these functions to both.
"""
