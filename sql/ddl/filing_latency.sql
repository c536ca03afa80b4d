-- grain: one row per filing first seen in EDGAR's latest-filings feed
-- key: accession_number
-- How fresh the warehouse is, measured by itself: when EDGAR accepted the filing (New York wall clock, as EDGAR
-- states it, and in UTC), and in UTC when a poll first saw it in the feed, when a run loaded it and when the read
-- copy first held it. A filing the nightly loaded without the feed has no row here. folder_cik is the CIK its
-- submission's path is under: a filing the feed listed before EDGAR's Archives served it is fetched again from
-- there by the next feed run.
create table if not exists filing_latency (
    accession_number VARCHAR,
    accepted_at TIMESTAMP,
    accepted_at_utc TIMESTAMP,
    first_seen_at TIMESTAMP,
    loaded_at TIMESTAMP,
    published_at TIMESTAMP,
    folder_cik BIGINT
);
