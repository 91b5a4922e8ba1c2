package config

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// SecretFile is the name of the generated key inside the data dir.
const SecretFile = "secret.key"

// secretSize is the length of a generated key in bytes.
const secretSize = 32

// LoadOrCreateSecret returns the 32-byte key kept in dataDir/secret.key,
// creating dataDir (0700) and the key (0600) on first use. The file holds
// the key hex-encoded, so it can be read and copied into KEFU_SECRET when
// more nodes join.
//
// Creation is atomic: the key is written to a temporary file and linked
// into place, so two processes starting at once agree on one key and a
// crash never leaves a half-written key behind. A file that exists but
// does not hold a valid key is an error, never overwritten: replacing it
// would log everyone out.
func LoadOrCreateSecret(dataDir string) ([]byte, error) {
	if dataDir == "" {
		return nil, errors.New("config: secret key: no data dir")
	}
	path := filepath.Join(dataDir, SecretFile)
	key, err := readSecret(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}

	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("config: secret key: create data dir: %w", err)
	}
	key = make([]byte, secretSize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("config: secret key: %w", err)
	}
	tmp, err := os.CreateTemp(dataDir, SecretFile+".tmp*")
	if err != nil {
		return nil, fmt.Errorf("config: secret key: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := writeSecret(tmp, key); err != nil {
		return nil, fmt.Errorf("config: secret key: write %s: %w", tmp.Name(), err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			// Another process won the race; use its key.
			return readSecret(path)
		}
		return nil, fmt.Errorf("config: secret key: %w", err)
	}
	return key, nil
}

func writeSecret(f *os.File, key []byte) error {
	// CreateTemp already uses 0600; Chmod makes it explicit and umask-proof.
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func readSecret(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("config: secret key: %w", err)
	}
	key, err := hex.DecodeString(string(bytes.TrimSpace(b)))
	if err != nil || len(key) != secretSize {
		return nil, fmt.Errorf("config: secret key: %s does not hold a %d-byte hex key; restore it, or delete it to generate a new one (signed-in users will have to sign in again)", path, secretSize)
	}
	return key, nil
}
