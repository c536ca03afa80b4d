"""`insider-warehouse alerts`: the alerts the read copy first held in a recent window, as a table or JSON lines."""

import json
from datetime import datetime
from pathlib import Path

import polars as pl

from orchestration.sql_files import beside, query_sql_file
from orchestration.warehouse_connection import connect
from transforms.alert_messages import alert_text, webhook_payload


def recent_alerts(published: Path, since: datetime) -> pl.DataFrame:
    """The alerts first published (or revised) at or after `since`, UTC, newest first."""
    connection = connect(published, read_only=True)
    try:
        return query_sql_file(connection, beside(__file__, "recent_alerts.sql"), since=since).pl()
    finally:
        connection.close()


def format_alerts(alerts: pl.DataFrame, window: str, as_json: bool) -> str:
    """JSON lines (one alert each, the webhook's fields) or a table a person scans: when, what, who, how much."""
    if as_json:
        return "\n".join(json.dumps(webhook_payload(alert)["alert"]) for alert in alerts.iter_rows(named=True))
    if alerts.is_empty():
        return f"no alerts published {window}"
    table = alerts.select(
        pl.col("revision_published_at").dt.strftime("%Y-%m-%d %H:%M").alias("published (UTC)"),
        pl.struct(alerts.columns).map_elements(alert_text, return_dtype=pl.String).alias("alert"),
    )
    shape = {"tbl_hide_dataframe_shape": True, "tbl_hide_column_data_types": True, "tbl_rows": -1}
    with pl.Config(**shape, fmt_str_lengths=400, tbl_width_chars=240):
        return f"{alerts.height} alert(s) published {window}:\n{table}"
