-- grain: one row per poll of EDGAR's latest-filings feed whose run loaded what it found
-- key: polled_at
-- The feed's cursor after each poll: the newest acceptance time seen (New York, as EDGAR states it) and the
-- accessions accepted in that second. The next poll reads the feed back to the latest one. gap_since is the cursor
-- the feed no longer reached (it holds about a day): filings accepted between it and the feed's oldest entry come
-- from the nightly's daily index instead.
create table if not exists feed_polls (
    polled_at TIMESTAMP,
    cursor_accepted_at TIMESTAMP,
    cursor_accessions VARCHAR[],
    filings INTEGER,
    gap_since TIMESTAMP
);
