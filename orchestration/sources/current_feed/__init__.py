"""EDGAR's latest-filings feed: the day as it happens, minutes after EDGAR accepts a filing.

A poll (poll.py, transforms/current_feed.py) reads the feed back to the cursor the warehouse or the sensor keeps;
the run it requests loads the new filings through the nightly's own fetch → archive → parse path (`feed_filings`),
refreshes what they change and publishes. The `current_filings` sensor polls every minute under `make dev`;
`insider-warehouse watch` does the same in the foreground. The nightly stays the authority: what the feed missed
comes from the daily index.
"""

from orchestration.sources.current_feed.assets import feed_filings
from orchestration.sources.current_feed.jobs import feed_job
from orchestration.sources.current_feed.sensor import current_filings

ASSETS = [feed_filings]
JOBS = [feed_job]
SCHEDULES: list = []
SENSORS = [current_filings]
# Assets that load the filing tables outside the nightly's own step: the model's tables are fed by them too.
FILING_TABLE_LOADERS: list[str] = []
