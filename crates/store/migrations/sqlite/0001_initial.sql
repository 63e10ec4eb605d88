-- bouncekit schema, version 1.
-- Portable SQL on purpose (INTEGER seconds since the epoch, TEXT, no SQLite-only types)
-- so that the PostgreSQL migrations of a later version differ only in key columns.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Every ingested record, once: `dedupe_key` makes re-ingesting the same bounce or
-- webhook event a no-op.
CREATE TABLE events (
    id             INTEGER PRIMARY KEY,
    dedupe_key     TEXT NOT NULL UNIQUE,
    at             INTEGER NOT NULL,
    ingested_at    INTEGER NOT NULL,
    address        TEXT NOT NULL,
    domain         TEXT NOT NULL,
    scope          TEXT NOT NULL,
    kind           TEXT NOT NULL,
    reason         TEXT NOT NULL,
    status_code    TEXT,
    reply_code     TEXT,
    incident_class INTEGER NOT NULL DEFAULT 0,
    rule           TEXT NOT NULL,
    effects        TEXT NOT NULL,
    origin         TEXT NOT NULL,
    format         TEXT NOT NULL,
    record         TEXT NOT NULL
);
CREATE INDEX events_address ON events (address);
CREATE INDEX events_domain_at ON events (domain, incident_class, at);
CREATE INDEX events_at ON events (at);

-- The suppression list: one row per (address, scope).
CREATE TABLE suppressions (
    id             INTEGER PRIMARY KEY,
    address        TEXT NOT NULL,
    scope          TEXT NOT NULL,
    domain         TEXT NOT NULL,
    kind           TEXT NOT NULL,
    reason         TEXT NOT NULL,
    status_code    TEXT,
    status         TEXT NOT NULL,
    first_seen     INTEGER NOT NULL,
    last_seen      INTEGER NOT NULL,
    count          INTEGER NOT NULL,
    expires_at     INTEGER,
    source         TEXT NOT NULL,
    note           TEXT,
    created_by     TEXT,
    incident_class INTEGER NOT NULL DEFAULT 0,
    updated_at     INTEGER NOT NULL,
    UNIQUE (address, scope)
);
CREATE INDEX suppressions_domain ON suppressions (domain, status);
CREATE INDEX suppressions_expiry ON suppressions (status, expires_at);

-- Counted soft bounces per (address, scope); cleared by a delivery, pruned by cleanup.
CREATE TABLE soft_bounces (
    id       INTEGER PRIMARY KEY,
    address  TEXT NOT NULL,
    scope    TEXT NOT NULL,
    at       INTEGER NOT NULL,
    event_id INTEGER NOT NULL
);
CREATE INDEX soft_bounces_key ON soft_bounces (address, scope, at);
CREATE INDEX soft_bounces_at ON soft_bounces (at);

-- Per domain and day (start of the UTC day), events by kind.
CREATE TABLE domain_stats (
    domain    TEXT NOT NULL,
    day       INTEGER NOT NULL,
    total     INTEGER NOT NULL DEFAULT 0,
    hard      INTEGER NOT NULL DEFAULT 0,
    soft      INTEGER NOT NULL DEFAULT 0,
    block     INTEGER NOT NULL DEFAULT 0,
    complaint INTEGER NOT NULL DEFAULT 0,
    delivered INTEGER NOT NULL DEFAULT 0,
    other     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (domain, day)
);

-- Domain incidents: open (held), dead (DNS proves no mail) or closed.
CREATE TABLE incidents (
    id              INTEGER PRIMARY KEY,
    domain          TEXT NOT NULL,
    state           TEXT NOT NULL,
    opened_at       INTEGER NOT NULL,
    last_failure_at INTEGER NOT NULL,
    closed_at       INTEGER,
    close_cause     TEXT,
    recipients      INTEGER NOT NULL,
    failures        INTEGER NOT NULL,
    released        INTEGER NOT NULL DEFAULT 0,
    dns_verdict     TEXT,
    dns_detail      TEXT,
    dns_checked_at  INTEGER
);
-- At most one incident per domain that is not closed.
CREATE UNIQUE INDEX incidents_current ON incidents (domain) WHERE state <> 'closed';
CREATE INDEX incidents_state ON incidents (state);

-- Sender alerts: one per receiving provider and reason.
CREATE TABLE sender_alerts (
    id              INTEGER PRIMARY KEY,
    provider        TEXT NOT NULL,
    reason          TEXT NOT NULL,
    state           TEXT NOT NULL,
    first_seen      INTEGER NOT NULL,
    last_seen       INTEGER NOT NULL,
    count           INTEGER NOT NULL,
    last_status     TEXT,
    last_diagnostic TEXT,
    last_remote_mta TEXT,
    sample_domain   TEXT,
    UNIQUE (provider, reason)
);

-- Manual changes: who did what, when.
CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    scope   TEXT,
    address TEXT,
    detail  TEXT
);
CREATE INDEX audit_log_address ON audit_log (address);

-- GDPR forget with --keep-tombstone: a salted hash that still suppresses.
CREATE TABLE tombstones (
    hash       TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    created_by TEXT
);
