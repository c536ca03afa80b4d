-- grain: one row per alert: a screen's firing (sql/models/alert_*.sql), kept for good
-- key: alert_key
-- A firing fires once: its key (the rule and what the screen keys it by, the filing an amendment restates) stays
-- while the filing, line or value it names change; such a change is a new revision, its value before kept in
-- previous_value. A firing the screens no longer find (an amendment took the purchase back below the line) is
-- withdrawn, not deleted. first_published_at is when the read copy first held the alert, revision_published_at when
-- it first held this revision.
create table if not exists alerts (
    alert_key VARCHAR,
    rule VARCHAR,
    issuer_cik BIGINT,
    issuer_name VARCHAR,
    issuer_trading_symbol VARCHAR,
    owner_group_key VARCHAR,
    owner_names VARCHAR,
    accession_number VARCHAR,
    table_kind VARCHAR,
    line_number INTEGER,
    event_date DATE,
    value DECIMAL(38, 6),
    detail VARCHAR,
    filing_date DATE,
    revision INTEGER,
    previous_value DECIMAL(38, 6),
    fired_at TIMESTAMP,
    revised_at TIMESTAMP,
    withdrawn_at TIMESTAMP,
    first_published_at TIMESTAMP,
    revision_published_at TIMESTAMP
);
