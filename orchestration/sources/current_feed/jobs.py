"""The intraday job: the filings one poll of the latest-filings feed found, then what follows from any load."""

from orchestration.sources.current_feed.poll import FEED_ASSET, FEED_JOB
from orchestration.sources.load_jobs import load_job

feed_job = load_job(
    FEED_JOB,
    FEED_ASSET,
    description="Load the filings a poll of EDGAR's latest-filings feed found, refresh what they change, publish.",
    kind="feed",
    filing_checks=True,
)
