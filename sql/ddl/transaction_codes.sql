-- grain: one row per transaction code of Forms 4 and 5
-- key: transaction_code
-- Meanings from the Form 4 General Instructions §8 (spec §3.6.9), plus K and V.
create table if not exists transaction_codes (
    transaction_code VARCHAR,
    meaning VARCHAR,
    category VARCHAR,
    is_open_market BOOLEAN
);
