-- The range of amounts the SQL models compute with: |amount| < 10^13 (shares, prices, dollar values).
-- A filing may state any figure that fits DECIMAL(38, 6), and the filing tables keep it exactly; arithmetic on
-- such figures (shares × price, 100 × shares, sums over vehicles and windows) would overflow DECIMAL and stop the
-- whole run. Real filings stay far below: the largest share counts are about 10^11, the largest prices about 10^6.
-- Below the bound, a product of two amounts is < 10^26 (DECIMAL(38, 12) holds it) and a sum of up to a million
-- products stays < 10^32 (DECIMAL(38, 6)). Beyond it the models use NULL and flag the row
-- (flag_amount_out_of_range), never a wrong number.
-- The bound is a DECIMAL: against a DOUBLE 1e13 the figure would be rounded first (9999999999999.999999 to 1e13).
create or replace macro model_amount(amount) as
case when abs(amount) < cast('10000000000000' as decimal(38, 6)) then amount end;
create or replace macro out_of_model_range(amount) as
coalesce(abs(amount) >= cast('10000000000000' as decimal(38, 6)), false);
