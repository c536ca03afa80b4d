-- grain: one row per distinct security title as filed
-- key: security_title
-- security_key is the title with case and spacing normalized: the key positions use.
create table if not exists securities (
    security_title VARCHAR,
    security_key VARCHAR,
    security_class VARCHAR,
    share_class_label VARCHAR,
    first_accession_number VARCHAR
);
