-- grain: one row per issuer whose filings the last model refresh touched
-- key: issuer_cik
-- Pipeline state, not an analytics table: the SQL models and position checks that run after the refresh
-- recompute and verify these issuers only, so a nightly run costs what its day brings, not what the warehouse holds.
create table if not exists model_scope (
    issuer_cik BIGINT
);
