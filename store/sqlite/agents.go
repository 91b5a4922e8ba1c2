package sqlite

import (
	"context"
	"strings"

	"github.com/kefu/kefu/chat"
)

const agentColumns = `id, email, name, password_hash, role, sites, totp_secret, created_at, totp_pending, recovery, disabled, invite_hash, invite_expires, version`

// emailKey is the form of an email that the unique index holds, so that
// Ann@x.com and ann@x.com are one agent.
func emailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

func scanAgent(r rowScanner) (chat.Agent, error) {
	var (
		a               chat.Agent
		sites, recovery string
		created, invite int64
	)
	if err := r.Scan(&a.ID, &a.Email, &a.Name, &a.PasswordHash, &a.Role, &sites, &a.TOTPSecret, &created, &a.TOTPPending, &recovery,
		&a.Disabled, &a.InviteHash, &invite, &a.Version); err != nil {
		return a, err
	}
	a.CreatedAt, a.InviteExpires = fromMillis(created), fromMillis(invite)
	if err := fromJSON(recovery, &a.RecoveryHashes); err != nil {
		return a, err
	}
	return a, fromJSON(sites, &a.Sites)
}

// Agent returns the agent with id.
func (s *Store) Agent(ctx context.Context, id string) (*chat.Agent, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	a, err := scanAgent(s.queryRow(ctx, `SELECT `+agentColumns+` FROM agents WHERE id = ?`, id))
	if err != nil {
		return nil, mapErr(err, "find agent", "agent")
	}
	return &a, nil
}

// AgentByEmail returns the agent with email, compared without case and
// surrounding space.
func (s *Store) AgentByEmail(ctx context.Context, email string) (*chat.Agent, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	a, err := scanAgent(s.queryRow(ctx, `SELECT `+agentColumns+` FROM agents WHERE email_key = ?`, emailKey(email)))
	if err != nil {
		return nil, mapErr(err, "find agent by email", "agent")
	}
	return &a, nil
}

// AgentByInvite returns the agent whose invite link has hash.
func (s *Store) AgentByInvite(ctx context.Context, hash string) (*chat.Agent, error) {
	if hash == "" {
		return nil, chat.NotFound("invite")
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	// The second term lets SQLite use the partial index of open invites.
	a, err := scanAgent(s.queryRow(ctx, `SELECT `+agentColumns+` FROM agents WHERE invite_hash = ? AND invite_hash <> ''`, hash))
	if err != nil {
		return nil, mapErr(err, "find agent by invite", "invite")
	}
	return &a, nil
}

// UseRecoveryCode removes hash from the agent's recovery codes in one
// statement, so two uses of one code cannot both succeed.
func (s *Store) UseRecoveryCode(ctx context.Context, agentID, hash string) error {
	ctx, cancel := s.op(ctx)
	defer cancel()
	res, err := s.w.ExecContext(ctx, `UPDATE agents
		SET recovery = (SELECT json_group_array(value) FROM json_each(agents.recovery) WHERE value <> ?)
		WHERE id = ? AND EXISTS (SELECT 1 FROM json_each(agents.recovery) WHERE value = ?)`, hash, agentID, hash)
	return updated(res, err, "use recovery code", "recovery code")
}

// CreateAgent stores a new agent, giving it an id if it has none. It fails
// with chat.CodeConflict when the id or the email is taken.
func (s *Store) CreateAgent(ctx context.Context, a *chat.Agent) error {
	if emailKey(a.Email) == "" {
		return chat.Invalid("agent email is required")
	}
	sites, err := toJSON(a.Sites)
	if err != nil {
		return err
	}
	recovery, err := toJSON(a.RecoveryHashes)
	if err != nil {
		return err
	}
	if a.ID == "" {
		a.ID = chat.NewID()
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	_, err = s.w.ExecContext(ctx, `INSERT INTO agents
		(id, email, email_key, name, password_hash, role, sites, totp_secret, created_at, totp_pending, recovery, disabled, invite_hash, invite_expires, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`,
		a.ID, a.Email, emailKey(a.Email), a.Name, a.PasswordHash, a.Role, sites, a.TOTPSecret, millis(a.CreatedAt), a.TOTPPending, recovery,
		bit(a.Disabled), a.InviteHash, millis(a.InviteExpires))
	return mapErr(err, "insert agent", "agent")
}

// UpdateAgent replaces everything of the agent but its id and CreatedAt.
// It fails with chat.CodeConflict when the new email is taken.
func (s *Store) UpdateAgent(ctx context.Context, a *chat.Agent) error {
	if emailKey(a.Email) == "" {
		return chat.Invalid("agent email is required")
	}
	sites, err := toJSON(a.Sites)
	if err != nil {
		return err
	}
	recovery, err := toJSON(a.RecoveryHashes)
	if err != nil {
		return err
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	res, err := s.w.ExecContext(ctx, `UPDATE agents
		SET email = ?, email_key = ?, name = ?, password_hash = ?, role = ?, sites = ?, totp_secret = ?, totp_pending = ?, recovery = ?,
			disabled = ?, invite_hash = ?, invite_expires = ?, version = version + 1
		WHERE id = ? AND version = ?`,
		a.Email, emailKey(a.Email), a.Name, a.PasswordHash, a.Role, sites, a.TOTPSecret, a.TOTPPending, recovery,
		bit(a.Disabled), a.InviteHash, millis(a.InviteExpires), a.ID, a.Version)
	if err = updated(res, err, "update agent", "agent"); chat.IsCode(err, chat.CodeNotFound) {
		if _, gone := s.Agent(ctx, a.ID); gone == nil {
			return chat.Errorf(chat.CodeConflict, "the agent was changed meanwhile; read it again")
		}
	}
	if err == nil {
		a.Version++
	}
	return err
}

// ListAgents returns up to limit of the agents who work on site, by name
// and then id, starting after the agent after (nil: the first). Agents
// are few, so the query walks them all and looks into each one's sites.
func (s *Store) ListAgents(ctx context.Context, site string, after *chat.Agent, limit int) ([]chat.Agent, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	name, id := "", ""
	if after != nil {
		name, id = after.Name, after.ID
	}
	rows, err := s.query(ctx, `SELECT `+agentColumns+` FROM agents
		WHERE EXISTS (SELECT 1 FROM json_each(agents.sites) WHERE json_each.value = ?)
		AND (name, id) > (?, ?)
		ORDER BY name, id LIMIT ?`, site, name, id, limit)
	return collect(rows, err, "list agents", "agent", scanAgent)
}
