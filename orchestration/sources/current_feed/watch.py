"""`insider-warehouse watch`: poll the latest-filings feed, load what is new, and keep the read copy current.

Each poll first finishes what a stopped run left unpublished (a run killed between its load and its publish), then
reads the feed from the cursor within a deadline shorter than the interval. A feed that is down, too slow or answers
something that is not the feed is a failed poll, recorded in feed_polls with the cursor untouched: not a gap, and no
run. A poll that found nothing still posts the alerts a webhook outage left waiting.
"""

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from orchestration.alert_delivery import deliver_to_webhook, delivery_lines
from orchestration.run_window import utc_now
from orchestration.settings import AlertWebhook
from orchestration.sources.current_feed.poll import (
    FEED_ASSET,
    FINISH_RUN_CONFIG,
    FINISH_RUN_TAGS,
    NEW_LOADED,
    NEW_NOT_LOADED,
    NOT_LOADED,
    cursor_of,
    poll,
    poll_deadline_seconds,
    record_poll_failure,
    run_config,
    run_tags,
)
from orchestration.warehouse_connection import connect
from orchestration.writer_state import WriterState, state_of
from transforms.current_feed import FeedCursor, FeedUnavailableError
from transforms.edgar_client import EdgarClient

# Runs the feed job with the feed asset's configuration and the run's tags; returns the finished run.
RunFeed = Callable[[dict, dict[str, str]], dg.ExecuteInProcessResult]
# The longest wait between polls while the feed keeps failing (each failure doubles it from the interval).
MAX_FAILURE_BACKOFF_SECONDS = 900.0
PREFIX = "insider-warehouse: watch:"
# The exit status of a watch stopped by Ctrl-C between polls, as shells report a process ended by SIGINT (128 + 2).
INTERRUPTED_EXIT_STATUS = 130


@dataclass(frozen=True)
class FeedWatch:
    """What every poll needs: the writer's file, the EDGAR client, the interval (a poll's deadline is most of it),
    how the feed job is run, and where alerts go (None: nowhere)."""

    warehouse: Path
    client: EdgarClient
    interval_seconds: float
    run_feed: RunFeed
    webhook: AlertWebhook | None


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
    count = {name: int(materialization.metadata[name].value) for name in (NEW_LOADED, NEW_NOT_LOADED, NOT_LOADED)}
    new_not_loaded = count[NEW_NOT_LOADED]
    return FeedRunCounts(count[NEW_LOADED], new_not_loaded, count[NOT_LOADED] - new_not_loaded)


def say(line: str, error: bool = False) -> None:
    print(f"{PREFIX} {line}", file=sys.stderr if error else sys.stdout, flush=True)


def writer_and_cursor(warehouse: Path) -> tuple[WriterState, FeedCursor]:
    """What a poll reads of the writer before it starts, in one read-only open: what is left unpublished or to post,
    and where the feed is read from."""
    if not warehouse.exists():
        return WriterState(), FeedCursor()
    connection = connect(warehouse, read_only=True)
    try:
        return state_of(connection), cursor_of(connection)
    finally:
        connection.close()


def finish_unpublished(state: WriterState, run_feed: RunFeed) -> None:
    """Run the feed job without a poll: the writer holds work a stopped run did not publish."""
    run_feed(FINISH_RUN_CONFIG, FINISH_RUN_TAGS)
    say(f"finished what a stopped run left unpublished ({state.describe()}): published")


def post_waiting_alerts(warehouse: Path, webhook: AlertWebhook) -> None:
    """Post the alerts a webhook outage left waiting."""
    outcome = deliver_to_webhook(warehouse, webhook, utc_now())
    if outcome.delivered:
        say(f"posted {outcome.delivered} alert(s) that were waiting for the webhook")
    for line in delivery_lines(outcome, webhook.max_age_days):
        say(line, error=True)


def poll_once(watch: FeedWatch) -> str | None:
    """One poll: finish what is unpublished, read the feed, load and publish what is new. When the feed could not
    be read, the poll is recorded and nothing else changes: the returned words say why, for the caller's one line
    (None: the poll read the feed)."""
    warehouse, run_feed = watch.warehouse, watch.run_feed
    state, cursor = writer_and_cursor(warehouse)
    if state.unpublished:
        finish_unpublished(state, run_feed)
    try:
        found, polled_at = poll(watch.client, cursor, poll_deadline_seconds(watch.interval_seconds))
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
    if not state.unpublished and state.alerts_to_post and watch.webhook is not None:
        post_waiting_alerts(warehouse, watch.webhook)
    return None


def keep_watching(watch: FeedWatch, is_last_poll: Callable[[], bool] = lambda: False) -> int:
    """Poll every interval until a poll that `is_last_poll()`, asked before it, said was the last (never, by
    default), or Ctrl-C between polls (130); a failed poll is said in one line and the wait doubles until a poll
    reads the feed again."""
    failures = 0
    while True:
        last = is_last_poll()
        failed = poll_once(watch)
        failures = failures + 1 if failed else 0
        wait = next_wait(watch.interval_seconds, failures)
        if failed:
            then = "" if last else f"; polling again in {wait:.0f} s ({failures} failed poll(s) in a row)"
            say(f"{failed}{then}", error=True)
        if last:
            return 1 if failed else 0
        try:
            time.sleep(wait)
        except KeyboardInterrupt:
            say("stopped between polls; nothing was left half done", error=True)
            return INTERRUPTED_EXIT_STATUS


def next_wait(interval_seconds: float, failures_in_a_row: int) -> float:
    """The interval after a good poll; after failures, doubling from it, at most MAX_FAILURE_BACKOFF_SECONDS (or
    the interval, if longer)."""
    if not failures_in_a_row:
        return interval_seconds
    return min(interval_seconds * 2**failures_in_a_row, max(interval_seconds, MAX_FAILURE_BACKOFF_SECONDS))
