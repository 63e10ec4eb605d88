-- What kind of input an event came from (file, stdin, reply, log, webhook, listener,
-- mailbox, api): the `origin` column names the input itself (a path, a mailbox URL, an
-- event id), which is too fine to filter on.
ALTER TABLE events ADD COLUMN source TEXT NOT NULL DEFAULT '';
UPDATE events SET source = COALESCE(json_extract(record, '$.origin.kind'), '');
CREATE INDEX events_source_at ON events (source, at);
