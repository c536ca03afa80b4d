-- The views, macros and reference rows of digest $digest are now written.
delete from schema_objects;
insert into schema_objects values ($digest, $now);
