"""`insider-warehouse watch`: poll the latest-filings feed, load what is new, and keep the read copy current.

Each poll first finishes what a stopped run left unpublished (a run killed between its load and its publish), then
reads the feed from the cursor within a deadline shorter than the interval. A feed that is down, too slow or answers
something that is not the feed is a failed poll, recorded in feed_polls with the cursor untouched: not a gap, and no
run. A poll that found nothing still posts the alerts a webhook outage left waiting.
"""

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from orchestration.alert_delivery import deliver_to_webhook, delivery_lines
from orchestration.run_window import utc_now
from orchestration.settings import alert_webhook_setting
from orchestration.sources.current_feed.poll import (
    FEED_ASSET,
    FINISH_RUN_CONFIG,
    FINISH_RUN_TAGS,
    poll,
    record_poll_failure,
    run_config,
    run_tags,
    warehouse_cursor,
)
from orchestration.writer_state import writer_state
from transforms.current_feed import FeedUnavailableError
from transforms.edgar_client import EdgarClient

# Runs the feed job with the feed asset's configuration and the run's tags; returns the finished run.
RunFeed = Callable[[dict, dict[str, str]], dg.ExecuteInProcessResult]
# The longest wait between polls while the feed keeps failing (each failure doubles it from the interval).
MAX_FAILURE_BACKOFF_SECONDS = 900.0
PREFIX = "insider-warehouse: watch:"


@dataclass(frozen=True)
class FeedRunCounts:
    """Of the poll's new filings, how many the run loaded and how many it could not; and how many filings of earlier
    polls it fetched again in vain."""

    new_loaded: int
    new_not_loaded: int
    earlier_not_loaded: int


def feed_run_counts(result: dg.ExecuteInProcessResult) -> FeedRunCounts:
    """What the feed asset says it loaded and could not load, from its materialization's metadata."""
    [materialization] = result.asset_materializations_for_node(FEED_ASSET)
    count = {
        name: int(value.value)
        for name, value in materialization.metadata.items()
        if name != "accessions" and isinstance(value.value, int)
    }
    new_not_loaded = count["new, not loaded"]
    return FeedRunCounts(count["new, loaded"], new_not_loaded, count["not loaded (recorded)"] - new_not_loaded)


def say(line: str, error: bool = False) -> None:
    print(f"{PREFIX} {line}", file=sys.stderr if error else sys.stdout, flush=True)


def finish_unpublished(warehouse: Path, run_feed: RunFeed) -> bool:
    """Run the feed job without a poll when the writer holds work a stopped run did not publish; True if it ran."""
    state = writer_state(warehouse)
    if not state.unpublished:
        return False
    run_feed(FINISH_RUN_CONFIG, FINISH_RUN_TAGS)
    say(f"finished what a stopped run left unpublished ({state.describe()}): published")
    return True


def post_waiting_alerts(warehouse: Path) -> None:
    """Post the alerts a webhook outage left waiting, when a webhook is set and any wait."""
    webhook = alert_webhook_setting()
    if webhook is None or not writer_state(warehouse).alerts_to_post:
        return
    outcome = deliver_to_webhook(warehouse, webhook, utc_now())
    if outcome.delivered:
        say(f"posted {outcome.delivered} alert(s) that were waiting for the webhook")
    for line in delivery_lines(outcome, webhook.max_age_days):
        say(line, error=True)


def poll_once(warehouse: Path, client: EdgarClient, deadline_seconds: float, run_feed: RunFeed) -> str | None:
    """One poll: finish what is unpublished, read the feed, load and publish what is new. When the feed could not
    be read, the poll is recorded and nothing else changes: the returned words say why, for the caller's one line
    (None: the poll read the feed)."""
    finished = finish_unpublished(warehouse, run_feed)
    cursor = warehouse_cursor(warehouse)
    try:
        found, polled_at = poll(client, cursor, deadline_seconds)
    except FeedUnavailableError as error:
        record_poll_failure(warehouse, utc_now(), error)
        since = cursor.accepted_at or "the start"
        return f"the feed could not be read ({error}); nothing was loaded and the cursor stays at {since}"
    if found.filings or found.gap_since is not None:
        counts = feed_run_counts(run_feed({FEED_ASSET: {"config": run_config(found, polled_at)}}, run_tags(found)))
        line = f"{len(found.filings)} new filing(s) in the feed: {counts.new_loaded} loaded and published"
        if counts.new_not_loaded:
            line += (
                f", {counts.new_not_loaded} not loaded (not served by EDGAR's Archives yet, or failed: recorded in "
                "ingest_failures, fetched again by the next polls and by the nightly)"
            )
        if counts.earlier_not_loaded:
            line += f"; {counts.earlier_not_loaded} listed by earlier polls still not loaded (see ingest_failures)"
        say(line)
        return None
    say(f"nothing new in the feed since {found.cursor.accepted_at or 'ever'}")
    if not finished:
        post_waiting_alerts(warehouse)
    return None


def next_wait(interval_seconds: float, failures_in_a_row: int) -> float:
    """The interval after a good poll; after failures, doubling from it, at most MAX_FAILURE_BACKOFF_SECONDS (or
    the interval, if longer)."""
    if not failures_in_a_row:
        return interval_seconds
    return min(interval_seconds * 2**failures_in_a_row, max(interval_seconds, MAX_FAILURE_BACKOFF_SECONDS))
