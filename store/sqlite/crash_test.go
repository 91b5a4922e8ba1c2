package sqlite_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/store/sqlite"
)

// crashChildEnv names the data dir of a child process that appends until
// it is killed.
const crashChildEnv = "KEFU_TEST_CRASH_CHILD"

// TestCrashChild is the child of TestAcknowledgedSurvivesKill. Run on its
// own it does nothing.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashChildEnv)
	if dir == "" {
		t.Skip("runs only as the child of TestAcknowledgedSurvivesKill")
	}
	ctx := context.Background()
	s, err := sqlite.Open(ctx, sqlite.Config{DataDir: dir})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	conv := os.Getenv(crashChildEnv + "_CONV")
	round := os.Getenv(crashChildEnv + "_ROUND")
	var mu sync.Mutex
	out := bufio.NewWriter(os.Stdout)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := 0; ; i++ {
				m := &chat.Message{Site: "acme", ConversationID: conv, ClientID: fmt.Sprintf("r%s-g%d-%d", round, g, i),
					Author: chat.Author{Type: chat.AuthorVisitor, ID: "v"}, Text: "crash", CreatedAt: time.Now()}
				if _, err := s.AppendMessage(ctx, m); err != nil {
					mu.Lock()
					fmt.Fprintln(out, "error", err)
					out.Flush()
					mu.Unlock()
					return
				}
				// Reported only once AppendMessage returned: an ack.
				mu.Lock()
				fmt.Fprintln(out, "ack", m.ClientID, m.Seq)
				out.Flush()
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	os.Exit(1)
}

// TestAcknowledgedSurvivesKill kills a process that appends messages with
// SIGKILL mid-stream, several times. After each restart every message it
// acknowledged is stored exactly once, under its acked seq, and the seqs
// are contiguous.
func TestAcknowledgedSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dir := t.TempDir()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, sqlite.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	c := &chat.Conversation{Site: "acme", VisitorID: "v", CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := s.CreateConversation(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	acked := map[string]int64{}
	const rounds = 5
	for round := range rounds {
		got := runUntilKilled(t, dir, c.ID, round, 200+100*round)
		for id, seq := range got {
			acked[id] = seq
		}
		s, err := sqlite.Open(ctx, sqlite.Config{DataDir: dir})
		if err != nil {
			t.Fatalf("round %d: reopen after kill: %v", round, err)
		}
		checkStored(t, s, c.ID, acked)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d acknowledged messages survived %d kills", len(acked), rounds)
}

// runUntilKilled starts the child, reads its acks until it has at least
// n, kills it with SIGKILL, and returns the acks it read.
func runUntilKilled(t *testing.T, dir, conv string, round, n int) map[string]int64 {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+dir, crashChildEnv+"_CONV="+conv, crashChildEnv+"_ROUND="+strconv.Itoa(round))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acks := map[string]int64{}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 3 && f[0] == "ack" {
			seq, err := strconv.ParseInt(f[2], 10, 64)
			if err != nil {
				t.Fatalf("child said %q", sc.Text())
			}
			acks[f[1]] = seq
			if len(acks) == n {
				if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
					t.Fatal(err)
				}
			}
		} else if len(f) > 0 && f[0] == "error" {
			t.Fatalf("round %d: child failed: %s", round, sc.Text())
		}
	}
	_ = cmd.Wait()
	if len(acks) < n {
		t.Fatalf("round %d: the child stopped after %d acks, before it was killed", round, len(acks))
	}
	return acks
}

// checkStored checks that the conversation holds every acked message once,
// under its acked seq, in a contiguous run from 1, and that its last seq
// covers them all.
func checkStored(t *testing.T, s *sqlite.Store, conv string, acked map[string]int64) {
	t.Helper()
	ctx := context.Background()
	seen := map[string]int64{}
	var next int64 = 1
	for {
		page, err := s.Messages(ctx, "acme", conv, next-1, 200)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, m := range page {
			if m.Seq != next {
				t.Fatalf("seq %d follows %d: a gap", m.Seq, next-1)
			}
			if _, ok := seen[m.ClientID]; ok {
				t.Fatalf("%s stored twice", m.ClientID)
			}
			seen[m.ClientID] = m.Seq
			next++
		}
	}
	for id, seq := range acked {
		stored, ok := seen[id]
		if !ok {
			t.Fatalf("acknowledged message %s (seq %d) was lost", id, seq)
		}
		if stored != seq {
			t.Fatalf("message %s acked as seq %d, stored as %d", id, seq, stored)
		}
	}
	c, err := s.Conversation(ctx, "acme", conv)
	if err != nil {
		t.Fatal(err)
	}
	if c.LastSeq != next-1 {
		t.Fatalf("conversation last_seq %d, but %d messages are stored", c.LastSeq, next-1)
	}
}
