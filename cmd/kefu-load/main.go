// Command kefu-load puts a kefu server under a chat load: many visitors,
// each with a session, a conversation and a websocket, sending messages at
// a steady rate to agents who receive them live. It reports the time from a
// visitor's send to its ack and to the agent's socket, at p50, p99 and max.
//
// It refuses any server that is not on this machine unless -allow-remote
// is given, and it always stops after -duration. The server's own rate
// limits apply: run it with KEFU_RATE_IP and KEFU_RATE_VISITOR raised.
//
//	KEFU_RATE_IP=1000000 KEFU_RATE_VISITOR=1000 KEFU_ADMIN_PASSWORD=load-test-pw go run ./cmd/kefu &
//	go run ./cmd/kefu-load -visitors 200 -rate 1 -duration 30s -password load-test-pw
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/kefu/kefu/client"
)

type options struct {
	url         string
	site        string
	visitors    int
	idle        int
	rate        float64
	duration    time.Duration
	email       string
	password    string
	allowRemote bool
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "kefu-load:", err)
		os.Exit(1)
	}
}

func parse(args []string, out io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("kefu-load", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&o.url, "url", "http://127.0.0.1:8080", "kefu's URL")
	fs.StringVar(&o.site, "site", "demo", "site key the visitors chat on")
	fs.IntVar(&o.visitors, "visitors", 100, "visitors that send messages")
	fs.IntVar(&o.idle, "idle", 0, "extra visitors that only hold an open socket")
	fs.Float64Var(&o.rate, "rate", 0.2, "messages per second per visitor")
	fs.DurationVar(&o.duration, "duration", 20*time.Second, "how long to send")
	fs.StringVar(&o.email, "email", "admin@example.com", "agent email")
	fs.StringVar(&o.password, "password", os.Getenv("KEFU_ADMIN_PASSWORD"), "agent password (default $KEFU_ADMIN_PASSWORD)")
	fs.BoolVar(&o.allowRemote, "allow-remote", false, "allow a server that is not on this machine")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	u, err := url.Parse(o.url)
	if err != nil || u.Hostname() == "" {
		return o, fmt.Errorf("-url %q is not a URL", o.url)
	}
	if !o.allowRemote && !isLoopback(u.Hostname()) {
		return o, fmt.Errorf("-url %s is not on this machine; pass -allow-remote to load a server you run elsewhere", o.url)
	}
	switch {
	case o.visitors < 1 || o.visitors > 50000, o.idle < 0 || o.idle > 50000:
		return o, errors.New("-visitors must be 1 to 50000 and -idle 0 to 50000")
	case o.rate <= 0 || o.rate > 100:
		return o, errors.New("-rate must be above 0 and at most 100")
	case o.duration <= 0 || o.duration > time.Hour:
		return o, errors.New("-duration must be above 0 and at most 1h")
	case o.password == "":
		return o, errors.New("-password (or KEFU_ADMIN_PASSWORD) is needed to log the agent in")
	}
	return o, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// raiseFileLimit lifts the open-file limit to its hard maximum, since each
// socket is a file.
func raiseFileLimit() uint64 {
	var l syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l) == nil && l.Cur < l.Max {
		l.Cur = l.Max
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l)
	}
	return l.Cur
}

func run(args []string, out io.Writer) error {
	o, err := parse(args, out)
	if err != nil {
		return err
	}
	limit := raiseFileLimit()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, o.duration+2*time.Minute)
	defer cancel()

	c := client.New(o.url)
	token, err := c.Login(ctx, o.email, o.password, "")
	if err != nil {
		return fmt.Errorf("agent login: %w", err)
	}
	agent, _, err := c.Dial(ctx, token)
	if err != nil {
		return fmt.Errorf("agent socket: %w", err)
	}
	defer agent.Close()
	fmt.Fprintf(out, "connecting %d visitors (+%d idle) to %s (open-file limit %d)\n", o.visitors, o.idle, o.url, limit)
	start := time.Now()
	vs, err := connect(ctx, c, o.site, o.visitors+o.idle)
	defer func() {
		for _, v := range vs {
			v.ws.Close()
		}
	}()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "connected in %s\n", time.Since(start).Round(time.Millisecond))

	r := newRecorder()
	go r.receive(ctx, agent)
	sendCtx, sendCancel := context.WithTimeout(ctx, o.duration)
	defer sendCancel()
	var wg sync.WaitGroup
	for i, v := range vs[:o.visitors] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.chat(sendCtx, i, v, o.rate)
		}()
	}
	wg.Wait()
	// Let deliveries in flight arrive.
	wait, waitCancel := context.WithTimeout(ctx, 5*time.Second)
	defer waitCancel()
	r.drain(wait)
	r.report(out, o.duration)
	return nil
}
