-- grain: one row per Schedule 13D or 13G filed in XML, with its holder chain and the chain's headline figure
-- five_percent_holders_as_of(date) reads it on a date.
-- A chain is one filer's statements on one issuer (the FILED BY company, following its amendments). Its headline is
-- the largest aggregate amount any reporting person of the filing states, with that person's percent of class: the
-- persons of one filing overlap (a parent reports its funds' shares, a manager its clients'), so the largest is the
-- holding and a sum would count shares twice; every person's own figures stay in schedule13_persons. A statement
-- without cover figures carries the chain's last ones forward (carried_forward). A statement of 5% or less (item 5,
-- or a percent of class at or under 5, or no shares) is the chain's exit: it closes the position.
-- schedule13_chains_of(issuer := …) is the same for one issuer, read from that issuer's filings alone.
create or replace macro schedule13_chains_of(issuer := null) as table
with issuer_filings as materialized (
    select *
    from schedule13_filings
    where not header_only and (issuer is null or coalesce(issuer_cik, subject_cik) = issuer)
),

ranked_persons as (
    select
        accession_number,
        person_position,
        person_name,
        person_cik,
        aggregate_amount,
        percent_of_class,
        row_number() over (
            partition by accession_number order by aggregate_amount desc nulls last, person_position
        ) as rank_in_filing
    from schedule13_persons
    where issuer is null or accession_number in (select accession_number from issuer_filings)
),

statements as (
    select
        filings.accession_number,
        coalesce(filings.issuer_cik, filings.subject_cik) as issuer_cik,
        coalesce(filings.filer_cik, headline.person_cik) as holder_cik,
        coalesce(filings.filer_name, headline.person_name) as holder_name,
        filings.schedule,
        filings.form_type,
        filings.is_amendment,
        filings.acceptance_datetime,
        filings.filing_date,
        coalesce(filings.event_date, filings.filing_date) as as_of_date,
        filings.class_title,
        headline.person_position as headline_person_position,
        headline.aggregate_amount as stated_amount,
        headline.percent_of_class as stated_percent,
        filings.five_percent_or_less
    from issuer_filings as filings
    left join ranked_persons as headline
        on headline.accession_number = filings.accession_number and headline.rank_in_filing = 1
),

chained as (
    select
        *,
        stated_amount is null and stated_percent is null as carried_forward,
        -- the last figures the chain stated, this statement's own when it states any
        last_value(stated_amount ignore nulls) over chain as headline_amount,
        last_value(stated_percent ignore nulls) over chain as headline_percent,
        row_number() over chain as chain_position,
        lead(as_of_date) over (
            partition by issuer_cik, holder_cik order by as_of_date, acceptance_datetime, accession_number
        ) as valid_to
    from statements
    window chain as (
        partition by issuer_cik, holder_cik
        order by as_of_date, acceptance_datetime, accession_number
        rows between unbounded preceding and current row
    )
)

select
    accession_number,
    issuer_cik,
    holder_cik,
    holder_name,
    schedule,
    form_type,
    is_amendment,
    acceptance_datetime,
    filing_date,
    as_of_date as valid_from,
    valid_to,
    chain_position,
    class_title,
    headline_person_position,
    headline_amount,
    headline_percent,
    carried_forward,
    coalesce(five_percent_or_less, false)
    or coalesce(headline_percent <= 5, false)
    or coalesce(headline_amount = 0, false) as is_exit,
    exists (
        select 1
        from filing_owners
        where filing_owners.owner_cik = chained.holder_cik and filing_owners.filing_issuer_cik = chained.issuer_cik
    ) as files_forms_345
from chained;

create or replace view schedule13_chains as
select * from schedule13_chains_of();

-- grain: one row per holder chain holding more than 5% on date `as_of` (its statement in force then, not an exit),
-- optionally for one issuer.
-- Usage: from five_percent_holders_as_of(date '2026-01-31') / five_percent_holders_as_of(date '2026-01-31', issuer := 1083301)
create or replace macro five_percent_holders_as_of(as_of, issuer := null) as table
select *
from schedule13_chains_of(issuer := issuer)
where valid_from <= as_of and (valid_to is null or valid_to > as_of) and not is_exit;
