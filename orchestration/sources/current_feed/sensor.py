"""The `current_filings` sensor: EDGAR's latest-filings feed polled every minute (INSIDER_FEED_INTERVAL_SECONDS),
one run requested per poll that found filings, keyed by them."""

import hashlib
import json
from datetime import UTC, datetime

import dagster as dg

from orchestration.resources import AlertsResource, EdgarResource, StorageResource
from orchestration.sources.current_feed.jobs import feed_job
from orchestration.sources.current_feed.poll import (
    FEED_ASSET,
    FINISH_RUN_CONFIG,
    FINISH_RUN_TAGS,
    poll,
    poll_deadline_seconds,
    run_config,
    run_tags,
    warehouse_cursor,
)
from orchestration.sources.current_feed.watch import next_wait
from orchestration.warehouse_connection import WarehouseLockedError
from orchestration.writer_state import writer_state
from transforms.current_feed import FeedCursor, FeedUnavailableError

# The sensor is evaluated this often; it polls the feed only once the configured interval has passed.
SENSOR_TICK_SECONDS = 15


def _state(text: str | None) -> dict:
    return json.loads(text) if text else {}


@dg.sensor(
    name="current_filings",
    job=feed_job,
    minimum_interval_seconds=SENSOR_TICK_SECONDS,
    default_status=dg.DefaultSensorStatus.STOPPED,
)
def current_filings(
    context: dg.SensorEvaluationContext, storage: StorageResource, edgar: EdgarResource, alerts: AlertsResource
) -> dg.RunRequest | dg.SkipReason:
    """Poll the feed from the sensor's cursor (with none yet: the read copy's, or the newest acceptance time it
    holds, or the whole feed) and request one run for what the poll found. The cursor moves with every request, so a
    filing is requested once; the run key is the filings, so a repeated tick requests nothing twice; one run at a
    time (the instance's queue), as DuckDB has one writer. A poll that finds nothing requests a run without filings
    when the writer holds work a stopped run did not publish, or alerts the webhook is still to get. A feed that
    cannot be read is a skipped tick saying why, the cursor untouched; the next polls back off, doubling the wait."""
    interval = edgar.feed_interval_seconds
    state = _state(context.cursor)
    now = datetime.now(UTC).timestamp()
    failures = int(state.get("failures", 0))
    wait = next_wait(interval, failures)
    if now - state.get("polled", 0.0) < wait:
        return dg.SkipReason(f"the feed is polled every {wait:.0f} s")
    if "accepted_at" in state:
        cursor = FeedCursor(
            datetime.fromisoformat(state["accepted_at"]) if state["accepted_at"] else None,
            frozenset(state.get("accessions", ())),
        )
    else:
        cursor = warehouse_cursor(storage.published_path)
    try:
        found, polled_at = poll(edgar.client(storage), cursor, poll_deadline_seconds(interval))
    except FeedUnavailableError as error:
        context.update_cursor(json.dumps({**state, "polled": now, "failures": failures + 1}))
        return dg.SkipReason(
            f"the feed could not be read ({error}); the cursor stays at {cursor.accepted_at or 'the start'}, the "
            f"next poll in {next_wait(interval, failures + 1):.0f} s"
        )
    after = found.cursor
    context.update_cursor(
        json.dumps(
            {
                "accepted_at": after.accepted_at.isoformat() if after.accepted_at else None,
                "accessions": sorted(after.accessions),
                "polled": now,
                "failures": 0,
            }
        )
    )
    if not found.filings and found.gap_since is None:
        return _finishing_run(storage, alerts, polled_at) or dg.SkipReason(
            f"no new filings in the feed since {cursor.accepted_at or 'ever'}"
        )
    accessions = [filing.accession_number for filing in found.filings]
    key = hashlib.sha256("|".join(accessions or [polled_at.isoformat()]).encode()).hexdigest()[:16]
    return dg.RunRequest(
        run_key=f"feed-{key}",
        run_config={"ops": {FEED_ASSET: {"config": run_config(found, polled_at)}}},
        tags=run_tags(found),
    )


def _finishing_run(storage: StorageResource, alerts: AlertsResource, polled_at: datetime) -> dg.RunRequest | None:
    """A run without filings when the writer holds unpublished work or alerts to post; None when it holds neither,
    or a run is writing it now (that run publishes and posts)."""
    try:
        state = writer_state(storage.warehouse_path, wait_seconds=0)
    except WarehouseLockedError:
        return None
    wants_posting = state.alerts_to_post and alerts.webhook() is not None
    if not state.unpublished and not wants_posting:
        return None
    return dg.RunRequest(
        run_key=f"feed-finish-{polled_at.isoformat()}",
        run_config={"ops": FINISH_RUN_CONFIG},
        tags=FINISH_RUN_TAGS,
    )
