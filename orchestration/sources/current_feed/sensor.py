"""The `current_filings` sensor: EDGAR's latest-filings feed polled every minute (INSIDER_FEED_INTERVAL_SECONDS),
one run requested per poll that found filings, keyed by them."""

import hashlib
import json
import os
from datetime import UTC, datetime

import dagster as dg

from orchestration.resources import EdgarResource, StorageResource
from orchestration.settings import SettingError, check_seconds
from orchestration.sources.current_feed.jobs import feed_job
from orchestration.sources.current_feed.poll import FEED_ASSET, poll, run_config, run_tags, warehouse_cursor
from transforms.current_feed import FeedCursor

DEFAULT_FEED_INTERVAL_SECONDS = 60.0
# The sensor is evaluated this often; it polls the feed only once the configured interval has passed.
SENSOR_TICK_SECONDS = 15


def feed_interval_seconds() -> float:
    """INSIDER_FEED_INTERVAL_SECONDS, checked, else 60: how often the feed is polled (read when the sensor runs)."""
    value = os.environ.get("INSIDER_FEED_INTERVAL_SECONDS", "").strip()
    return check_seconds(value, "INSIDER_FEED_INTERVAL_SECONDS") if value else DEFAULT_FEED_INTERVAL_SECONDS


def _state(text: str | None) -> dict:
    return json.loads(text) if text else {}


@dg.sensor(
    name="current_filings",
    job=feed_job,
    minimum_interval_seconds=SENSOR_TICK_SECONDS,
    default_status=dg.DefaultSensorStatus.STOPPED,
)
def current_filings(
    context: dg.SensorEvaluationContext, storage: StorageResource, edgar: EdgarResource
) -> dg.RunRequest | dg.SkipReason:
    """Poll the feed from the sensor's cursor (with none yet: the read copy's, or the newest acceptance time it
    holds, or the whole feed) and request one run for what the poll found. The cursor moves with every request, so a
    filing is requested once; the run key is the filings, so a repeated tick requests nothing twice; one run at a
    time (the instance's queue), as DuckDB has one writer."""
    try:
        interval = feed_interval_seconds()
    except SettingError as error:
        return dg.SkipReason(str(error))
    state = _state(context.cursor)
    now = datetime.now(UTC).timestamp()
    if now - state.get("polled", 0.0) < interval:
        return dg.SkipReason(f"the feed is polled every {interval:.0f} s")
    if "accepted_at" in state:
        cursor = FeedCursor(
            datetime.fromisoformat(state["accepted_at"]) if state["accepted_at"] else None,
            frozenset(state.get("accessions", ())),
        )
    else:
        cursor = warehouse_cursor(storage.published_path)
    found, polled_at = poll(edgar.client(storage), cursor)
    after = found.cursor
    context.update_cursor(
        json.dumps(
            {
                "accepted_at": after.accepted_at.isoformat() if after.accepted_at else None,
                "accessions": sorted(after.accessions),
                "polled": now,
            }
        )
    )
    if not found.filings and found.gap_since is None:
        return dg.SkipReason(f"no new filings in the feed since {cursor.accepted_at or 'ever'}")
    accessions = [filing.accession_number for filing in found.filings]
    key = hashlib.sha256("|".join(accessions or [polled_at.isoformat()]).encode()).hexdigest()[:16]
    return dg.RunRequest(
        run_key=f"feed-{key}",
        run_config={"ops": {FEED_ASSET: {"config": run_config(found, polled_at)}}},
        tags=run_tags(found),
    )
