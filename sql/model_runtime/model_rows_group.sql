-- Rows of a model keyed by owner group (`-- scope: group`) that may have changed: a group's rows follow from its
-- own lines, positions and ownership totals, which the model refresh rebuilds for exactly these groups.
-- Every group in scope is one of an issuer in scope: the issuer test changes no row and is the cheaper one.
issuer_cik in (select issuer_cik from model_chunk)
and (issuer_cik, owner_group_key) in (select issuer_cik, owner_group_key from model_scope_groups)
