package config

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestLoadOrCreateSecret(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "nested")

	key, err := LoadOrCreateSecret(dir)
	if err != nil {
		t.Fatalf("first call: %v", err)
	}
	if len(key) != 32 {
		t.Fatalf("key is %d bytes, want 32", len(key))
	}
	if st, err := os.Stat(dir); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("data dir mode = %v (%v), want 0700", st.Mode().Perm(), err)
	}
	path := filepath.Join(dir, SecretFile)
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("%s mode = %v (%v), want 0600", SecretFile, st.Mode().Perm(), err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("data dir holds %d files, want only %s (no temporary files left)", len(entries), SecretFile)
	}

	again, err := LoadOrCreateSecret(dir)
	if err != nil {
		t.Fatalf("second call: %v", err)
	}
	if !bytes.Equal(again, key) {
		t.Error("second call returned a different key; tokens would not survive a restart")
	}

	other, err := LoadOrCreateSecret(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(other, key) {
		t.Error("two data dirs got the same key")
	}
}

func TestLoadOrCreateSecretConcurrent(t *testing.T) {
	dir := t.TempDir()
	const n = 8
	keys := make([][]byte, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { keys[i], errs[i] = LoadOrCreateSecret(dir) })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("call %d: %v", i, errs[i])
		}
		if !bytes.Equal(keys[i], keys[0]) {
			t.Fatalf("concurrent calls returned different keys")
		}
	}
}

func TestLoadOrCreateSecretCorrupt(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, SecretFile)
	if err := os.WriteFile(path, []byte("not hex\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LoadOrCreateSecret(dir)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("error = %v, want one naming %s", err, path)
	}
	if b, _ := os.ReadFile(path); string(b) != "not hex\n" {
		t.Errorf("corrupt key was overwritten with %q", b)
	}
}

func TestSecretKey(t *testing.T) {
	tests := []struct {
		name   string
		secret string
	}{
		{name: "configured secret", secret: goodSecret},
		{name: "generated secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			c := Config{Secret: tt.secret, DataDir: dir}
			key, err := c.SecretKey()
			if err != nil {
				t.Fatal(err)
			}
			_, statErr := os.Stat(filepath.Join(dir, SecretFile))
			if tt.secret != "" {
				if string(key) != tt.secret {
					t.Errorf("key = %q, want the configured secret", key)
				}
				if statErr == nil {
					t.Error("a configured secret should not create a key file")
				}
				return
			}
			if len(key) != 32 || statErr != nil {
				t.Errorf("got %d-byte key, key file: %v; want a generated 32-byte key on disk", len(key), statErr)
			}
		})
	}
}
