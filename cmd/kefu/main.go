// Command kefu runs the kefu live-chat support server: the widget, the
// agents' inbox, the API and the websocket gateway, with an embedded
// database by default. Run kefu -h for its settings.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/kefu/kefu/app"
	"github.com/kefu/kefu/config"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "kefu:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "faq":
			return runFAQ(args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
		case "export", "import", "backup":
			return runDump(args[0], args[1:], os.Stderr, os.Getenv)
		case "admin":
			return runAdmin(args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
		}
	}
	return serve(args, os.Stdout, nil)
}

// serve runs kefu until SIGINT or SIGTERM, then shuts down within the
// configured timeout. ready, if not nil, is called once it serves.
func serve(args []string, stdout io.Writer, ready func(*app.Main)) error {
	cfg, err := config.Load(args, os.Getenv, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	m := app.New(cfg, stdout)
	if err := m.Run(ctx); err != nil {
		closeCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
		defer cancel()
		_ = m.Close(closeCtx)
		return err
	}
	if ready != nil {
		ready(m)
	}
	<-ctx.Done()
	stop()
	m.Logger.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	closeCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	return m.Close(closeCtx)
}
