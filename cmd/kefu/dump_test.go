package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
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
	noEnv := func(string) string { return "" }
	files := t.TempDir()
	var stderr bytes.Buffer

	// A backup while kefu runs.
	backup := filepath.Join(files, "kefu.db")
	if err := runDump("backup", []string{backup, "-data-dir", src}, &stderr, noEnv); err != nil {
		t.Fatalf("backup: %v\n%s", err, stderr.String())
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
	if !strings.Contains(stderr.String(), "exported 1 sites, 1 agents") || !strings.Contains(stderr.String(), "2 messages") {
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
	if err := os.Rename(backup, filepath.Join(app.EmbeddedDir(restored), "kefu.db")); err != nil {
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
		if err != nil || len(msgs) != 2 || msgs[0].Text != "第一条" || msgs[1].Text != "第二条" {
			t.Fatalf("%s: messages %+v, %v", name, msgs, err)
		}
	}
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
