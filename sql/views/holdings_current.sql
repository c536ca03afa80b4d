-- grain: one row per holding line not restated by a later amendment, with its filing's issuer and owner group
create or replace view holdings_current as
select
    holdings.*,
    status.issuer_cik,
    status.owner_group_key,
    status.owner_ciks,
    status.event_time,
    status.form_type
from holdings
inner join filing_status as status on status.accession_number = holdings.accession_number
where status.holdings_superseded_by is null;
