-- Replace a quarter's reconciliation with the one just computed (batch_reconciliation, registered by the caller).
delete from f345_reconciliation where f345_quarter = $quarter;
insert into f345_reconciliation by name
select *, $quarter as f345_quarter, $now::timestamp as computed_at
from batch_reconciliation;
