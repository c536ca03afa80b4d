-- reads: batch_accessions, scoped_line_rows
-- writes: securities
-- Add the security titles first seen in the batch's filings (titles never change meaning once classed). A title
-- of an earlier filing was added when that filing was loaded, so only the batch's lines need reading
-- (scoped_line_rows, scoped_lines.sql).
-- A title seen before keeps the smallest accession number of the filings naming it (MIN(accession_number)), so
-- the order in which nights or chunks of a backlog brought its filings does not change the row.
update securities
set first_accession_number = batch_first.first_accession_number
from (
    select security_title, min(accession_number) as first_accession_number
    from scoped_line_rows
    where accession_number in (select accession_number from batch_accessions) and security_title is not null
    group by security_title
) as batch_first
where
    securities.security_title = batch_first.security_title
    and batch_first.first_accession_number < securities.first_accession_number;
insert into securities by name
with titles as (
    select security_title, accession_number from scoped_line_rows
    where accession_number in (select accession_number from batch_accessions)
),

scoped as (
    select
        security_title,
        min(accession_number) as first_accession_number
    from titles
    where security_title is not null and security_title not in (select security_title from securities)
    group by security_title
),

keyed as (
    select
        security_title,
        first_accession_number,
        lower(regexp_replace(trim(security_title), '\s+', ' ', 'g')) as security_key
    from scoped
)

select
    security_title,
    security_key,
    case
        when regexp_matches(security_key, 'restricted stock unit|\brsus?\b|stock units?|performance (share|stock) units?|\bpsus?\b|deferred stock units?') then 'rsu'
        when regexp_matches(security_key, 'option|right to (buy|purchase)|\bsars?\b|stock appreciation right') then 'option'
        when regexp_matches(security_key, 'warrant') then 'warrant'
        when regexp_matches(security_key, 'convertible|\bnotes?\b|debenture') then 'convertible'
        when regexp_matches(security_key, 'preferred|\bpref\b') then 'preferred'
        when regexp_matches(security_key, '\bunits?\b') then 'unit'
        when regexp_matches(security_key, 'common|ordinary|class [a-z]\b|\bshares?\b|\bstock\b|\bads\b|depositary') then 'common'
        else 'other'
    end as security_class,
    upper(nullif(regexp_extract(security_key, 'class ([a-z])\b', 1), '')) as share_class_label,
    first_accession_number
from keyed;
