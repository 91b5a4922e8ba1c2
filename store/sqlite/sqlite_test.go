package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/store/storetest"
)

// mustOpen opens a store in dir, closed when the test ends.
func mustOpen(t testing.TB, dir string, cfg Config) *Store {
	t.Helper()
	cfg.DataDir = dir
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

func TestContract(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"grouped", Config{}},
		{"alone", Config{MaxBatch: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Run(t, storetest.Backend{
				Open: func(t *testing.T) chat.Store { return mustOpen(t, t.TempDir(), tc.cfg) },
				OpenTwo: func(t *testing.T) (chat.Store, chat.Store) {
					dir := t.TempDir()
					return mustOpen(t, dir, tc.cfg), mustOpen(t, dir, tc.cfg)
				},
			})
		})
	}
}

func TestFileModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	s := mustOpen(t, dir, Config{})
	ctx := context.Background()
	if err := s.CreateSite(ctx, &chat.Site{Key: "acme"}); err != nil {
		t.Fatal(err)
	}
	check := func(path string, want fs.FileMode) {
		t.Helper()
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s: mode %v, want %v", filepath.Base(path), got, want)
		}
	}
	check(dir, 0o700)
	db := filepath.Join(dir, DBFile)
	for _, p := range []string{db, db + "-wal", db + "-shm"} {
		check(p, 0o600)
	}

	// A data dir and file that exist with wider modes are narrowed.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{db, db + "-wal", db + "-shm"} {
		if err := os.Chmod(p, 0o644); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	mustOpen(t, dir, Config{})
	check(dir, 0o700)
	check(db, 0o600)
}

func TestRefusesFerretDBDataDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "kefu.sqlite"), []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(context.Background(), Config{DataDir: dir})
	if !errors.Is(err, ErrFerretDBData) {
		t.Fatalf("Open = %v, want ErrFerretDBData", err)
	}
	for _, want := range []string{"FerretDB", "move that data dir aside or delete it"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, DBFile)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open created %s next to the old database: %v", DBFile, err)
	}
}

func TestReopenKeepsData(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s, err := Open(ctx, Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	c := &chat.Conversation{Site: "acme", VisitorID: "v1", CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := s.CreateConversation(ctx, c); err != nil {
		t.Fatal(err)
	}
	m := &chat.Message{Site: "acme", ConversationID: c.ID, ClientID: "c1", Text: "你好", CreatedAt: time.Now()}
	if _, err := s.AppendMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = mustOpen(t, dir, Config{})
	got, err := s.Conversation(ctx, "acme", c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.LastSeq != 1 || got.Last == nil || got.Last.Text != "你好" {
		t.Errorf("after reopening: %+v", got)
	}
	m2 := &chat.Message{Site: "acme", ConversationID: c.ID, ClientID: "c2", Text: "again", CreatedAt: time.Now()}
	if _, err := s.AppendMessage(ctx, m2); err != nil || m2.Seq != 2 {
		t.Errorf("append after reopening: seq %d, %v", m2.Seq, err)
	}
}

func TestRefusesNewerSchema(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(context.Background(), Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.Exec(fmt.Sprintf("PRAGMA user_version = %d", len(migrations)+1)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = Open(context.Background(), Config{DataDir: dir})
	if !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("Open = %v, want ErrNewerSchema", err)
	}
}

// Version 8 gives feedback a status: feedback stored at version 7 is new,
// and can then be changed.
func TestMigrationGivesOldFeedbackAStatus(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, DBFile))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := migrate(ctx, db, migrations[:7]); err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(`INSERT INTO feedback (id, site, visitor_id, category, text, email, lang, page_url, created_at)
		VALUES ('old', 'acme', 'v1', 'bug', 'from version 7', '', 'en', '', 1000)`)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s := mustOpen(t, dir, Config{})
	f, err := s.Feedback(ctx, "acme", "old")
	if err != nil {
		t.Fatal(err)
	}
	if f.Status != chat.FeedbackNew || f.Note != "" || !f.UpdatedAt.IsZero() || f.Text != "from version 7" {
		t.Errorf("migrated feedback = %+v, want status new and no note", f)
	}
	list, err := s.ListFeedback(ctx, chat.FeedbackFilter{Site: "acme", Status: chat.FeedbackNew})
	if err != nil || len(list) != 1 {
		t.Errorf("new feedback after the migration: %v, %v", list, err)
	}
	note := "seen"
	f, err = s.UpdateFeedback(ctx, "acme", "old", chat.FeedbackUpdate{Status: chat.FeedbackPlanned, Note: &note, By: "ann", At: time.Now()})
	if err != nil || f.Status != chat.FeedbackPlanned || f.Note != note {
		t.Errorf("update after the migration: %+v, %v", f, err)
	}
}

// The hot queries are answered from an index, in the order asked for:
// no full scan of a table and no sort of its rows.
func TestQueriesUseIndexes(t *testing.T) {
	s := mustOpen(t, t.TempDir(), Config{})
	list := func(f chat.ConversationFilter) (string, []any) {
		f.Site = "acme"
		return listQuery(f, 50)
	}
	at := time.Now()
	type query struct {
		sql  string
		args []any
	}
	q := func(sql string, args ...any) query { return query{sql, args} }
	ql := func(sql string, args []any) query { return query{sql, args} }
	tests := []struct {
		name string
		query
	}{
		{"inbox by status", ql(list(chat.ConversationFilter{Status: chat.StatusOpen}))},
		{"inbox by status and assignee", ql(list(chat.ConversationFilter{Status: chat.StatusOpen, AssigneeID: "ann"}))},
		{"inbox by status, unassigned", ql(list(chat.ConversationFilter{Status: chat.StatusOpen, AssigneeID: chat.Unassigned}))},
		{"inbox by assignee", ql(list(chat.ConversationFilter{AssigneeID: "ann"}))},
		{"inbox page", ql(list(chat.ConversationFilter{Status: chat.StatusOpen, Before: at, BeforeID: "x"}))},
		{"whole site", ql(list(chat.ConversationFilter{}))},
		{"whole site page", ql(list(chat.ConversationFilter{Before: at}))},
		{"visitor history", ql(list(chat.ConversationFilter{VisitorID: "v1"}))},
		{"active conversation", q(`SELECT id FROM conversations WHERE site = ? AND visitor_id = ? AND status <> 'resolved'`, "acme", "v1")},
		{"messages after", q(messagesAfter, "c", 5, 200)},
		{"messages before", q(messagesBefore, "c", 5, 200)},
		{"message by client id", q(`SELECT text FROM messages WHERE conversation_id = ? AND client_id = ?`, "c", "x")},
		{"faq", q(`SELECT id FROM faq WHERE site = ? ORDER BY ord, id LIMIT 500`, "acme")},
		{"faq page", q(`SELECT id FROM faq WHERE site = ? AND (ord, id) > (?, ?) ORDER BY ord, id LIMIT 500`, "acme", 3, "x")},
		{"canned replies", q(`SELECT id FROM canned WHERE site = ? ORDER BY shortcut, lang, id LIMIT 500`, "acme")},
		{"sites page", q(`SELECT key FROM sites WHERE key > ? ORDER BY key LIMIT 500`, "x")},
		{"agent by invite", q(`SELECT id FROM agents WHERE invite_hash = ? AND invite_hash <> ''`, "h")},
		{"feedback", q(`SELECT id FROM feedback WHERE site = ? ORDER BY created_at DESC, id DESC LIMIT 50`, "acme")},
		{"token family", q(`DELETE FROM refresh_tokens WHERE family = ?`, "f")},
		{"visitor by user id", q(`SELECT id FROM visitors WHERE site = ? AND user_id = ? AND user_id <> ''`, "acme", "u1")},
		{"feedback page", q(`SELECT id FROM feedback WHERE site = ? AND (created_at, id) < (?, ?)
			ORDER BY created_at DESC, id DESC LIMIT 50`, "acme", 5, "x")},
		{"feedback by status", q(`SELECT id FROM feedback WHERE site = ? AND status = ? AND (created_at, id) < (?, ?)
			ORDER BY created_at DESC, id DESC LIMIT 50`, "acme", "new", 5, "x")},
		{"feedback by category", q(`SELECT id FROM feedback WHERE site = ? AND category = ? AND (created_at, id) < (?, ?)
			ORDER BY created_at DESC, id DESC LIMIT 50`, "acme", "bug", 5, "x")},
		{"feedback by status and category", q(`SELECT id FROM feedback WHERE site = ? AND status = ? AND category = ? AND (created_at, id) < (?, ?)
			ORDER BY created_at DESC, id DESC LIMIT 50`, "acme", "new", "bug", 5, "x")},
		{"visitors page", q(`SELECT id FROM visitors WHERE site = ? AND id > ? ORDER BY id LIMIT 200`, "acme", "x")},
		{"expired tokens", q(`DELETE FROM refresh_tokens WHERE expires_at < ?`, 5)},
		{"idle visitors", q(`SELECT v.id FROM visitors v WHERE v.user_id = '' AND v.last_seen_at < ?
			AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.visitor_id = v.id AND c.site = v.site) LIMIT 500`, 5)},
		{"old resolved conversations", q(`SELECT id FROM conversations WHERE status = 'resolved' AND updated_at < ?
			ORDER BY updated_at, id LIMIT 500`, 5)},
		{"report", q(reportRowsQuery, "acme", 1, 2)},
		{"report of an agent", q(reportRowsAssigneeQuery, "acme", "ann", 1, 2)},
		{"faq counts", q(`SELECT sum(views) FROM faq_counts WHERE site = ? AND slot >= ? AND slot < ?`, "acme", 1, 2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := queryPlan(t, s.w, tt.sql, tt.args...)
			t.Logf("%s: %s", tt.name, plan)
			if !strings.Contains(plan, "USING") || strings.Contains(plan, "TEMP B-TREE") || hasFullScan(plan) {
				t.Errorf("plan of %s:\n%s", tt.name, plan)
			}
		})
	}
}

// hasFullScan reports a line that reads a whole table: "SCAN t" without
// an index. (SQLite says "SCAN t USING INDEX i" for an ordered walk of an
// index, which the LIMIT ends.)
func hasFullScan(plan string) bool {
	for _, line := range strings.Split(plan, "\n") {
		if strings.Contains(line, "SCAN ") && !strings.Contains(line, "USING") {
			return true
		}
	}
	return false
}

func queryPlan(t *testing.T, db *sql.DB, query string, args ...any) string {
	t.Helper()
	rows, err := db.Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}

// One failing append of a batch fails alone; the others of the same
// commit are stored.
func TestBatchIsolatesFailures(t *testing.T) {
	s := mustOpen(t, t.TempDir(), Config{})
	ctx := context.Background()
	c := &chat.Conversation{Site: "acme", VisitorID: "v1", CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := s.CreateConversation(ctx, c); err != nil {
		t.Fatal(err)
	}
	good := func(i int) *appendReq {
		return &appendReq{ctx: ctx, done: make(chan appendResult, 1), msg: chat.Message{
			Site: "acme", ConversationID: c.ID, ClientID: fmt.Sprint("c", i), CreatedAt: time.Now()}}
	}
	bad := &appendReq{ctx: ctx, done: make(chan appendResult, 1), msg: chat.Message{
		Site: "acme", ConversationID: "missing", ClientID: "x", CreatedAt: time.Now()}}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	gaveUp := good(99)
	gaveUp.ctx = cancelled
	batch := []*appendReq{good(1), bad, good(2), gaveUp, good(1)}
	s.commitBatch(batch)

	res := make([]appendResult, len(batch))
	for i, r := range batch {
		res[i] = <-r.done
	}
	if res[0].err != nil || res[0].msg.Seq != 1 || res[2].err != nil || res[2].msg.Seq != 2 {
		t.Errorf("good appends: %+v, %+v", res[0], res[2])
	}
	if !chat.IsCode(res[1].err, chat.CodeNotFound) {
		t.Errorf("append to a missing conversation: %v", res[1].err)
	}
	if !chat.IsCode(res[3].err, chat.CodeUnavailable) {
		t.Errorf("append whose caller gave up: %v", res[3].err)
	}
	if res[4].err != nil || !res[4].dup || res[4].msg.Seq != 1 {
		t.Errorf("resend within the batch: %+v", res[4])
	}
	msgs, err := s.Messages(ctx, "acme", c.ID, 0, 10)
	if err != nil || len(msgs) != 2 {
		t.Fatalf("stored %d messages (%v), want 2", len(msgs), err)
	}
}

// Appends racing Close either succeed or fail cleanly; none hangs.
func TestCloseWhileAppending(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s, err := Open(ctx, Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	c := &chat.Conversation{Site: "acme", VisitorID: "v1", CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := s.CreateConversation(ctx, c); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				m := &chat.Message{Site: "acme", ConversationID: c.ID, ClientID: fmt.Sprintf("g%d-%d", g, i), CreatedAt: time.Now()}
				if _, err := s.AppendMessage(ctx, m); err != nil {
					return
				}
			}
		})
	}
	time.Sleep(5 * time.Millisecond)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	_, err = s.AppendMessage(ctx, &chat.Message{Site: "acme", ConversationID: c.ID, ClientID: "late", CreatedAt: time.Now()})
	if !chat.IsCode(err, chat.CodeUnavailable) {
		t.Errorf("append after Close: %v", err)
	}
}

// A migration is applied whole or not at all, and a later one is applied
// to a database that has the earlier ones.
func TestMigrationsAreAtomic(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s, err := Open(ctx, Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateSite(ctx, &chat.Site{Key: "acme"}); err != nil {
		t.Fatal(err)
	}
	db := s.w
	defer s.Close()
	version := func() int {
		t.Helper()
		var v int
		if err := db.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	hasTable := func(name string) bool {
		t.Helper()
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?`, name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n == 1
	}

	bad := append(slices.Clip(migrations), `CREATE TABLE later (a INTEGER); INSERT INTO nowhere VALUES (1);`)
	if _, err := migrate(ctx, db, bad); err == nil {
		t.Fatal("a failing step was applied")
	}
	if v := version(); v != len(migrations) || hasTable("later") {
		t.Fatalf("after a failed step: version %d, table created %v", v, hasTable("later"))
	}

	good := append(slices.Clip(migrations), `CREATE TABLE later (a INTEGER);`)
	from, err := migrate(ctx, db, good)
	if err != nil {
		t.Fatal(err)
	}
	if v := version(); from != len(migrations) || v != len(good) || !hasTable("later") {
		t.Fatalf("after a new step: from %d, version %d, table created %v", from, v, hasTable("later"))
	}
	if _, err := s.Site(ctx, "acme"); err != nil {
		t.Fatalf("data lost by a migration: %v", err)
	}
}
