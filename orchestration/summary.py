"""What the warehouse holds, as short tables for a terminal."""

from pathlib import Path

import polars as pl

from orchestration.migrations import latest_version, recorded_version
from orchestration.retry_policy import MAX_ATTEMPTS
from orchestration.run_window import new_york_today
from orchestration.sql_files import beside, query_sql_file
from orchestration.warehouse_connection import connect


class WarehouseTooOldError(RuntimeError):
    """A warehouse file written by an older release that this one reads only once it is migrated."""


def warehouse_summary(path: Path) -> dict[str, pl.DataFrame]:
    """Row counts per table, filings per form, index days, failures by stage and reason."""
    connection = connect(path, read_only=True)
    try:
        version = recorded_version(connection) or 0
        if version < latest_version():
            raise WarehouseTooOldError(
                f"{path} holds schema version {version}, older than this release's {latest_version()}: it was "
                "written by an earlier release. Run `insider-warehouse migrate` (it brings the read copy up too), "
                "then this command again"
            )
        return {
            "tables": query_sql_file(connection, "queries/table_row_counts.sql").pl(),
            "filings by form": query_sql_file(connection, beside(__file__, "summary_filings_by_form.sql")).pl(),
            "index days": query_sql_file(connection, beside(__file__, "summary_index_days.sql")).pl(),
            "ingest failures": query_sql_file(
                connection, beside(__file__, "summary_failures.sql"), max_attempts=MAX_ATTEMPTS
            ).pl(),
            "feed latency today (acceptance to read copy)": _todays_latency(connection),
        }
    finally:
        connection.close()


def _todays_latency(connection) -> pl.DataFrame:
    """Today's filings from the feed: how many, and the median and worst time from acceptance to the read copy
    (none when no filing came through the feed today)."""
    latency = query_sql_file(connection, beside(__file__, "summary_feed_latency.sql"), today=new_york_today()).pl()
    latency = latency.filter(pl.col("filings") > 0)
    return latency.select(
        "filings",
        pl.col("median_seconds").map_elements(_duration, return_dtype=pl.String).alias("median"),
        pl.col("worst_seconds").map_elements(_duration, return_dtype=pl.String).alias("worst"),
    )


def _duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s" if minutes else f"{rest} s"


def format_summary(path: Path, sections: dict[str, pl.DataFrame]) -> str:
    """Render the summary sections as text."""
    lines = [f"warehouse: {path}"]
    with pl.Config(tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True, tbl_rows=60, fmt_str_lengths=60):
        for title, frame in sections.items():
            lines += ["", f"{title}:", str(frame) if frame.height else "  (none)"]
    return "\n".join(lines)
