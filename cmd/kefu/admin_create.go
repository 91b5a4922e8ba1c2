package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/kefu/kefu/app"
	"github.com/kefu/kefu/auth"
	"github.com/kefu/kefu/chat"
)

// newAgent is what kefu admin create-agent was told about the agent.
type newAgent struct {
	name  string
	role  chat.Role
	sites []string
}

// parseNewAgent takes create-agent's own flags (-name, -role, -site) out
// of args, and leaves the rest, kefu's flags, to config.Load.
func parseNewAgent(args []string) (newAgent, []string, error) {
	nw := newAgent{role: chat.RoleOwner}
	var rest []string
	for i := 0; i < len(args); i++ {
		name, value, inline := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		if !strings.HasPrefix(args[i], "-") || (name != "name" && name != "role" && name != "site") {
			rest = append(rest, args[i])
			continue
		}
		if !inline {
			if i+1 >= len(args) {
				return nw, nil, fmt.Errorf("admin create-agent: -%s needs a value", name)
			}
			i++
			value = args[i]
		}
		switch name {
		case "name":
			nw.name = strings.TrimSpace(value)
		case "role":
			nw.role = chat.Role(value)
			if nw.role != chat.RoleOwner && nw.role != chat.RoleAdmin && nw.role != chat.RoleAgent {
				return nw, nil, fmt.Errorf("admin create-agent: -role is owner, admin or agent, not %q", value)
			}
		case "site":
			nw.sites = append(nw.sites, strings.TrimSpace(value))
		}
	}
	return nw, rest, nil
}

// createAgent adds an agent with a password: typed (from stdin), or made
// and printed. An owner without -site gets every site.
func createAgent(ctx context.Context, db app.Database, email string, nw newAgent, typed string, stdout, stderr io.Writer) error {
	email = strings.ToLower(strings.TrimSpace(email))
	if !strings.Contains(email, "@") {
		return fmt.Errorf("admin create-agent: %q is not an email address", email)
	}
	if _, err := db.AgentByEmail(ctx, email); err == nil {
		return fmt.Errorf("admin create-agent: %s exists already; kefu admin reset-password %s gives them a new password", email, email)
	} else if !chat.IsCode(err, chat.CodeNotFound) {
		return fmt.Errorf("admin create-agent: %w", err)
	}
	for _, key := range nw.sites {
		if _, err := db.Site(ctx, key); err != nil {
			return fmt.Errorf("admin create-agent: site %q: %w", key, err)
		}
	}
	if len(nw.sites) == 0 {
		if nw.role != chat.RoleOwner {
			return fmt.Errorf("admin create-agent: an %s needs at least one -site KEY", nw.role)
		}
		if err := chat.EachSiteKey(ctx, db, func(key string) error {
			nw.sites = append(nw.sites, key)
			return nil
		}); err != nil {
			return fmt.Errorf("admin create-agent: list the sites: %w", err)
		}
	}
	if nw.name == "" {
		nw.name, _, _ = strings.Cut(email, "@")
	}
	password, made := orMade(typed)
	hash, err := auth.HashPassword(password)
	if err != nil {
		return fmt.Errorf("admin create-agent: %w", err)
	}
	a := &chat.Agent{ID: chat.NewID(), Email: email, Name: nw.name, PasswordHash: hash, Role: nw.role, Sites: nw.sites, CreatedAt: time.Now().UTC()}
	if err := db.CreateAgent(ctx, a); err != nil {
		return fmt.Errorf("admin create-agent: %w", err)
	}
	if made {
		fmt.Fprintf(stdout, "password for %s: %s\n", email, password)
	}
	fmt.Fprintf(stderr, "created %s, %s of %s\n", email, nw.role, strings.Join(nw.sites, ", "))
	return nil
}
