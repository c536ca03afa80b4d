-- grain: one row per issuer and model refresh since the last publish that changed its transaction lines
-- key: none (the models read the earliest changed_from per issuer)
-- Pipeline state, not an analytics table: the earliest transaction date whose lines (or their amendment status)
-- the refresh changed. SQL models over windows of days or months (`-- scope: date`) recompute an issuer's rows
-- from there on, not its whole history; '-infinity' when the refresh cannot tell (a reloaded filing's old lines
-- are gone, dates and all).
create table if not exists model_scope_days (
    issuer_cik BIGINT,
    changed_from DATE
);
