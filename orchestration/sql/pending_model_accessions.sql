-- One row per filing loaded, reloaded or failed to parse since the model was last refreshed for it (by this run's
-- load, or by an earlier run stopped before its refresh): what the model refresh has to bring up to date, with the
-- issuer the load recorded for it (NULL when none, e.g. a filing that failed to parse), to refresh by issuer.
select pending.accession_number, parties.issuer_cik
from model_pending as pending
left join (
    select accession_number, min(cik) as issuer_cik
    from load_scope_parties
    where role = 'issuer'
    group by accession_number
) as parties on parties.accession_number = pending.accession_number
order by pending.accession_number
