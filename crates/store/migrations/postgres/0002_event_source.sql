-- What kind of input an event came from (file, stdin, reply, log, webhook, listener,
-- mailbox, api): the `origin` column names the input itself (a path, a mailbox URL, an
-- event id), which is too fine to filter on. (As migrations/sqlite/0002_event_source.sql.)
ALTER TABLE events ADD COLUMN source TEXT NOT NULL DEFAULT '';
UPDATE events SET source = COALESCE(CAST(record AS jsonb) #>> '{origin,kind}', '');
CREATE INDEX events_source_at ON events (source, at);
