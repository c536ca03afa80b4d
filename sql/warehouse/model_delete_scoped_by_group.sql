-- A SQL model keyed by owner group (`-- scope: group`), brought up to date, step 1: the rows of the groups in scope
-- go. The table name is the model's file stem (checked to be a plain identifier: a table name cannot be bound).
-- Every group in scope is one of an issuer in scope (model_scope): the issuer filter changes no row and is the
-- cheaper test.
delete from __model_table__
where
    issuer_cik in (select issuer_cik from model_scope)
    and (issuer_cik, owner_group_key) in (select issuer_cik, owner_group_key from model_scope_groups)
