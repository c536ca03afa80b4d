-- One row per (issuer_cik, valid_from) repeated in issuers (expected: none).
select issuer_cik, valid_from, count(*) as copies
from issuers
group by issuer_cik, valid_from
having count(*) > 1
