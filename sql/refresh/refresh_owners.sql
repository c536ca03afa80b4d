-- reads: batch_owners, filing_owners, filing_status
-- writes: owners
-- Rebuild the name and address history of the scoped owners (batch_owners): consecutive filings that state the
-- same name and address form one interval. Filings of one instant (data set rows have a filing date, not an
-- acceptance time) count once, the last accession's statement: an interval has a length.
delete from owners where owner_cik in (select owner_cik from batch_owners);
insert into owners by name
with stated as (
    select
        filing_owners.owner_cik,
        filing_owners.owner_name,
        filing_owners.street1,
        filing_owners.street2,
        filing_owners.city,
        filing_owners.state,
        filing_owners.zip_code,
        filing_owners.country,
        status.event_time,
        status.accession_number
    from filing_owners
    inner join filing_status as status on status.accession_number = filing_owners.accession_number
    where filing_owners.owner_cik in (select owner_cik from batch_owners)
    qualify
        row_number() over (partition by filing_owners.owner_cik, status.event_time order by status.accession_number desc)
        = 1
),

changes as (
    select
        *,
        coalesce(
            lag(struct_pack(owner_name, street1, street2, city, state, zip_code, country)) over ordered
            is distinct from struct_pack(owner_name, street1, street2, city, state, zip_code, country),
            true
        ) as starts_interval
    from stated
    window ordered as (partition by owner_cik order by event_time, accession_number)
),

starts as (
    select * from changes where starts_interval
)

select
    owner_cik,
    owner_name,
    street1,
    street2,
    city,
    state,
    zip_code,
    country,
    event_time as valid_from,
    lead(event_time) over (partition by owner_cik order by event_time, accession_number) as valid_to,
    accession_number as source_accession_number
from starts;
