// Command kefu-attack replays, against real kefu processes, the attacks of
// issue 9 that once broke kefu: a full disk, a corrupt FAQ index, two
// processes on one data dir, refresh-token races, logout and password
// change, brute force on one account, login and logout CSRF, memory
// amplification, site silencing, and unbounded or public metrics.
//
// Each attack starts the kefu binary it is given on a free loopback port
// with a fresh data dir, prints "held: ITEM WHAT" or "BROKEN: ITEM WHAT:
// DETAIL", and the run ends with one line, "N attacks, M held". It exits 1
// if any attack broke kefu. The full-disk attack mounts a small tmpfs, so it
// runs only as root; otherwise it is skipped and not counted.
//
//	go build -o /tmp/kefu ./cmd/kefu
//	go run ./cmd/kefu-attack -kefu /tmp/kefu
//
// scripts/attack.sh does both, and scripts/test.sh runs it in CI.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// options are the command line's settings.
type options struct {
	kefu    string
	items   map[int]bool // nil runs every attack
	env     []string
	timeout time.Duration
	verbose bool
}

// envList is a flag that may be given several times.
type envList []string

func (l *envList) String() string { return strings.Join(*l, " ") }

func (l *envList) Set(s string) error {
	if k, _, ok := strings.Cut(s, "="); !ok || !strings.HasPrefix(k, "KEFU_") {
		return fmt.Errorf("want KEFU_NAME=value, got %q", s)
	}
	*l = append(*l, s)
	return nil
}

const usage = `kefu-attack replays the attacks of issue 9 against real kefu processes.

Usage:
  kefu-attack -kefu PATH [-run 4,5] [-env KEFU_X=v] [-v]

Each attack starts PATH on a free loopback port with a fresh data dir and
prints "held: ITEM WHAT" or "BROKEN: ITEM WHAT: DETAIL"; the last line is
"N attacks, M held". The exit status is 1 if any attack broke kefu. The
full-disk attack (1) mounts a tmpfs and runs only as root.

Flags:
`

// parse reads the command line. For -h it writes the usage to out and
// returns flag.ErrHelp.
func parse(args []string, out io.Writer) (options, error) {
	var o options
	var runList string
	var env envList
	fs := flag.NewFlagSet("kefu-attack", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprint(out, usage)
		fs.PrintDefaults()
	}
	fs.StringVar(&o.kefu, "kefu", "", "the kefu binary to attack (required)")
	fs.StringVar(&runList, "run", "", "comma-separated items to run, such as 4,5 (default: all)")
	fs.Var(&env, "env", "extra `KEFU_NAME=value` for every kefu started, repeatable; for instance\n-env KEFU_RATE_SITE=2000 shows that attack 8 can fail")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Second, "the longest one attack may take")
	fs.BoolVar(&o.verbose, "v", false, "copy kefu's logs to stderr and time each attack")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q (run kefu-attack -h for help)", fs.Arg(0))
	}
	if o.kefu == "" {
		return o, errors.New("-kefu PATH is required (run kefu-attack -h for help)")
	}
	abs, err := filepath.Abs(o.kefu)
	if err != nil {
		return o, fmt.Errorf("-kefu: %w", err)
	}
	if st, err := os.Stat(abs); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
		return o, fmt.Errorf("-kefu %s is not an executable file", o.kefu)
	}
	o.kefu = abs
	if o.items, err = parseItems(runList, len(allAttacks())); err != nil {
		return o, err
	}
	if o.timeout <= 0 {
		return o, errors.New("-timeout must be positive")
	}
	o.env = env
	return o, nil
}

// parseItems reads a list of items from 1 to n, such as "4,5,9"; an empty
// list means all.
func parseItems(s string, n int) (map[int]bool, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	items := make(map[int]bool)
	for _, f := range strings.Split(s, ",") {
		i, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || i < 1 || i > n {
			return nil, fmt.Errorf("-run: %q is not an item from 1 to %d", f, n)
		}
		items[i] = true
	}
	return items, nil
}

// run runs the chosen attacks and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parse(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "kefu-attack:", err)
		return 2
	}
	root, err := os.MkdirTemp("", "kefu-attack-")
	if err != nil {
		fmt.Fprintln(stderr, "kefu-attack:", err)
		return 2
	}
	defer os.RemoveAll(root)

	var logs io.Writer
	if o.verbose {
		logs = stderr
	}
	ran, held := 0, 0
	for _, a := range allAttacks() {
		if o.items != nil && !o.items[a.item] {
			continue
		}
		start := time.Now()
		err := runAttack(ctx, a, &env{
			bin:   o.kefu,
			dir:   filepath.Join(root, strconv.Itoa(a.item)),
			extra: o.env,
			logs:  logs,
		}, o.timeout)
		var skip *skipError
		switch {
		case ctx.Err() != nil:
			fmt.Fprintf(stdout, "interrupted: %d %s\n", a.item, a.what)
		case errors.As(err, &skip):
			fmt.Fprintf(stdout, "skipped: %d %s (%s)\n", a.item, a.what, skip.reason)
		case err != nil:
			ran++
			fmt.Fprintf(stdout, "BROKEN: %d %s: %v\n", a.item, a.what, err)
		default:
			ran++
			held++
			fmt.Fprintf(stdout, "held: %d %s\n", a.item, a.what)
		}
		if o.verbose {
			fmt.Fprintf(stderr, "kefu-attack: %d took %.1fs\n", a.item, time.Since(start).Seconds())
		}
		if ctx.Err() != nil {
			break
		}
	}
	fmt.Fprintf(stdout, "%d attacks, %d held\n", ran, held)
	if held < ran || ctx.Err() != nil {
		return 1
	}
	return 0
}

// runAttack runs one attack within timeout, and stops every kefu it
// started, whatever happened.
func runAttack(ctx context.Context, a attack, e *env, timeout time.Duration) (err error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := os.MkdirAll(e.dir, 0o700); err != nil {
		return fmt.Errorf("attack dir: %w", err)
	}
	defer e.stopAll()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the attack itself panicked: %v", r)
		}
	}()
	err = a.run(ctx, e)
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		err = fmt.Errorf("%w (gave up after %s)", err, timeout)
	}
	return err
}

// attack is one replay of an item of issue 9.
type attack struct {
	item int
	what string
	// run returns nil if kefu held, a *skipError if the attack cannot run
	// here, or what broke.
	run func(ctx context.Context, e *env) error
}

// allAttacks returns issue 9's items 1 to 9, in order.
func allAttacks() []attack {
	return []attack{
		{1, "full disk", fullDisk},
		{2, "corrupt FAQ index", corruptIndex},
		{3, "two processes on one data dir", twoProcesses},
		{4, "refresh races, logout and password change", refreshRaces},
		{5, "brute force on one account", bruteForce},
		{6, "login and logout CSRF", csrf},
		{7, "memory amplification", memoryAmplification},
		{8, "site silencing", siteSilencing},
		{9, "metrics labels and access", metricsBounded},
	}
}

// skipError says an attack cannot run on this machine.
type skipError struct{ reason string }

func (e *skipError) Error() string { return "skipped: " + e.reason }
