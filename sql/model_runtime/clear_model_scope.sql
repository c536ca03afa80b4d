-- Before publishing: every SQL model is up to date for the issuers in scope (publishing depends on them all).
delete from model_scope;
delete from model_scope_filings;
delete from model_scope_groups;
delete from model_scope_days;
