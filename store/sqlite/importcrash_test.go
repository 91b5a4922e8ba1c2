package sqlite_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/store/sqlite"
)

// importChildEnv names the data dir of a child process that imports FAQ
// batches until it is killed.
const importChildEnv = "KEFU_TEST_IMPORT_CHILD"

// importBatch is the size of each of the child's imports.
const importBatch = 5_000

// TestImportChild is the child of TestImportIsAllOrNothingAcrossKill. Run
// on its own it does nothing.
func TestImportChild(t *testing.T) {
	dir := os.Getenv(importChildEnv)
	if dir == "" {
		t.Skip("runs only as the child of TestImportIsAllOrNothingAcrossKill")
	}
	ctx := context.Background()
	s, err := sqlite.Open(ctx, sqlite.Config{DataDir: dir})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	for b := 0; ; b++ {
		fs := make([]chat.FAQ, importBatch)
		for i := range fs {
			fs[i] = chat.FAQ{ID: fmt.Sprintf("b%d-%d", b, i), Lang: "en", Question: "q", Answer: strings.Repeat("a", 200), UpdatedAt: time.Now()}
		}
		fmt.Println("begin", b)
		if err := s.SaveFAQs(ctx, "acme", fs); err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		fmt.Println("done", b)
	}
}

// TestImportIsAllOrNothingAcrossKill kills a process in the middle of FAQ
// imports with SIGKILL. After a restart every import is either whole or
// absent, and each one that returned is whole.
func TestImportIsAllOrNothingAcrossKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestImportChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), importChildEnv+"="+dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := map[int]bool{}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		var b int
		if _, err := fmt.Sscanf(sc.Text(), "done %d", &b); err == nil {
			done[b] = true
		} else if _, err := fmt.Sscanf(sc.Text(), "begin %d", &b); err == nil && b == 2 {
			time.Sleep(20 * time.Millisecond) // into the third import
			break
		} else if strings.HasPrefix(sc.Text(), "error") {
			t.Fatalf("child: %s", sc.Text())
		}
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()

	ctx := context.Background()
	s, err := sqlite.Open(ctx, sqlite.Config{DataDir: dir})
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer s.Close()
	count := map[string]int{}
	err = chat.EachFAQPage(ctx, s, "acme", func(page []chat.FAQ) error {
		for _, f := range page {
			batch, _, _ := strings.Cut(f.ID, "-")
			count[batch]++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for batch, n := range count {
		if n != importBatch {
			t.Errorf("import %s is partial after the kill: %d of %d entries", batch, n, importBatch)
		}
	}
	for b := range done {
		if count[fmt.Sprintf("b%d", b)] != importBatch {
			t.Errorf("import b%d returned, but is not whole after the kill", b)
		}
	}
	if len(done) < 2 {
		t.Fatalf("the child finished %d imports before the kill, want 2", len(done))
	}
}
