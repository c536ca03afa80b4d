-- reads: batch_accessions, model_scope_filings, refreshed_status, status_before_refresh
-- writes: model_scope_filings, refresh_changed_filings
-- The filings whose line-level derived rows may change: the batch's own, and every filing whose filing_status row
-- the refresh added, removed or changed (status_before_refresh against refreshed_status). Added to, not replaced,
-- until published_warehouse clears them (as model_scope), so a run stopped before its SQL models leaves them for
-- the next; this refresh's own stay in refresh_changed_filings for date_scope.sql.
create or replace temp table refresh_changed_filings as
select distinct accession_number
from (
    select accession_number from batch_accessions
    union all
    select accession_number from (
        select * from status_before_refresh
        except
        select * from refreshed_status
    )
    union all
    select accession_number from (
        select * from refreshed_status
        except
        select * from status_before_refresh
    )
);
insert into model_scope_filings
select accession_number from refresh_changed_filings
where accession_number not in (select accession_number from model_scope_filings);
