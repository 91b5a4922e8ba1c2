package dump_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kefu/kefu/blob"
	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/dump"
	"github.com/kefu/kefu/store/mongo"
	"github.com/kefu/kefu/store/mongo/mongotest"
	"github.com/kefu/kefu/store/sqlite"
)

// install is a store and where it keeps files' content.
type install struct {
	chat.Store
	blobs chat.BlobStore
}

func openSQLite(t *testing.T) install {
	t.Helper()
	dir := t.TempDir()
	s, err := sqlite.Open(context.Background(), sqlite.Config{DataDir: filepath.Join(dir, "db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	files, err := blob.Open(filepath.Join(dir, "files"))
	if err != nil {
		t.Fatal(err)
	}
	return install{s, files}
}

func openMongo(t *testing.T) install {
	t.Helper()
	s, err := mongo.Open(context.Background(), mongo.Config{URI: mongotest.URI(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return install{s, s.Blobs()}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// seed fills st with a little of everything an install has, and returns
// the content of the files it sent, by key.
func seed(t *testing.T, st install) map[string][]byte {
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
	return seedFiles(t, st, at)
}

// seedFiles sends files in two conversations: a photo of several export
// lines with its thumbnail, the same photo again, a PDF, and one whose
// content is lost.
func seedFiles(t *testing.T, st install, at time.Time) map[string][]byte {
	t.Helper()
	ctx := context.Background()
	rnd := rand.New(rand.NewPCG(1, 2))
	photo := make([]byte, 1300<<10)
	for i := range photo {
		photo[i] = byte(rnd.Uint32())
	}
	contents := map[string][]byte{}
	put := func(conv string, data []byte) string {
		k, err := st.blobs.Put(ctx, conv, data)
		must(t, err)
		contents[k] = data
		return k
	}
	send := func(site, conv, name string, data, thumb []byte) string {
		a := &chat.Attachment{Site: site, ConversationID: conv, Uploader: chat.Author{Type: chat.AuthorVisitor, ID: conv},
			Name: name, Type: "image/png", Size: int64(len(data)), Blob: put(conv, data), Width: 800, Height: 600, CreatedAt: at.Add(time.Hour)}
		if thumb != nil {
			a.Thumb, a.ThumbType = put(conv, thumb), "image/jpeg"
		}
		must(t, st.CreateAttachment(ctx, a))
		return a.ID
	}
	ids := []string{
		send("acme", "acme-c0", "截图.png", photo, []byte("a small thumbnail")),
		send("acme", "acme-c0", "again.png", photo, []byte("a small thumbnail")),
		send("acme", "acme-c0", "empty.txt", []byte{}, nil),
		send("beta", "beta-c2", "invoice.pdf", []byte("%PDF-1.7 发票"), nil),
	}
	lost := send("beta", "beta-c2", "lost.pdf", []byte("%PDF-1.7 lost"), nil)
	k := blob.Key("beta-c2", []byte("%PDF-1.7 lost"))
	must(t, st.blobs.Delete(ctx, k))
	delete(contents, k)
	for _, m := range []*chat.Message{
		{Site: "acme", ConversationID: "acme-c0", ClientID: "files", Attachments: ids[:3]},
		{Site: "beta", ConversationID: "beta-c2", ClientID: "files", Attachments: []string{ids[3], lost}},
	} {
		m.Author, m.CreatedAt = chat.Author{Type: chat.AuthorVisitor, ID: m.ConversationID}, at.Add(time.Hour)
		_, err := st.AppendMessage(ctx, m)
		must(t, err)
	}
	return contents
}

// sameFiles checks that st keeps each of contents, byte for byte.
func sameFiles(t *testing.T, st install, contents map[string][]byte) {
	t.Helper()
	for k, want := range contents {
		got, err := st.blobs.Get(context.Background(), k)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("file %s: %d bytes (%v), want %d identical ones", k, len(got), err, len(want))
		}
	}
}

func export(t *testing.T, st install) (string, dump.Counts) {
	t.Helper()
	var buf bytes.Buffer
	n, err := dump.Export(context.Background(), st, st.blobs, &buf, nil)
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
	contents := seed(t, src)
	file, n := export(t, src)
	want := dump.Counts{Sites: 2, Agents: 2, Visitors: 6, Conversations: 6, Messages: 38, FAQ: 2, Feedback: 6, Canned: 4,
		Attachments: 5, Files: 4, FileBytes: 1300<<10 + int64(len("a small thumbnail")+len("%PDF-1.7 发票")), MissingFiles: 1}
	if n != want {
		t.Fatalf("exported %+v, want %+v", n, want)
	}
	if lines := strings.Count(file, `{"file":`); lines != 6 {
		t.Errorf("the files take %d lines, want 3 for the photo and one for each other", lines)
	}
	imported := want
	imported.MissingFiles = 0

	// Into MongoDB: the files go into GridFS.
	mid := openMongo(t)
	var calls int
	got, err := dump.Import(ctx, mid, mid.blobs, strings.NewReader(file), func(dump.Counts) { calls++ })
	must(t, err)
	if got != imported || calls != want.Total() {
		t.Fatalf("imported %+v with %d progress calls, want %+v and %d", got, calls, imported, want.Total())
	}
	sameFiles(t, mid, contents)
	again, _ := export(t, mid)
	if body(again) != body(file) {
		t.Fatalf("MongoDB's export differs from the embedded store's:\n%s\n---\n%s", body(again), body(file))
	}

	back := openSQLite(t)
	_, err = dump.Import(ctx, back, back.blobs, strings.NewReader(again), nil)
	must(t, err)
	sameFiles(t, back, contents)
	third, _ := export(t, back)
	if body(third) != body(file) {
		t.Fatal("the export after a round trip differs from the first")
	}
	// A file's record and content: what the inbox shows.
	files, err := back.ConversationAttachments(ctx, "acme", "acme-c0")
	must(t, err)
	i := slices.IndexFunc(files, func(a chat.Attachment) bool { return a.Name == "截图.png" })
	if len(files) != 3 || i < 0 || files[i].Thumb == "" || files[i].ThumbType != "image/jpeg" || files[i].Width != 800 || files[i].Size != 1300<<10 {
		t.Errorf("files after the round trip: %+v", files)
	}

	// A version 1 file, written before canned replies, still imports.
	v1 := strings.Replace(file, `"version":2`, `"version":1`, 1)
	if !strings.Contains(v1, `"version":1`) {
		t.Fatalf("the header names no version 2: %.80s", file)
	}
	v1Into := openSQLite(t)
	if _, err := dump.Import(ctx, v1Into, v1Into.blobs, strings.NewReader(v1), nil); err != nil {
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
	if m.Seq != 7 {
		t.Errorf("next message got seq %d, want 7", m.Seq)
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
	// The PDF's content, changed; and the photo's content without its
	// last part.
	var damaged, cut []string
	photoParts := 0
	for _, l := range lines {
		if strings.HasPrefix(l, `{"file":`) && strings.Contains(l, base64.StdEncoding.EncodeToString([]byte("%PDF-1.7 发票"))) {
			l = strings.Replace(l, base64.StdEncoding.EncodeToString([]byte("%PDF-1.7 发票")), base64.StdEncoding.EncodeToString([]byte("%PDF-1.7 假的")), 1)
		}
		damaged = append(damaged, l)
		if strings.HasPrefix(l, `{"file":`) && len(l) > 100_000 {
			if photoParts++; photoParts == 3 {
				continue
			}
		}
		cut = append(cut, l)
	}
	var attachLine, fileLine string
	for _, l := range lines {
		if attachLine == "" && strings.HasPrefix(l, `{"attachment":`) {
			attachLine = l
		}
		if fileLine == "" && strings.HasPrefix(l, `{"file":`) {
			fileLine = l
		}
	}

	tests := []struct {
		name string
		into *install
		file string
		want string
	}{
		{"a database with sites", &src, file, "already has sites (acme, beta)"},
		{"an empty file", nil, "", "the file is empty"},
		{"another format", nil, `{"format":"other","version":1}` + "\n", "not a kefu export file"},
		{"a newer version", nil, `{"format":"kefu-export","version":3}` + "\n", "export format version 3"},
		{"an unknown record", nil, lines[0] + "\n" + `{"nonsense":{}}` + "\n", "line 2: bad record"},
		{"a message out of place", nil, lines[0] + "\n" + lines[msgLine] + "\n", "does not follow its conversation"},
		{"a skipped seq", nil, skipped, "the file skips a seq"},
		{"damaged content", nil, strings.Join(damaged, "\n"), "does not match its key: the file is damaged"},
		{"content cut short", nil, strings.Join(cut, "\n"), "begins before"},
		{"a file out of place", nil, lines[0] + "\n" + attachLine + "\n", "does not follow its conversation"},
		{"content out of place", nil, lines[0] + "\n" + fileLine + "\n", "named by no file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			into := tt.into
			if into == nil {
				st := openSQLite(t)
				into = &st
			}
			_, err := dump.Import(ctx, into, into.blobs, strings.NewReader(tt.file), nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Import = %v, want an error saying %q", err, tt.want)
			}
		})
	}
}

// A file of version 1, from before files were exported, still imports.
func TestImportVersion1(t *testing.T) {
	ctx := context.Background()
	src := openSQLite(t)
	seed(t, src)
	file, _ := export(t, src)
	var old []string
	for i, l := range strings.Split(strings.TrimSuffix(file, "\n"), "\n") {
		if i == 0 {
			l = strings.Replace(l, `"version":2`, `"version":1`, 1)
		}
		if !strings.HasPrefix(l, `{"attachment":`) && !strings.HasPrefix(l, `{"file":`) {
			old = append(old, l)
		}
	}
	into := openSQLite(t)
	n, err := dump.Import(ctx, into, into.blobs, strings.NewReader(strings.Join(old, "\n")), nil)
	must(t, err)
	if n.Conversations != 6 || n.Messages != 38 || n.Attachments != 0 || n.Files != 0 {
		t.Errorf("imported %+v", n)
	}
}
