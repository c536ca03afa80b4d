"""How often a failed filing is retried before it is quarantined, and how many retries one run takes on."""

# A filing failing this many runs is quarantined: kept in ingest_failures, no longer retried automatically.
MAX_ATTEMPTS = 5
# Earlier days' failures retried per run, so a long outage cannot make one nightly run unbounded.
MAX_RETRIES_PER_RUN = 1000
