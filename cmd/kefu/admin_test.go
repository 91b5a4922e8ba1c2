package main

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/kefu/kefu/app"
	"github.com/kefu/kefu/client"
	"github.com/kefu/kefu/config"
)

// kefu admin reset-password on a stopped install: the old password and
// every old login stop working, the new one logs in; it refuses to run
// while kefu holds the data dir. disable-2fa turns off the code.
func TestAdminResetPasswordOnAStoppedInstall(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	m := startKefu(t, dir, "first-run-password")
	c := client.New(m.URL())
	if _, err := c.Login(ctx, "admin@example.com", "first-run-password", ""); err != nil {
		t.Fatal(err)
	}
	noEnv := func(string) string { return "" }
	var out, errs bytes.Buffer
	err := runAdmin([]string{"reset-password", "admin@example.com", "-data-dir", dir}, strings.NewReader("typed-new-password\n"), &out, &errs, noEnv)
	if err == nil || !strings.Contains(err.Error(), "pid") {
		t.Fatalf("reset-password while kefu runs: %v, want a refusal naming its pid", err)
	}
	if err := m.Close(ctx); err != nil {
		t.Fatal(err)
	}

	// From standard input that is not a terminal.
	if err := runAdmin([]string{"reset-password", "admin@example.com", "-data-dir", dir}, strings.NewReader("typed-new-password\n"), &out, &errs, noEnv); err != nil {
		t.Fatalf("reset-password: %v\n%s", err, errs.String())
	}
	m = startKefu(t, dir, "")
	c = client.New(m.URL())
	if _, err := c.Login(ctx, "admin@example.com", "first-run-password", ""); err == nil {
		t.Error("the old password still logs in")
	}
	if _, err := c.Login(ctx, "admin@example.com", "typed-new-password", ""); err != nil {
		t.Errorf("the new password: %v", err)
	}
	if err := m.Close(ctx); err != nil {
		t.Fatal(err)
	}

	// With nothing on standard input, kefu makes one and prints it.
	out.Reset()
	if err := runAdmin([]string{"reset-password", "admin@example.com", "-data-dir", dir}, strings.NewReader(""), &out, &errs, noEnv); err != nil {
		t.Fatal(err)
	}
	made := regexp.MustCompile(`new password for admin@example.com: (\S+)`).FindStringSubmatch(out.String())
	if made == nil {
		t.Fatalf("no password printed: %q", out.String())
	}
	// The owner has two-factor login, and has lost the authenticator.
	cfg, err := config.Load([]string{"-data-dir", dir}, noEnv, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	db, err := app.OpenDatabase(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	owner, err := db.AgentByEmail(ctx, "admin@example.com")
	if err == nil {
		owner.TOTPSecret = "JBSWY3DPEHPK3PXP"
		err = db.UpdateAgent(ctx, owner)
	}
	if cerr := db.Close(ctx); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	m = startKefu(t, dir, "")
	if _, err := client.New(m.URL()).Login(ctx, "admin@example.com", made[1], ""); err == nil || !strings.Contains(err.Error(), "two-factor") {
		t.Fatalf("login without a code: %v, want a two-factor code asked for", err)
	}
	if err := m.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := runAdmin([]string{"disable-2fa", "admin@example.com", "-data-dir", dir}, nil, &out, &errs, noEnv); err != nil {
		t.Fatal(err)
	}
	m = startKefu(t, dir, "")
	if _, err := client.New(m.URL()).Login(ctx, "admin@example.com", made[1], ""); err != nil {
		t.Errorf("the printed password, two-factor login off: %v", err)
	}

	for _, bad := range [][]string{{"reset-password"}, {"reset-pasword", "a@b.c"}, {"reset-password", "nobody@example.com", "-data-dir", t.TempDir()}} {
		if err := runAdmin(bad, strings.NewReader(""), io.Discard, io.Discard, noEnv); err == nil {
			t.Errorf("kefu admin %v: no error", bad)
		}
	}
	errs.Reset()
	if err := runAdmin([]string{"-h"}, nil, io.Discard, &errs, noEnv); err != nil || !strings.Contains(errs.String(), "reset-password EMAIL") {
		t.Errorf("-h: %v %q", err, errs.String())
	}
}

// kefu admin create-agent on a stopped install: an owner of every site by
// default, with a printed password; an agent of a named site with a typed
// one. Both log in; a taken email, an unknown site, an agent without a
// site and an unknown role are refused.
func TestAdminCreateAgentOnAStoppedInstall(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	m := startKefu(t, dir, "first-run-password")
	if err := m.Close(ctx); err != nil {
		t.Fatal(err)
	}
	noEnv := func(string) string { return "" }
	var out, errs bytes.Buffer
	if err := runAdmin([]string{"create-agent", "Boss@Example.com", "-name", "老板", "-data-dir", dir}, strings.NewReader(""), &out, &errs, noEnv); err != nil {
		t.Fatalf("create-agent: %v\n%s", err, errs.String())
	}
	made := regexp.MustCompile(`password for boss@example.com: (\S+)`).FindStringSubmatch(out.String())
	if made == nil {
		t.Fatalf("no password printed: %q", out.String())
	}
	if err := runAdmin([]string{"create-agent", "ann@example.com", "-role=agent", "-site", "demo", "-data-dir", dir}, strings.NewReader("ann-password\n"), &out, &errs, noEnv); err != nil {
		t.Fatalf("create-agent -role=agent: %v\n%s", err, errs.String())
	}
	for _, bad := range [][]string{
		{"create-agent", "boss@example.com", "-data-dir", dir},
		{"create-agent", "bob@example.com", "-role", "agent", "-data-dir", dir},
		{"create-agent", "bob@example.com", "-role", "agent", "-site", "nope", "-data-dir", dir},
		{"create-agent", "bob@example.com", "-role", "boss", "-data-dir", dir},
		{"create-agent", "not-an-email", "-data-dir", dir},
		{"create-agent", "bob@example.com", "-name"},
	} {
		if err := runAdmin(bad, strings.NewReader(""), io.Discard, io.Discard, noEnv); err == nil {
			t.Errorf("kefu admin %v: no error", bad)
		}
	}

	m = startKefu(t, dir, "")
	c := client.New(m.URL())
	for _, a := range []struct{ email, password, role, name string }{
		{"boss@example.com", made[1], "owner", "老板"},
		{"ann@example.com", "ann-password", "agent", "ann"},
	} {
		token, err := c.Login(ctx, a.email, a.password, "")
		if err != nil {
			t.Errorf("%s logs in: %v", a.email, err)
			continue
		}
		var me struct {
			Agent struct {
				Name  string   `json:"name"`
				Role  string   `json:"role"`
				Sites []string `json:"sites"`
			} `json:"agent"`
		}
		if err := c.Do(ctx, "GET", "/api/v1/me", token, nil, &me); err != nil {
			t.Fatal(err)
		}
		if me.Agent.Role != a.role || me.Agent.Name != a.name || strings.Join(me.Agent.Sites, ",") != "demo" {
			t.Errorf("%s is %+v; want %s %s of demo", a.email, me.Agent, a.role, a.name)
		}
	}
}
