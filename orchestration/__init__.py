"""Dagster definitions and the glue that joins transforms/, sql/ and the DuckDB warehouse."""

import atexit
import typing
import warnings

from dagster import BetaWarning

# The single-run backfill policy is beta, and chosen (one run per range of days): say so once here, not in every
# process that loads the definitions (`dg dev`, the CLI, the tests).
warnings.filterwarnings("ignore", category=BetaWarning)


def _clear_typing_caches() -> None:
    """Empty the `typing` module's caches of subscripted types before the interpreter shuts down.

    Annotations such as `duckdb.DuckDBPyConnection | None`, once evaluated (Dagster and pydantic read signatures),
    stay in those caches, which Python empties only after its extension modules; DuckDB's bindings (nanobind) then
    find the connection type still referenced at exit, with every method and default argument it holds, and print
    a hundred lines of "leaked instance" messages after the test run's result. CPython itself clears these caches at
    shutdown from 3.15 on (gh-151728).
    """
    for clear in getattr(typing, "_cleanups", ()):
        clear()


atexit.register(_clear_typing_caches)
