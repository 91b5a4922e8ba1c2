package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/kefu/kefu/app"
	"github.com/kefu/kefu/config"
)

// backupTo runs kefu backup: the database, then the files it names,
// showing how far the files have come at most a few times a second.
func backupTo(ctx context.Context, cfg config.Config, file string, stderr io.Writer) error {
	start, last := time.Now(), time.Time{}
	show := func(p app.BackupProgress) {
		if time.Since(last) < 200*time.Millisecond && p.Files < p.Of {
			return
		}
		last = time.Now()
		fmt.Fprintf(stderr, "\rcopied %d of %d files (%s)", p.Files, p.Of, megabytes(p.Bytes))
	}
	res, err := app.Backup(ctx, cfg, file, show)
	if !last.IsZero() {
		fmt.Fprintln(stderr)
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(stderr, "backed up the embedded database to %s and %d files (%s) to %s in %.1f s\n",
		file, res.Files, megabytes(res.Bytes), app.BackupFilesDir(file), time.Since(start).Seconds())
	if n := len(res.Missing); n > 0 {
		fmt.Fprintf(stderr, "warning: %d files that the database copy names were not in %s (deleted by retention during the backup, or lost before it); their messages will show them as gone\n",
			n, app.FilesDir(cfg.DataDir))
	}
	return nil
}
