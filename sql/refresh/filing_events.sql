-- reads: refreshed_status, scoped_filing_facts
-- writes: filing_events
-- One row per filing of the batch's owner groups whose holdings no amendment restated: its form, acceptance time
-- and the date its holdings speak for (period of report, else filing date). transforms/vehicles.py picks the
-- statements of holdings among them (a Form 3 lists every holding: what it does not list is closed).
create or replace temp table filing_events as
select
    facts.accession_number,
    facts.issuer_cik,
    facts.owner_group_key,
    facts.form_type,
    status.event_time,
    coalesce(facts.period_of_report, facts.filing_date) as event_date
from scoped_filing_facts as facts
inner join refreshed_status as status on status.accession_number = facts.accession_number
where status.holdings_superseded_by is null;
