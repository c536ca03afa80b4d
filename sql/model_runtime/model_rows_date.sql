-- Rows of a model over windows of days or months (`-- scope: date <expression>`) that may have changed: an
-- issuer's rows whose expression (the last day the row's window reads) falls on or after the earliest
-- transaction date the refreshes changed for that issuer (model_date_scope, from model_scope_days); the
-- expression is the one the model declares, and names none of model_date_scope's columns.
issuer_cik in (select issuer_cik from model_chunk)
and issuer_cik in (select date_scope_issuer from model_date_scope where date_scope_from <= __model_date__)
