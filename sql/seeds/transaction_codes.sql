-- The SEC's transaction codes (Form 4 General Instructions §8; ownership XML spec §3.6.9, plus K and V).
delete from transaction_codes;
insert into transaction_codes (transaction_code, meaning, category, is_open_market) values
    ('P', 'Open market or private purchase of non-derivative or derivative security', 'open_market_purchase', true),
    ('S', 'Open market or private sale of non-derivative or derivative security', 'open_market_sale', true),
    ('V', 'Transaction voluntarily reported earlier than required', 'voluntary_report', false),
    ('A', 'Grant, award or other acquisition pursuant to Rule 16b-3(d)', 'grant', false),
    ('D', 'Disposition to the issuer of issuer equity securities pursuant to Rule 16b-3(e)', 'disposition_to_issuer', false),
    ('F', 'Payment of exercise price or tax liability by delivering or withholding securities incident to the receipt, exercise or vesting of a security issued in accordance with Rule 16b-3', 'tax_withholding', false),
    ('I', 'Discretionary transaction in accordance with Rule 16b-3(f) resulting in acquisition or disposition of issuer securities', 'discretionary', false),
    ('M', 'Exercise or conversion of derivative security exempted pursuant to Rule 16b-3', 'exercise', false),
    ('C', 'Conversion of derivative security', 'conversion', false),
    ('E', 'Expiration of short derivative position', 'expiration', false),
    ('H', 'Expiration (or cancellation) of long derivative position with value received', 'expiration', false),
    ('O', 'Exercise of out-of-the-money derivative security', 'exercise', false),
    ('X', 'Exercise of in-the-money or at-the-money derivative security', 'exercise', false),
    ('G', 'Bona fide gift', 'gift', false),
    ('L', 'Small acquisition under Rule 16a-6', 'small_acquisition', false),
    ('W', 'Acquisition or disposition by will or the laws of descent and distribution', 'inheritance', false),
    ('Z', 'Deposit into or withdrawal from voting trust', 'voting_trust', false),
    ('J', 'Other acquisition or disposition (describe transaction)', 'other', false),
    ('K', 'Transaction in equity swap or instrument with similar characteristics', 'equity_swap', false),
    ('U', 'Disposition pursuant to a tender of shares in a change of control transaction', 'tender', false);
