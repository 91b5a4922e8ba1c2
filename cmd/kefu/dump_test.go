package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kefu/kefu/app"
	"github.com/kefu/kefu/client"
	"github.com/kefu/kefu/config"
)

// startKefu runs kefu on dir, with the owner's password, until the test
// ends.
func startKefu(t *testing.T, dir, password string) *app.Main {
	t.Helper()
	cfg, err := config.Load([]string{"-addr", "127.0.0.1:0", "-data-dir", dir, "-log-level", "error", "-admin-password", password}, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	m := app.New(cfg, io.Discard)
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close(context.Background()) })
	return m
}

// TestExportImportBackup moves a live install's data to a new data dir
// with kefu export and kefu import, and copies it with kefu backup while
// kefu runs; each copy has the visitor's messages and the owner's login.
func TestExportImportBackup(t *testing.T) {
	ctx := context.Background()
	src := t.TempDir()
	m := startKefu(t, src, "dump-cli-pw")
	c := client.New(m.URL())
	sess, err := c.NewSession(ctx, "demo", nil)
	if err != nil {
		t.Fatal(err)
	}
	conv, err := c.StartConversation(ctx, "demo", sess.Token, "账户")
	if err != nil {
		t.Fatal(err)
	}
	owner, err := c.Login(ctx, "admin@example.com", "dump-cli-pw", "")
	if err != nil {
		t.Fatal(err)
	}
	for i, text := range []string{"第一条", "第二条"} {
		if _, err := c.Reply(ctx, owner, conv.ID, text, fmt.Sprint("cli-", i)); err != nil {
			t.Fatal(err)
		}
	}
	sendFiles(t, c, owner, conv.ID)
	sent := readFiles(t, c, owner, conv.ID)
	if len(sent) != 3 {
		t.Fatalf("the running kefu serves %d files and thumbnails, want 3", len(sent))
	}
	noEnv := func(string) string { return "" }
	files := t.TempDir()
	var stderr bytes.Buffer

	// A backup while kefu runs.
	backup := filepath.Join(files, "kefu.db")
	if err := runDump("backup", []string{backup, "-data-dir", src}, &stderr, noEnv); err != nil {
		t.Fatalf("backup: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "and 3 files (") {
		t.Errorf("backup said:\n%s", stderr.String())
	}
	if fi, err := os.Stat(backup + ".files"); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("the backup's files folder: %v %v, want mode 0700", fi, err)
	}
	if err := runDump("backup", []string{backup, "-data-dir", src}, &stderr, noEnv); err == nil {
		t.Fatal("a backup over an existing file succeeded")
	}
	// Export and import want the install stopped.
	if err := runDump("export", []string{filepath.Join(files, "live.jsonl"), "-data-dir", src}, &stderr, noEnv); err == nil || !strings.Contains(err.Error(), "is using") {
		t.Fatalf("export of a running install = %v, want a refusal", err)
	}
	if err := m.Close(ctx); err != nil {
		t.Fatal(err)
	}

	// An export of the stopped install, imported into an empty one.
	file := filepath.Join(files, "kefu.jsonl")
	stderr.Reset()
	if err := runDump("export", []string{file, "-data-dir", src}, &stderr, noEnv); err != nil {
		t.Fatalf("export: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "exported 1 sites, 1 agents") || !strings.Contains(stderr.String(), "3 messages, 2 files (3 contents") {
		t.Errorf("export said:\n%s", stderr.String())
	}
	dst := t.TempDir()
	stderr.Reset()
	if err := runDump("import", []string{file, "-data-dir", dst}, &stderr, noEnv); err != nil {
		t.Fatalf("import: %v\n%s", err, stderr.String())
	}
	if err := runDump("import", []string{file, "-data-dir", dst}, &stderr, noEnv); err == nil || !strings.Contains(err.Error(), "already has sites") {
		t.Fatalf("a second import = %v, want a refusal", err)
	}

	restored := t.TempDir()
	if err := os.MkdirAll(app.EmbeddedDir(restored), 0o700); err != nil {
		t.Fatal(err)
	}
	// The restore of docs/operations.md: the copy as db/kefu.db, its
	// files folder as files.
	if err := os.Rename(backup, filepath.Join(app.EmbeddedDir(restored), "kefu.db")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(backup+".files", app.FilesDir(restored)); err != nil {
		t.Fatal(err)
	}
	for name, dir := range map[string]string{"imported": dst, "restored from backup": restored} {
		m := startKefu(t, dir, "dump-cli-pw")
		c := client.New(m.URL())
		token, err := c.Login(ctx, "admin@example.com", "dump-cli-pw", "")
		if err != nil {
			t.Fatalf("%s: owner login: %v", name, err)
		}
		msgs, err := c.Messages(ctx, token, conv.ID, 0)
		if err != nil || len(msgs) != 3 || msgs[0].Text != "第一条" || msgs[1].Text != "第二条" {
			t.Fatalf("%s: messages %+v, %v", name, msgs, err)
		}
		got := readFiles(t, c, token, conv.ID)
		if len(got) != len(sent) {
			t.Errorf("%s: %d files and thumbnails, want %d", name, len(got), len(sent))
		}
		for what, want := range sent {
			if !bytes.Equal(got[what], want) {
				t.Errorf("%s: %s is %d bytes, not the %d that were sent", name, what, len(got[what]), len(want))
			}
		}
	}
}

// sendFiles has the agent send a photo and a text file in one message.
func sendFiles(t *testing.T, c *client.Client, token, conv string) {
	t.Helper()
	ctx := context.Background()
	img := image.NewNRGBA(image.Rect(0, 0, 600, 400))
	for i := range img.Pix {
		img.Pix[i] = byte(i*7 + i/2400)
	}
	var photo bytes.Buffer
	if err := png.Encode(&photo, img); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for name, data := range map[string][]byte{"截图.png": photo.Bytes(), "notes.txt": []byte("订单号 12345\n")} {
		a, err := c.Upload(ctx, "/api/v1/conversations/"+conv+"/attachments", token, name, data)
		if err != nil {
			t.Fatalf("upload %s: %v", name, err)
		}
		ids = append(ids, a.ID)
	}
	err := c.Do(ctx, http.MethodPost, "/api/v1/conversations/"+conv+"/messages", token,
		map[string]any{"text": "附件", "client_id": "cli-files", "attachments": ids}, nil)
	if err != nil {
		t.Fatal(err)
	}
}

// readFiles downloads, as the agent, every file and thumbnail that the
// conversation's messages carry, by name (a thumbnail as NAME/thumb).
func readFiles(t *testing.T, c *client.Client, token, conv string) map[string][]byte {
	t.Helper()
	var out struct {
		Messages []struct {
			Attachments []client.Attachment `json:"attachments"`
		} `json:"messages"`
	}
	if err := c.Do(context.Background(), http.MethodGet, "/api/v1/conversations/"+conv+"/messages?after_seq=0", token, nil, &out); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	get := func(name, url string) {
		res, err := http.Get(c.BaseURL + url)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		data, err := io.ReadAll(res.Body)
		if err != nil || res.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d %v", name, res.StatusCode, err)
			return
		}
		files[name] = data
	}
	for _, m := range out.Messages {
		for _, a := range m.Attachments {
			get(a.Name, a.URL)
			if a.ThumbnailURL != "" {
				get(a.Name+"/thumb", a.ThumbnailURL)
			}
		}
	}
	return files
}

func TestDumpCommandErrors(t *testing.T) {
	noEnv := func(string) string { return "" }
	var stderr bytes.Buffer
	if err := runDump("export", []string{"-h"}, &stderr, noEnv); err != nil || !strings.Contains(stderr.String(), "kefu export FILE") {
		t.Fatalf("-h: %v\n%s", err, stderr.String())
	}
	if err := runDump("import", nil, &stderr, noEnv); err == nil || !strings.Contains(err.Error(), "needs a file name") {
		t.Fatalf("no file: %v", err)
	}
	if err := runDump("backup", []string{filepath.Join(t.TempDir(), "x.db"), "-data-dir", t.TempDir()}, &stderr, noEnv); err == nil || !strings.Contains(err.Error(), "no embedded database") {
		t.Fatalf("backup of nothing: %v", err)
	}
	if err := runDump("backup", []string{"x.db", "-mongodb-uri", "mongodb://127.0.0.1:1/?replicaSet=rs0"}, &stderr, noEnv); err == nil || !strings.Contains(err.Error(), "mongodump") {
		t.Fatalf("backup on MongoDB: %v", err)
	}
}
