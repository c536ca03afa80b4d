-- grain: one row per (issuer, owner group, non-derivative security) and validity interval
-- key: issuer_cik, owner_group_key, security_key, valid_from
-- Totals across the group's vehicles of that security: held directly, indirectly (trusts, spouse, funds …), both.
create table if not exists beneficial_ownership (
    issuer_cik BIGINT,
    owner_group_key VARCHAR,
    owner_ciks BIGINT[],
    security_key VARCHAR,
    valid_from DATE,
    valid_to DATE,
    direct_shares DECIMAL(38, 6),
    indirect_shares DECIMAL(38, 6),
    total_shares DECIMAL(38, 6),
    vehicles INTEGER,
    -- a vehicle's filed figure is beyond the models' range (sql/views/model_amounts.sql): the totals are NULL
    flag_amount_out_of_range BOOLEAN
);
