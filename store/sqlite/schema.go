package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ErrNewerSchema is returned by Open for a database that a newer version
// of kefu has migrated: this one does not know its schema.
var ErrNewerSchema = errors.New("the database was written by a newer version of kefu; run that version, or restore a backup made for this one")

// migrations are the schema's versions in order: migrations[i] takes a
// database from version i to i+1, and PRAGMA user_version holds the
// version. Never edit a step that has been released; add one.
//
// Conventions: times are INTEGER unix milliseconds in UTC, 0 for none.
// Lists and maps that are read and written whole are JSON text.
var migrations = []string{
	// 1: everything kefu keeps.
	`
CREATE TABLE sites (
	key             TEXT PRIMARY KEY,
	name            TEXT NOT NULL,
	allowed_origins TEXT NOT NULL, -- JSON array
	identity_secret TEXT NOT NULL,
	widget          TEXT NOT NULL, -- JSON object
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL
) STRICT;

CREATE TABLE agents (
	id            TEXT PRIMARY KEY,
	email         TEXT NOT NULL,
	email_key     TEXT NOT NULL, -- lower-cased, trimmed email
	name          TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	role          TEXT NOT NULL,
	sites         TEXT NOT NULL, -- JSON array of site keys
	totp_secret   TEXT NOT NULL,
	created_at    INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX agents_email ON agents (email_key);

CREATE TABLE visitors (
	id           TEXT PRIMARY KEY,
	site         TEXT NOT NULL,
	user_id      TEXT NOT NULL, -- '' for anonymous visitors
	verified     INTEGER NOT NULL,
	name         TEXT NOT NULL,
	email        TEXT NOT NULL,
	attributes   TEXT NOT NULL, -- JSON object
	created_at   INTEGER NOT NULL,
	last_seen_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX visitors_user ON visitors (site, user_id) WHERE user_id <> '';
CREATE INDEX visitors_site ON visitors (site, id);

CREATE TABLE conversations (
	id               TEXT PRIMARY KEY,
	site             TEXT NOT NULL,
	visitor_id       TEXT NOT NULL,
	kind             TEXT NOT NULL,
	status           TEXT NOT NULL,
	topic            TEXT NOT NULL,
	lang             TEXT NOT NULL,
	page_url         TEXT NOT NULL,
	referrer         TEXT NOT NULL,
	user_agent       TEXT NOT NULL,
	email            TEXT NOT NULL,
	assignee_id      TEXT NOT NULL, -- '' for nobody
	last_seq         INTEGER NOT NULL,
	last_message     TEXT,          -- JSON, NULL until there is one
	last_public      TEXT,          -- JSON, NULL until there is one
	first_reply_at   INTEGER NOT NULL,
	visitor_read_seq INTEGER NOT NULL,
	agent_read_seq   INTEGER NOT NULL,
	rating           INTEGER NOT NULL,
	rating_comment   TEXT NOT NULL,
	created_at       INTEGER NOT NULL,
	updated_at       INTEGER NOT NULL
) STRICT;
-- The rule of one conversation per visitor that is not resolved, and the
-- way to find it.
CREATE UNIQUE INDEX conversations_active ON conversations (site, visitor_id) WHERE status <> 'resolved';
-- The inbox's listings, newest activity first.
CREATE INDEX conversations_site ON conversations (site, updated_at DESC, id DESC);
CREATE INDEX conversations_status ON conversations (site, status, updated_at DESC, id DESC);
CREATE INDEX conversations_status_assignee ON conversations (site, status, assignee_id, updated_at DESC, id DESC);
CREATE INDEX conversations_assignee ON conversations (site, assignee_id, updated_at DESC, id DESC);
CREATE INDEX conversations_visitor ON conversations (site, visitor_id, updated_at DESC, id DESC);

-- Keyed by (conversation_id, seq) and without rowid, so that a
-- conversation's messages sit together in seq order. A message's id is
-- derived from those two (chat.MessageID).
CREATE TABLE messages (
	conversation_id TEXT NOT NULL REFERENCES conversations (id),
	seq             INTEGER NOT NULL,
	site            TEXT NOT NULL,
	client_id       TEXT NOT NULL,
	author_type     TEXT NOT NULL,
	author_id       TEXT NOT NULL,
	author_name     TEXT NOT NULL,
	text            TEXT NOT NULL,
	private         INTEGER NOT NULL,
	created_at      INTEGER NOT NULL,
	PRIMARY KEY (conversation_id, seq)
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX messages_client ON messages (conversation_id, client_id);

CREATE TABLE faq (
	site         TEXT NOT NULL,
	id           TEXT NOT NULL,
	lang         TEXT NOT NULL,
	category     TEXT NOT NULL,
	question     TEXT NOT NULL,
	answer       TEXT NOT NULL,
	alternatives TEXT NOT NULL, -- JSON array
	published    INTEGER NOT NULL,
	ord          INTEGER NOT NULL,
	views        INTEGER NOT NULL,
	solved       INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL,
	PRIMARY KEY (site, id)
) STRICT;
CREATE INDEX faq_order ON faq (site, ord, id);

CREATE TABLE feedback (
	id         TEXT PRIMARY KEY,
	site       TEXT NOT NULL,
	visitor_id TEXT NOT NULL,
	category   TEXT NOT NULL,
	text       TEXT NOT NULL,
	email      TEXT NOT NULL,
	lang       TEXT NOT NULL,
	page_url   TEXT NOT NULL,
	created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX feedback_site ON feedback (site, created_at DESC, id DESC);

CREATE TABLE refresh_tokens (
	hash       TEXT PRIMARY KEY,
	agent_id   TEXT NOT NULL,
	family     TEXT NOT NULL,
	rotated    INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX refresh_tokens_family ON refresh_tokens (family);
-- Retention: expired tokens, idle anonymous visitors, old resolved
-- conversations.
CREATE INDEX refresh_tokens_expiry ON refresh_tokens (expires_at);
CREATE INDEX visitors_idle ON visitors (last_seen_at) WHERE user_id = '';
CREATE INDEX conversations_resolved ON conversations (updated_at, id) WHERE status = 'resolved';
`,
	// 2: a row that Ping rewrites, so that readiness covers writes (a full
	// disk fails writes long before reads).
	`
CREATE TABLE health (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	checked_at INTEGER NOT NULL
) STRICT;
INSERT INTO health (id, checked_at) VALUES (1, 0);
`,
	// 3: when a refresh token was used, for the grace window in which a
	// lost response may be retried; every token of an agent, which a
	// password change revokes; and whether a visitor's name and email were
	// signed.
	`
ALTER TABLE refresh_tokens ADD COLUMN rotated_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX refresh_tokens_agent ON refresh_tokens (agent_id);
ALTER TABLE visitors ADD COLUMN profile_verified INTEGER NOT NULL DEFAULT 0;
`,
	// 4: two-factor enrolment: a secret awaiting its first code, and the
	// hashes of unused recovery codes (a JSON array).
	`
ALTER TABLE agents ADD COLUMN totp_pending TEXT NOT NULL DEFAULT '';
ALTER TABLE agents ADD COLUMN recovery TEXT NOT NULL DEFAULT 'null';
`,
	// 5: disabled agents, and invitations by a one-time link.
	`
ALTER TABLE agents ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agents ADD COLUMN invite_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE agents ADD COLUMN invite_expires INTEGER NOT NULL DEFAULT 0;
CREATE INDEX agents_invite ON agents (invite_hash) WHERE invite_hash <> '';
`,
	// 6: a version that each agent update advances, so that an update
	// made from a stale copy is refused rather than undoing another.
	`
ALTER TABLE agents ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
`,
	// 7: the same for sites, so that a settings patch cannot undo a secret
	// rotation.
	`
ALTER TABLE sites ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
`,
	// 8: what the team made of each piece of feedback: a status (feedback
	// stored before is new), an internal note, and who changed them last
	// and when; and the Feedback page's filters.
	`
ALTER TABLE feedback ADD COLUMN status TEXT NOT NULL DEFAULT 'new';
ALTER TABLE feedback ADD COLUMN note TEXT NOT NULL DEFAULT '';
ALTER TABLE feedback ADD COLUMN updated_by TEXT NOT NULL DEFAULT '';
ALTER TABLE feedback ADD COLUMN updated_by_name TEXT NOT NULL DEFAULT '';
ALTER TABLE feedback ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX feedback_status ON feedback (site, status, created_at DESC, id DESC);
CREATE INDEX feedback_category ON feedback (site, category, created_at DESC, id DESC);
`,
	// 9: a site's policy that its agents log in with two factors.
	`
ALTER TABLE sites ADD COLUMN require_2fa INTEGER NOT NULL DEFAULT 0;
`,
	// 10: the records of files sent in conversations; their content is in
	// the data dir's files folder.
	`
CREATE TABLE attachments (
	site            TEXT NOT NULL,
	id              TEXT NOT NULL,
	conversation_id TEXT NOT NULL,
	uploader_type   TEXT NOT NULL,
	uploader_id     TEXT NOT NULL,
	name            TEXT NOT NULL,
	type            TEXT NOT NULL,
	size            INTEGER NOT NULL,
	blob            TEXT NOT NULL,
	thumb           TEXT NOT NULL,
	thumb_type      TEXT NOT NULL,
	width           INTEGER NOT NULL,
	height          INTEGER NOT NULL,
	created_at      INTEGER NOT NULL,
	PRIMARY KEY (site, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX attachments_conversation ON attachments (site, conversation_id, created_at, id);
`,
	// 11: the files a message carries, as a JSON array of attachment ids
	// ('' for none).
	`
ALTER TABLE messages ADD COLUMN attachments TEXT NOT NULL DEFAULT '';
`,
	// 12: conversation search (see search.go). What a database holds
	// already is indexed once after the migration, in Go, which makes the
	// terms; search_backfill says whether that is done.
	`
CREATE VIRTUAL TABLE search USING fts5(
	terms, conversation_id UNINDEXED,
	tokenize = "unicode61 remove_diacritics 0 tokenchars '_'",
	detail = none
);
CREATE TABLE search_backfill (done INTEGER NOT NULL) STRICT;
INSERT INTO search_backfill VALUES (0);
`,
	// 13: canned replies. A shortcut is taken once per site and language
	// ('' for any language); the same index lists them in order.
	`
CREATE TABLE canned (
	site            TEXT NOT NULL,
	id              TEXT NOT NULL,
	shortcut        TEXT NOT NULL,
	lang            TEXT NOT NULL,
	text            TEXT NOT NULL,
	created_by      TEXT NOT NULL,
	created_at      INTEGER NOT NULL,
	updated_by      TEXT NOT NULL,
	updated_by_name TEXT NOT NULL,
	updated_at      INTEGER NOT NULL,
	PRIMARY KEY (site, id)
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX canned_shortcut ON canned (site, shortcut, lang);
`,
	// 14: which records name a file's content, for the retention pass
	// that deletes content no record names.
	`
CREATE INDEX attachments_blob ON attachments (blob);
CREATE INDEX attachments_thumb ON attachments (thumb);
`,
	// 15: reports (see report.go). When a conversation was resolved (0
	// while it is not; conversations resolved before have none); two
	// indexes that hold every column a report reads, by site and by
	// assignee, so that a report reads no table rows; and the site's FAQ
	// events counted per 15-minute slot.
	`
ALTER TABLE conversations ADD COLUMN resolved_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX conversations_report ON conversations (site, created_at, first_reply_at, resolved_at, rating, status);
CREATE INDEX conversations_report_assignee ON conversations (site, assignee_id, created_at, first_reply_at, resolved_at, rating, status);
CREATE TABLE faq_counts (
	site   TEXT NOT NULL,
	slot   INTEGER NOT NULL, -- the slot's start, unix milliseconds
	views  INTEGER NOT NULL,
	solved INTEGER NOT NULL,
	PRIMARY KEY (site, slot)
) STRICT, WITHOUT ROWID;
`,
	// 16: when agents were emailed that a conversation waits for its first
	// answer (0: not yet), and the index that finds those that wait.
	`
ALTER TABLE conversations ADD COLUMN alerted_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX conversations_unanswered ON conversations (created_at) WHERE status = 'open' AND first_reply_at = 0 AND alerted_at = 0;
`,
	// 17: the activity a system message records (chat.Activity), as a
	// JSON object ('' for a message someone wrote).
	`
ALTER TABLE messages ADD COLUMN event TEXT NOT NULL DEFAULT '';
`,
}

// migrate brings the database's schema to the newest version, in one
// transaction: a database is at one version or the next, never between.
// The version is read inside the write transaction, so two processes
// opening one new database do not both migrate it. It returns the version
// the database had.
func migrate(ctx context.Context, db *sql.DB, steps []string) (from int, err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, mapErr(err, "begin migration", "schema")
	}
	defer tx.Rollback()
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&from); err != nil {
		return 0, mapErr(err, "read schema version", "schema")
	}
	switch {
	case from > len(steps):
		return from, fmt.Errorf("sqlite: schema version %d, this kefu knows up to %d: %w", from, len(steps), ErrNewerSchema)
	case from == len(steps):
		return from, nil
	}
	for v := from; v < len(steps); v++ {
		if _, err := tx.ExecContext(ctx, steps[v]); err != nil {
			return from, mapErr(err, fmt.Sprintf("migrate schema to version %d", v+1), "schema")
		}
	}
	// PRAGMA takes no parameters; the value is a constant of this code.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(steps))); err != nil {
		return from, mapErr(err, "set schema version", "schema")
	}
	if err := tx.Commit(); err != nil {
		return from, mapErr(err, "commit migration", "schema")
	}
	return from, nil
}
