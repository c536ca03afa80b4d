-- grain: one row per calendar day from 2003-06-30 to a year after the last run
-- key: day
-- EDGAR closes on every federal holiday (even when markets trade) and on special closures such as national days
-- of mourning; business_day_number counts EDGAR business days, so a lag in business days is a subtraction.
create table if not exists calendar (
    day DATE,
    is_business_day BOOLEAN,
    closure_reason VARCHAR,
    business_day_number INTEGER
);
