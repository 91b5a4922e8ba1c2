package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/client"
)

// fullDisk (item 1): on a full disk a send is "unavailable, retry", not
// "internal"; /readyz says so; and once there is space again the same
// resend is acked and every acked message is visible to both sides, also
// after a restart.
func fullDisk(ctx context.Context, e *env) error {
	if os.Geteuid() != 0 {
		return &skipError{"needs root to mount a tmpfs"}
	}
	dir := e.path("disk")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("disk dir: %w", err)
	}
	if out, err := exec.CommandContext(ctx, "mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", dir).CombinedOutput(); err != nil {
		return &skipError{fmt.Sprintf("cannot mount a tmpfs: %v %s", err, strings.TrimSpace(string(out)))}
	}
	defer exec.Command("umount", "-l", dir).Run()

	// The visitor limit is raised: what is attacked here is the disk, and
	// the sends that still fit in SQLite's WAL must not be rate-limited.
	k, err := e.start(ctx, dir, "KEFU_RATE_VISITOR=1000")
	if err != nil {
		return err
	}
	defer k.kill() // before the unmount
	agent, err := k.loginOwner(ctx)
	if err != nil {
		return err
	}
	v, err := k.newVisitor(ctx, "")
	if err != nil {
		return err
	}
	defer v.ws.Close()
	var acked []string
	if f, err := v.send(ctx, "before", "the disk is not full yet"); err != nil || f.Type != "ack" {
		return fmt.Errorf("a send before the disk was full: %s %v", describe(f), err)
	}
	acked = append(acked, "before")

	filler := filepath.Join(dir, "filler")
	if err := fillDisk(filler); err != nil {
		return err
	}
	// A few sends may still fit where the WAL has room; the disk shows
	// within a few.
	var refused client.Frame
	for i := range 50 {
		id := fmt.Sprintf("full-%d", i)
		f, err := v.send(ctx, id, strings.Repeat("满", 500))
		if err != nil {
			return fmt.Errorf("a send on a full disk: %w", err)
		}
		if f.Type == "ack" {
			acked = append(acked, id)
			continue
		}
		refused = f
		break
	}
	if refused.Type == "" {
		return errors.New("50 sends on a full disk were all acked: the disk never showed")
	}
	if refused.Type != "error" || refused.Code != string(chat.CodeUnavailable) || !refused.Retry {
		return fmt.Errorf("a send on a full disk got %s, want an error unavailable with retry true", describe(refused))
	}
	if r, ok := k.waitStatus(ctx, "/readyz", http.StatusServiceUnavailable, 3*time.Second); !ok {
		return fmt.Errorf("/readyz on a full disk = %s, want 503", r)
	}
	if r, err := k.do(ctx, "POST", "/api/v1/widget/"+site+"/session", []byte(`{}`), headers("Content-Type", "application/json")); err != nil {
		return err
	} else if r.status != http.StatusOK && r.status != http.StatusServiceUnavailable {
		return fmt.Errorf("a new session on a full disk = %s, want 200 or 503", r)
	}

	if err := os.Remove(filler); err != nil {
		return fmt.Errorf("free the disk: %w", err)
	}
	// The widget resends with the same client id until it is acked.
	ack, err := v.resendUntilAcked(ctx, refused.ClientID, 10*time.Second)
	if err != nil {
		return fmt.Errorf("once there was space again: %w", err)
	}
	if ack.Message == nil || ack.Message.ClientID != refused.ClientID {
		return fmt.Errorf("the resend was acked with %s", describe(ack))
	}
	acked = append(acked, refused.ClientID)
	if f, err := v.send(ctx, "after", "space is back"); err != nil || f.Type != "ack" {
		return fmt.Errorf("a new send once there was space again: %s %v", describe(f), err)
	}
	acked = append(acked, "after")
	if r, ok := k.waitStatus(ctx, "/readyz", http.StatusOK, 10*time.Second); !ok {
		return fmt.Errorf("/readyz 10 s after the disk had space again = %s, want 200", r)
	}
	if err := k.visible(ctx, agent, v, acked); err != nil {
		return err
	}
	if err := k.stop(); err != nil {
		return err
	}
	if k, err = e.start(ctx, dir); err != nil {
		return fmt.Errorf("restart after the full disk: %w", err)
	}
	defer k.kill()
	if err := k.visible(ctx, agent, v, acked); err != nil {
		return fmt.Errorf("after a restart: %w", err)
	}
	return nil
}

// fillDisk writes to path until the file system is full.
func fillDisk(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("fill the disk: %w", err)
	}
	defer f.Close()
	for _, size := range []int{1 << 20, 4 << 10, 512} {
		chunk := make([]byte, size)
		for {
			if _, err := f.Write(chunk); err != nil {
				if !errors.Is(err, syscall.ENOSPC) {
					return fmt.Errorf("fill the disk: %w", err)
				}
				break
			}
		}
	}
	return nil
}

// visible checks that the agent and the visitor both see every acked
// message exactly once, with contiguous seqs.
func (k *kefuProc) visible(ctx context.Context, agent string, v *visitor, acked []string) error {
	c := client.New(k.URL)
	fromAgent, err := c.Messages(ctx, agent, v.conv, 0)
	if err != nil {
		return fmt.Errorf("the agent's history: %w", err)
	}
	if err := allOnce("the agent", fromAgent, acked); err != nil {
		return err
	}
	r, err := k.do(ctx, "GET", "/api/v1/widget/"+site+"/conversations/"+v.conv+"/messages?limit=200", nil,
		headers("Authorization", "Bearer "+v.token))
	if err != nil {
		return err
	}
	var out struct {
		Messages []chat.Message `json:"messages"`
	}
	if err := json.Unmarshal(r.body, &out); err != nil || r.status != http.StatusOK {
		return fmt.Errorf("the visitor's history: %s %v", r, err)
	}
	return allOnce("the visitor", out.Messages, acked)
}

// allOnce checks that msgs hold each of the client ids exactly once, with
// seqs from 1 and no gap.
func allOnce(who string, msgs []chat.Message, clientIDs []string) error {
	seen := make(map[string]int)
	for i, m := range msgs {
		if m.Seq != int64(i+1) {
			return fmt.Errorf("%s sees seq %d at place %d: a gap", who, m.Seq, i+1)
		}
		seen[m.ClientID]++
	}
	for _, id := range clientIDs {
		if seen[id] != 1 {
			return fmt.Errorf("%s sees acked message %q %d times, want once (%d messages)", who, id, seen[id], len(msgs))
		}
	}
	return nil
}

// corruptIndex (item 2): kefu starts over an FAQ index with random bytes
// in a segment, and over one without its index_meta.json; it rebuilds the
// index, says so in one log line, and FAQ search works again.
func corruptIndex(ctx context.Context, e *env) error {
	dir := e.path("data")
	index := filepath.Join(dir, "faq-index")
	damages := []struct {
		name   string
		damage func() error
	}{
		{"random bytes in the middle of a segment", func() error { return scribble(index) }},
		{"index_meta.json deleted", func() error { return os.Remove(filepath.Join(index, "index_meta.json")) }},
	}
	k, err := e.start(ctx, dir)
	if err != nil {
		return err
	}
	if err := k.faqWorks(ctx); err != nil {
		return fmt.Errorf("before any damage: %w", err)
	}
	for _, d := range damages {
		if err := k.stop(); err != nil {
			return err
		}
		if err := d.damage(); err != nil {
			return fmt.Errorf("damage the index (%s): %w", d.name, err)
		}
		if k, err = e.start(ctx, dir); err != nil {
			return fmt.Errorf("%s: %w", d.name, err)
		}
		if err := k.faqWorks(ctx); err != nil {
			return fmt.Errorf("%s: %w", d.name, err)
		}
		if _, ok := k.waitLog(time.Second, "level=WARN", "FAQ index"); !ok {
			return fmt.Errorf("%s: kefu rebuilt the index without a word in its log", d.name)
		}
	}
	return k.stop()
}

// scribble overwrites the middle half of every segment file of the index
// with random bytes.
func scribble(index string) error {
	zaps, err := filepath.Glob(filepath.Join(index, "store", "*.zap"))
	if err != nil || len(zaps) == 0 {
		return fmt.Errorf("no .zap segment in %s (%v)", index, err)
	}
	for _, z := range zaps {
		st, err := os.Stat(z)
		if err != nil {
			return err
		}
		junk := make([]byte, st.Size()/2)
		_, _ = rand.Read(junk)
		f, err := os.OpenFile(z, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		_, err = f.WriteAt(junk, st.Size()/4)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// faqWorks checks that the widget's FAQ search finds the sample entries.
func (k *kefuProc) faqWorks(ctx context.Context) error {
	for _, q := range []struct{ text, lang string }{{"注册", "zh-CN"}, {"password", "en"}} {
		r, err := k.do(ctx, "GET", "/api/v1/widget/"+site+"/faq?lang="+q.lang+"&q="+url.QueryEscape(q.text), nil, nil)
		if err != nil {
			return err
		}
		var out struct {
			Results []struct {
				ID string `json:"id"`
			} `json:"results"`
		}
		if err := json.Unmarshal(r.body, &out); err != nil || r.status != http.StatusOK || len(out.Results) == 0 {
			return fmt.Errorf("FAQ search for %q = %s, want results", q.text, r)
		}
	}
	return nil
}

// twoProcesses (item 3): a second kefu on a data dir in use stops at once,
// with a non-zero status and a message naming the first one's pid, and
// the first one goes on.
func twoProcesses(ctx context.Context, e *env) error {
	dir := e.path("data")
	first, err := e.start(ctx, dir)
	if err != nil {
		return err
	}
	second, err := e.launch(dir)
	if err != nil {
		return err
	}
	if !second.exited(5 * time.Second) {
		return fmt.Errorf("a second kefu on the same data dir still runs after 5 s: %s", second.out.tail(3))
	}
	if second.exitCode() == 0 {
		return fmt.Errorf("the second kefu exited with status 0: %s", second.out.tail(3))
	}
	if pid := fmt.Sprintf("pid %d", first.pid()); !strings.Contains(second.out.String(), pid) {
		return fmt.Errorf("the second kefu's message does not name %s: %s", pid, second.out.tail(3))
	}
	if r, ok := first.waitStatus(ctx, "/readyz", http.StatusOK, 2*time.Second); !ok {
		return fmt.Errorf("the first kefu after the second one tried: /readyz = %s", r)
	}
	return first.faqWorks(ctx)
}
