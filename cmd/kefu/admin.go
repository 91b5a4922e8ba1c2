package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
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
  kefu admin create-agent EMAIL [-name NAME] [-role owner|admin|agent]
                          [-site KEY]... [flags]
                                            add an agent who logs in with a
                                            password; an owner by default,
                                            of every site

They work on the database directly, so they help when nobody can log in.
They find it as the server does: KEFU_DATA_DIR for the embedded one (stop
kefu first: the data dir is locked while it runs), or KEFU_MONGODB_URI and
KEFU_MONGODB_DATABASE (kefu may keep running).

reset-password and create-agent read the password from standard input when
that is not a terminal (echo … | kefu admin reset-password ann@example.com);
otherwise they make one and print it.

create-agent makes an owner of every site unless -role says otherwise; an
admin or agent needs at least one -site (repeat it for more sites).
`

// adminCommands are the commands of kefu admin.
var adminCommands = []string{"reset-password", "disable-2fa", "create-agent"}

// runAdmin runs a kefu admin command.
func runAdmin(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 || isHelp(args[0]) {
		fmt.Fprint(stderr, adminUsage)
		if len(args) == 0 {
			return errors.New("admin needs a command: " + strings.Join(adminCommands, ", "))
		}
		return nil
	}
	cmd := args[0]
	if !slices.Contains(adminCommands, cmd) {
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
	rest := args[2:]
	var nw newAgent
	if cmd == "create-agent" {
		var err error
		if nw, rest, err = parseNewAgent(rest); err != nil {
			return err
		}
	}
	cfg, err := config.Load(rest, getenv, stderr)
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
	if cmd == "create-agent" {
		return createAgent(ctx, db, email, nw, readPassword(stdin), stdout, stderr)
	}
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
	password, made := orMade(readPassword(stdin))
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

// readPassword reads a password from the first line of stdin when it is
// not a terminal; "" otherwise.
func readPassword(stdin io.Reader) string {
	if stdin == nil || isTerminal(stdin) {
		return ""
	}
	line, _ := bufio.NewReader(io.LimitReader(stdin, 1024)).ReadString('\n')
	return strings.TrimRight(line, "\r\n")
}

// orMade returns password, or a new random one when it is empty, and
// whether it made one.
func orMade(password string) (string, bool) {
	if password == "" {
		return auth.RandomPassword(), true
	}
	return password, false
}
