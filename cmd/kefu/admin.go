package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/kefu/kefu/app"
	"github.com/kefu/kefu/auth"
	"github.com/kefu/kefu/config"
)

const adminUsage = `Usage:
  kefu admin reset-password EMAIL [flags]   give the agent a new password and
                                            end every login they have
  kefu admin disable-2fa EMAIL [flags]      turn off the agent's two-factor
                                            login, for a lost authenticator

They work on the database directly, so they help when nobody can log in.
They find it as the server does: KEFU_DATA_DIR for the embedded one (stop
kefu first: the data dir is locked while it runs), or KEFU_MONGODB_URI and
KEFU_MONGODB_DATABASE (kefu may keep running).

reset-password reads the new password from standard input when that is not
a terminal (echo … | kefu admin reset-password ann@example.com); otherwise
it makes one and prints it.
`

// runAdmin runs kefu admin reset-password or disable-2fa.
func runAdmin(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 || isHelp(args[0]) {
		fmt.Fprint(stderr, adminUsage)
		if len(args) == 0 {
			return errors.New("admin needs a command: reset-password or disable-2fa")
		}
		return nil
	}
	cmd := args[0]
	if cmd != "reset-password" && cmd != "disable-2fa" {
		return fmt.Errorf("admin: unknown command %q (kefu admin -h for help)", cmd)
	}
	if len(args) < 2 || strings.HasPrefix(args[1], "-") {
		if len(args) > 1 && isHelp(args[1]) {
			fmt.Fprint(stderr, adminUsage)
			return nil
		}
		return fmt.Errorf("admin %s needs the agent's email: kefu admin %s EMAIL", cmd, cmd)
	}
	email := args[1]
	cfg, err := config.Load(args[2:], getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stderr, adminUsage)
		return nil
	}
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if cfg.Embedded() {
		unlock, err := app.LockDataDir(cfg.DataDir)
		if err != nil {
			return fmt.Errorf("admin: %w", err)
		}
		defer unlock()
	}
	db, err := app.OpenDatabase(ctx, cfg, app.New(cfg, stderr).Logger)
	if err != nil {
		return fmt.Errorf("admin: open database: %w", err)
	}
	defer db.Close(context.WithoutCancel(ctx))
	a, err := db.AgentByEmail(ctx, email)
	if err != nil {
		return fmt.Errorf("admin: %s: %w", email, err)
	}
	if cmd == "disable-2fa" {
		a.TOTPSecret, a.TOTPPending, a.RecoveryHashes = "", "", nil
		if err := db.UpdateAgent(ctx, a); err != nil {
			return fmt.Errorf("admin: %w", err)
		}
		fmt.Fprintf(stdout, "two-factor login is off for %s; they log in with their password alone\n", a.Email)
		return nil
	}
	password, made := "", false
	if stdin != nil && !isTerminal(stdin) {
		line, _ := bufio.NewReader(io.LimitReader(stdin, 1024)).ReadString('\n')
		password = strings.TrimRight(line, "\r\n")
	}
	if password == "" {
		password, made = auth.RandomPassword(), true
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return fmt.Errorf("admin: %w", err)
	}
	// A reset also closes an open invite, whose link would set the password
	// again.
	a.PasswordHash, a.InviteHash = hash, ""
	if err := db.UpdateAgent(ctx, a); err != nil {
		return fmt.Errorf("admin: %w", err)
	}
	if err := db.RevokeAgent(ctx, a.ID); err != nil {
		return fmt.Errorf("admin: the password is changed, but ending their logins failed: %w", err)
	}
	if made {
		fmt.Fprintf(stdout, "new password for %s: %s\n", a.Email, password)
	}
	fmt.Fprintf(stderr, "password of %s reset; every login of theirs has ended\n", a.Email)
	return nil
}
