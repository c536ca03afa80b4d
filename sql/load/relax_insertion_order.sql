-- For one load: a batch's rows go in from every thread in whatever order they finish. Nothing reads the base tables
-- in physical order (every query and check orders or aggregates), and keeping it cost a third of a large load.
set preserve_insertion_order = false;
