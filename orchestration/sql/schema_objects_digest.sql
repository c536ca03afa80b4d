-- The digest of the views, macros and reference rows last written (none: never).
select max(digest) from schema_objects
