package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// The first-run settings of every kefu an attack starts.
const (
	site          = "demo"
	ownerEmail    = "owner@attack.example"
	ownerPassword = "attack-owner-password"
)

// env is what one attack works with: the kefu binary, a folder of its own,
// and the kefu processes it started, which are stopped when it ends.
type env struct {
	bin   string
	dir   string
	extra []string  // KEFU_NAME=value for every kefu, after the attack's own
	logs  io.Writer // if not nil, gets every kefu's output

	mu    sync.Mutex
	procs []*kefuProc
}

// notef writes a measurement to the verbose log, if there is one.
func (e *env) notef(format string, args ...any) {
	if e.logs != nil {
		fmt.Fprintf(e.logs, "kefu-attack: "+format+"\n", args...)
	}
}

// path returns name inside the attack's folder.
func (e *env) path(name string) string { return filepath.Join(e.dir, name) }

// kefuProc is one kefu process.
type kefuProc struct {
	cmd  *exec.Cmd
	out  *logBuffer
	done chan struct{} // closed once the process has exited
	err  error         // how it exited, set before done is closed
	// URL is kefu's base URL, known once it is ready.
	URL string
	hc  *http.Client
}

// start runs kefu on dataDir with settings (KEFU_NAME=value) over the
// defaults, and waits until /healthz answers.
func (e *env) start(ctx context.Context, dataDir string, settings ...string) (*kefuProc, error) {
	p, err := e.launch(dataDir, settings...)
	if err != nil {
		return nil, err
	}
	if err := p.waitReady(ctx); err != nil {
		p.kill()
		return nil, err
	}
	return p, nil
}

// launch starts kefu on dataDir and returns at once. kefu listens on a
// port of its own choosing on loopback, and says which in its log.
func (e *env) launch(dataDir string, settings ...string) (*kefuProc, error) {
	cmd := exec.Command(e.bin)
	cmd.Env = append(withoutKefuSettings(os.Environ()),
		"KEFU_ADDR=127.0.0.1:0",
		"KEFU_DATA_DIR="+dataDir,
		"KEFU_SITE_KEY="+site,
		"KEFU_ADMIN_EMAIL="+ownerEmail,
		"KEFU_ADMIN_PASSWORD="+ownerPassword,
		"KEFU_DEMO=false",
		"KEFU_LOG_LEVEL=info",
		"KEFU_LOG_FORMAT=text",
		"KEFU_SHUTDOWN_TIMEOUT=5s",
	)
	// Later values win, so the attack's settings and then -env override
	// the defaults.
	cmd.Env = append(cmd.Env, settings...)
	cmd.Env = append(cmd.Env, e.extra...)
	out := &logBuffer{tee: e.logs}
	cmd.Stdout, cmd.Stderr = out, out
	// A kefu outlives no crashed or killed attack run.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start kefu: %w", err)
	}
	p := &kefuProc{
		cmd:  cmd,
		out:  out,
		done: make(chan struct{}),
		hc: &http.Client{
			Timeout:   10 * time.Second,
			Transport: &http.Transport{MaxIdleConnsPerHost: 16},
		},
	}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	e.mu.Lock()
	e.procs = append(e.procs, p)
	e.mu.Unlock()
	return p, nil
}

// withoutKefuSettings drops KEFU_* variables, so that the caller's own
// settings do not leak into the kefu under attack.
func withoutKefuSettings(environ []string) []string {
	out := environ[:0:0]
	for _, kv := range environ {
		if !strings.HasPrefix(kv, "KEFU_") {
			out = append(out, kv)
		}
	}
	return out
}

// stopAll kills every kefu of the attack that is still running.
func (e *env) stopAll() {
	e.mu.Lock()
	procs := e.procs
	e.procs = nil
	e.mu.Unlock()
	for _, p := range procs {
		p.kill()
	}
}

// readyURL returns the url of kefu's "kefu ready" log line, or "".
func readyURL(log string) string {
	for _, line := range strings.Split(log, "\n") {
		if !strings.Contains(line, `msg="kefu ready"`) {
			continue
		}
		for _, f := range strings.Fields(line) {
			if u, ok := strings.CutPrefix(f, "url="); ok {
				return u
			}
		}
	}
	return ""
}

// waitReady waits for kefu to log that it is ready and for /healthz to
// answer 200.
func (p *kefuProc) waitReady(ctx context.Context) error {
	begin := time.Now()
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-p.done:
			return fmt.Errorf("kefu exited before it was ready (%v): %s", p.err, p.out.summary())
		case <-ctx.Done():
			return fmt.Errorf("kefu not ready after %s: %s", time.Since(begin).Round(time.Millisecond), p.out.tail(5))
		case <-tick.C:
		}
		if p.URL == "" {
			if p.URL = readyURL(p.out.String()); p.URL == "" {
				continue
			}
		}
		if r, err := p.do(ctx, "GET", "/healthz", nil, nil); err == nil && r.status == http.StatusOK {
			return nil
		}
	}
}

// pid is the process id.
func (p *kefuProc) pid() int { return p.cmd.Process.Pid }

// exited reports whether the process ends within d.
func (p *kefuProc) exited(d time.Duration) bool {
	select {
	case <-p.done:
		return true
	case <-time.After(d):
		return false
	}
}

// exitCode is the exit status, once the process has exited.
func (p *kefuProc) exitCode() int { return p.cmd.ProcessState.ExitCode() }

// stop shuts kefu down as an operator would, with SIGTERM, and reports
// whether it exited cleanly in time. It kills it if not.
func (p *kefuProc) stop() error {
	// A kept-alive connection that never carried a request holds up a
	// graceful shutdown for 5 s, as in net/http; close those first.
	p.hc.CloseIdleConnections()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	if !p.exited(10 * time.Second) {
		p.kill()
		return errors.New("kefu ignored SIGTERM for 10 s")
	}
	if p.err != nil {
		return fmt.Errorf("kefu exited with %v after SIGTERM: %s", p.err, p.out.tail(3))
	}
	return nil
}

// kill ends the process at once, if it still runs, and waits for it.
func (p *kefuProc) kill() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Kill()
	<-p.done
}

// rss is the process's resident memory in bytes, from /proc.
func (p *kefuProc) rss() (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", p.pid()))
	if err != nil {
		return 0, fmt.Errorf("read kefu's memory: %w", err)
	}
	defer f.Close()
	return parseVmRSS(f)
}

// parseVmRSS reads VmRSS from a /proc/PID/status file.
func parseVmRSS(r io.Reader) (int64, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:")
		if !ok {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("VmRSS %q: %w", rest, err)
		}
		return kb << 10, nil
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, errors.New("no VmRSS line")
}

// waitLog waits up to d for a line of kefu's output that contains every
// one of words, and returns it.
func (p *kefuProc) waitLog(d time.Duration, words ...string) (string, bool) {
	deadline := time.Now().Add(d)
	for {
		for _, line := range strings.Split(p.out.String(), "\n") {
			if containsAll(line, words) {
				return line, true
			}
		}
		if time.Now().After(deadline) {
			return "", false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func containsAll(s string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}

// logBuffer keeps a process's output and copies it to tee, if set.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
	tee io.Writer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tee != nil {
		_, _ = b.tee.Write(p)
	}
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// tail returns the last n lines, joined by " | ", for an error message.
func (b *logBuffer) tail(n int) string {
	out := strings.TrimSpace(b.String())
	if out == "" {
		return "(no output)"
	}
	lines := strings.Split(out, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

// summary is the panic line of a crash's output, or its last lines.
func (b *logBuffer) summary() string {
	for _, line := range strings.Split(b.String(), "\n") {
		if strings.HasPrefix(line, "panic: ") {
			return line
		}
	}
	return b.tail(5)
}
