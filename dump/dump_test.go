package dump_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/dump"
	"github.com/kefu/kefu/store/mongo"
	"github.com/kefu/kefu/store/mongo/mongotest"
	"github.com/kefu/kefu/store/sqlite"
)

func openSQLite(t *testing.T) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), sqlite.Config{DataDir: filepath.Join(t.TempDir(), "db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func openMongo(t *testing.T) *mongo.Store {
	t.Helper()
	s, err := mongo.Open(context.Background(), mongo.Config{URI: mongotest.URI(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// seed fills st with a little of everything an install has.
func seed(t *testing.T, st chat.Store) {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	for _, key := range []string{"acme", "beta"} {
		must(t, st.CreateSite(ctx, &chat.Site{Key: key, Name: "Site " + key, IdentitySecret: "secret-" + key,
			AllowedOrigins: []string{"https://" + key + ".example"},
			Widget:         chat.WidgetSettings{Color: "#0a84ff", Greeting: map[string]string{"zh-CN": "你好"}},
			CreatedAt:      at, UpdatedAt: at}))
		for i := range 3 {
			v := &chat.Visitor{ID: fmt.Sprintf("%s-v%d", key, i), Site: key, CreatedAt: at, LastSeenAt: at}
			if i == 0 {
				v.UserID, v.Verified, v.Attributes = "u1", true, map[string]string{"plan": "pro"}
			}
			must(t, st.CreateVisitor(ctx, v))
			c := &chat.Conversation{ID: fmt.Sprintf("%s-c%d", key, i), Site: key, VisitorID: v.ID, Topic: "账户", Lang: "zh-CN", CreatedAt: at, UpdatedAt: at}
			must(t, st.CreateConversation(ctx, c))
			for j := range 5 + i {
				m := &chat.Message{Site: key, ConversationID: c.ID, ClientID: fmt.Sprintf("m%d", j), Text: fmt.Sprintf("消息 %d", j),
					Author: chat.Author{Type: chat.AuthorVisitor, ID: v.ID}, CreatedAt: at.Add(time.Duration(j) * time.Minute)}
				if j%2 == 1 {
					m.Author = chat.Author{Type: chat.AuthorAgent, ID: "agent", Name: "Ann"}
					m.Private = j == 3
				}
				_, err := st.AppendMessage(ctx, m)
				must(t, err)
			}
			must(t, st.SetReadSeq(ctx, key, c.ID, chat.AuthorVisitor, 2))
			must(t, st.SetReadSeq(ctx, key, c.ID, chat.AuthorAgent, 4))
			if i == 1 {
				must(t, st.SetRating(ctx, key, c.ID, 5, "很好"))
				must(t, st.SetAssignee(ctx, key, c.ID, "agent", at.Add(time.Hour)))
				must(t, st.SetStatus(ctx, key, c.ID, chat.StatusResolved, at.Add(2*time.Hour)))
			}
		}
		must(t, st.SaveFAQ(ctx, &chat.FAQ{ID: "refund", Site: key, Lang: "zh-CN", Question: "怎么退款？", Answer: "在订单页申请。",
			Alternatives: []string{"退款"}, Published: true, Views: 9, Solved: 4, UpdatedAt: at}))
		for _, lang := range []string{"", "zh-CN"} {
			must(t, st.CreateCanned(ctx, &chat.Canned{ID: key + "-refund" + lang, Site: key, Shortcut: "refund", Lang: lang, Text: "退款已受理。\n三天内到账。",
				CreatedBy: "owner", CreatedAt: at, UpdatedBy: "agent", UpdatedByName: "Ann", UpdatedAt: at.Add(time.Hour)}))
		}
		for i := range 3 {
			must(t, st.CreateFeedback(ctx, &chat.Feedback{ID: fmt.Sprintf("%s-f%d", key, i), Site: key, Category: "suggestion",
				Text: "更多颜色", CreatedAt: at.Add(time.Duration(i) * time.Second)}))
		}
	}
	must(t, st.CreateAgent(ctx, &chat.Agent{ID: "owner", Email: "owner@example.com", Name: "Owner", PasswordHash: "bcrypt-hash",
		TOTPSecret: "totp", Role: chat.RoleOwner, Sites: []string{"acme", "beta"}, CreatedAt: at}))
	must(t, st.CreateAgent(ctx, &chat.Agent{ID: "agent", Email: "ann@example.com", Name: "Ann", PasswordHash: "h2",
		Role: chat.RoleAgent, Sites: []string{"beta"}, CreatedAt: at}))
}

func export(t *testing.T, st chat.Store) (string, dump.Counts) {
	t.Helper()
	var buf bytes.Buffer
	n, err := dump.Export(context.Background(), st, &buf, nil)
	must(t, err)
	return buf.String(), n
}

// body drops the header line, which carries the export's time.
func body(file string) string {
	_, rest, _ := strings.Cut(file, "\n")
	return rest
}

// TestRoundTripBetweenStores moves an install from the embedded store to
// MongoDB and back, and finds every record as it was.
func TestRoundTripBetweenStores(t *testing.T) {
	ctx := context.Background()
	src := openSQLite(t)
	seed(t, src)
	file, n := export(t, src)
	want := dump.Counts{Sites: 2, Agents: 2, Visitors: 6, Conversations: 6, Messages: 36, FAQ: 2, Feedback: 6, Canned: 4}
	if n != want {
		t.Fatalf("exported %+v, want %+v", n, want)
	}

	mid := openMongo(t)
	var calls int
	got, err := dump.Import(ctx, mid, strings.NewReader(file), func(dump.Counts) { calls++ })
	must(t, err)
	if got != want || calls != want.Total() {
		t.Fatalf("imported %+v with %d progress calls, want %+v and %d", got, calls, want, want.Total())
	}
	again, _ := export(t, mid)
	if body(again) != body(file) {
		t.Fatalf("MongoDB's export differs from the embedded store's:\n%s\n---\n%s", body(again), body(file))
	}

	back := openSQLite(t)
	_, err = dump.Import(ctx, back, strings.NewReader(again), nil)
	must(t, err)
	third, _ := export(t, back)
	if body(third) != body(file) {
		t.Fatal("the export after a round trip differs from the first")
	}

	// A version 1 file, written before canned replies, still imports.
	v1 := strings.Replace(file, `"version":2`, `"version":1`, 1)
	if !strings.Contains(v1, `"version":1`) {
		t.Fatalf("the header names no version 2: %.80s", file)
	}
	if _, err := dump.Import(ctx, openSQLite(t), strings.NewReader(v1), nil); err != nil {
		t.Errorf("a version 1 file: %v", err)
	}

	// What people rely on works in the copy: the owner signs in with the
	// same hash, the visitor resumes, the next message follows on.
	a, err := back.AgentByEmail(ctx, "owner@example.com")
	must(t, err)
	if a.PasswordHash != "bcrypt-hash" || a.TOTPSecret != "totp" {
		t.Errorf("owner's credentials: %+v", a)
	}
	s, err := back.Site(ctx, "acme")
	must(t, err)
	if s.IdentitySecret != "secret-acme" {
		t.Errorf("site's identity secret: %q", s.IdentitySecret)
	}
	c, err := back.Conversation(ctx, "beta", "beta-c1")
	must(t, err)
	if c.Status != chat.StatusResolved || c.Rating != 5 || c.AssigneeID != "agent" || c.LastSeq != 6 || c.Last == nil || c.LastPublic == nil || c.LastPublic.Seq != 6 {
		t.Errorf("conversation after the round trip: %+v", c)
	}
	m := &chat.Message{Site: "acme", ConversationID: "acme-c0", ClientID: "next", Text: "again", Author: chat.Author{Type: chat.AuthorVisitor}, CreatedAt: time.Now()}
	_, err = back.AppendMessage(ctx, m)
	must(t, err)
	if m.Seq != 6 {
		t.Errorf("next message got seq %d, want 6", m.Seq)
	}
}

func TestImportRefuses(t *testing.T) {
	ctx := context.Background()
	src := openSQLite(t)
	seed(t, src)
	file, _ := export(t, src)
	lines := strings.Split(strings.TrimSuffix(file, "\n"), "\n")
	var msgLine int
	for i, l := range lines {
		if strings.HasPrefix(l, `{"message":`) && strings.Contains(l, `"seq":2,`) {
			msgLine = i
			break
		}
	}
	skipped := strings.Join(append(append([]string{}, lines[:msgLine]...), lines[msgLine+1:]...), "\n")

	tests := []struct {
		name string
		into chat.Store
		file string
		want string
	}{
		{"a database with sites", src, file, "already has sites (acme, beta)"},
		{"an empty file", nil, "", "the file is empty"},
		{"another format", nil, `{"format":"other","version":1}` + "\n", "not a kefu export file"},
		{"a newer version", nil, `{"format":"kefu-export","version":3}` + "\n", "export format version 3"},
		{"an unknown record", nil, lines[0] + "\n" + `{"nonsense":{}}` + "\n", "line 2: bad record"},
		{"a message out of place", nil, lines[0] + "\n" + lines[msgLine] + "\n", "does not follow its conversation"},
		{"a skipped seq", nil, skipped, "the file skips a seq"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			into := tt.into
			if into == nil {
				into = openSQLite(t)
			}
			_, err := dump.Import(ctx, into, strings.NewReader(tt.file), nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Import = %v, want an error saying %q", err, tt.want)
			}
		})
	}
}
