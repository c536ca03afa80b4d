-- grain: one row per poll of EDGAR's latest-filings feed that loaded what it found, or could not read the feed
-- key: polled_at
-- The feed's cursor after each poll: the newest acceptance time seen (New York, as EDGAR states it) and the
-- accessions accepted in that second. The next poll reads the feed back to the latest good one. gap_since is the
-- cursor the feed no longer reached (it holds about a day): filings accepted between it and the feed's oldest entry
-- come from the nightly's daily index instead. failure says why a poll could not read the feed (down, too slow,
-- an answer that is not the feed: `reason: detail`); such a poll has no cursor and loaded nothing.
create table if not exists feed_polls (
    polled_at TIMESTAMP,
    cursor_accepted_at TIMESTAMP,
    cursor_accessions VARCHAR[],
    filings INTEGER,
    gap_since TIMESTAMP,
    failure VARCHAR
);
