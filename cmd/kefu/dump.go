package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/kefu/kefu/app"
	"github.com/kefu/kefu/config"
	"github.com/kefu/kefu/dump"
)

const dumpUsage = `Usage:
  kefu export FILE [flags]   write every site, agent, visitor, conversation,
                             message, file sent in a chat, FAQ entry and
                             feedback to FILE
  kefu import FILE [flags]   read such a file into an empty database
  kefu backup FILE [flags]   copy the embedded database to FILE and the files
                             it names to FILE.files, even while kefu runs
                             (MongoDB has its own backup tools)

They find the database as the server does: KEFU_DATA_DIR for the embedded
one, or KEFU_MONGODB_URI and KEFU_MONGODB_DATABASE. Run export and import on a
stopped install. To move from the embedded database to MongoDB:

  kefu export kefu.jsonl
  KEFU_MONGODB_URI='mongodb://db/?replicaSet=rs0' kefu import kefu.jsonl

Agents sign in again afterwards: sessions are not moved.
`

// runDump runs kefu export, import or backup.
func runDump(cmd string, args []string, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			fmt.Fprint(stderr, dumpUsage)
			return nil
		}
		return fmt.Errorf("%s needs a file name: kefu %s FILE [flags] (kefu %s -h for help)", cmd, cmd, cmd)
	}
	file := args[0]
	cfg, err := config.Load(args[1:], getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stderr, dumpUsage)
		return nil
	}
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := app.New(cfg, stderr).Logger
	if cmd == "backup" {
		return backupTo(ctx, cfg, file, stderr)
	}
	// export and import want the install stopped: on the embedded
	// database, the data dir's lock says whether it is.
	if cfg.Embedded() {
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return fmt.Errorf("%s: %w", cmd, err)
		}
		unlock, err := app.LockDataDir(cfg.DataDir)
		if err != nil {
			return fmt.Errorf("%s: %w", cmd, err)
		}
		defer unlock()
	}
	if cmd == "export" {
		return exportTo(ctx, cfg, file, log, stderr)
	}
	return importFrom(ctx, cfg, file, log, stderr)
}

func exportTo(ctx context.Context, cfg config.Config, file string, log *slog.Logger, stderr io.Writer) error {
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	db, err := app.OpenDatabase(ctx, cfg, log)
	if err != nil {
		f.Close()
		os.Remove(file)
		return fmt.Errorf("export: open database: %w", err)
	}
	defer db.Close(context.WithoutCancel(ctx))
	blobs, err := app.OpenBlobs(cfg, db)
	if err != nil {
		f.Close()
		os.Remove(file)
		return fmt.Errorf("export: %w", err)
	}
	p := newCounter(stderr, "exported")
	n, err := dump.Export(ctx, db, blobs, f, p.show)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	p.done(n)
	if err != nil {
		os.Remove(file) // half a file must not pass for a whole one
		return fmt.Errorf("export: %w", err)
	}
	if n.MissingFiles > 0 {
		fmt.Fprintf(stderr, "warning: %d files named by their records were not found; the records are exported, and those files will show as gone\n", n.MissingFiles)
	}
	fmt.Fprintf(stderr, "wrote %s\n", file)
	return nil
}

func importFrom(ctx context.Context, cfg config.Config, file string, log *slog.Logger, stderr io.Writer) error {
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	db, err := app.OpenDatabase(ctx, cfg, log)
	if err != nil {
		return fmt.Errorf("import: open database: %w", err)
	}
	defer db.Close(context.WithoutCancel(ctx))
	blobs, err := app.OpenBlobs(cfg, db)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	p := newCounter(stderr, "imported")
	n, err := dump.Import(ctx, db, blobs, f, p.show)
	p.done(n)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	return nil
}

// counter shows how many records have moved, at most a few times a second.
type counter struct {
	out  io.Writer
	verb string
	last time.Time
}

func newCounter(out io.Writer, verb string) *counter { return &counter{out: out, verb: verb} }

func (c *counter) show(n dump.Counts) {
	if time.Since(c.last) < 200*time.Millisecond {
		return
	}
	c.last = time.Now()
	fmt.Fprintf(c.out, "\r%s %d records (%d conversations, %d messages, %d files of %s)", c.verb, n.Total(), n.Conversations, n.Messages, n.Files, megabytes(n.FileBytes))
}

func (c *counter) done(n dump.Counts) {
	fmt.Fprintf(c.out, "\r%s %d sites, %d agents, %d visitors, %d conversations, %d messages, %d files (%d contents, %s), %d FAQ entries, %d feedback, %d canned replies\n",
		c.verb, n.Sites, n.Agents, n.Visitors, n.Conversations, n.Messages, n.Attachments, n.Files, megabytes(n.FileBytes), n.FAQ, n.Feedback, n.Canned)
}

func megabytes(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/(1<<20)) }
