-- asset: issuers
-- severity: error
-- One row per (issuer_cik, valid_from) repeated in issuers (expected: none); the last refresh's issuers only.
select issuer_cik, valid_from, count(*) as copies
from issuers
where issuer_cik in (select issuer_cik from model_scope)
group by issuer_cik, valid_from
having count(*) > 1
