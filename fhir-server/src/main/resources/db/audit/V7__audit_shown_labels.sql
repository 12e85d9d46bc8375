-- ADR 0021: the security labels on the resources an event names, ",label,label," (sorted; "," for
-- none; NULL for events written before this column). An event is shown only to readers who may see
-- every one of them, so that a parent reading a teenager's access log does not learn of confidential
-- data through what the teenager's own apps read.
-- Portable SQL: PostgreSQL and H2 2.x.
ALTER TABLE portico_audit_log ADD COLUMN shown_labels VARCHAR;
