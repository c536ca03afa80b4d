-- grain: one row per transaction line not restated by a later amendment, with its filing's issuer and owner group
create or replace view transactions_current as
select
    transactions.*,
    status.issuer_cik,
    status.owner_group_key,
    status.owner_ciks,
    status.event_time,
    status.form_type
from transactions
inner join filing_status as status on status.accession_number = transactions.accession_number
where status.transactions_superseded_by is null;
