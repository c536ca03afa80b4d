-- A SQL model keyed by owner group (`-- scope: group`), brought up to date, step 2: the rows of the groups in scope,
-- from the model's SELECT. A group's rows follow from its own lines, positions and ownership totals, which the
-- model refresh rebuilds for exactly these groups.
insert into __model_table__ by name
select * from (__model_select__) as model
where
    model.issuer_cik in (select issuer_cik from model_scope)
    and (model.issuer_cik, model.owner_group_key) in (select issuer_cik, owner_group_key from model_scope_groups)
