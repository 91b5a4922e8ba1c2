package chat

import "context"

// rank orders the roles: each may do what the ones below it may.
func (r Role) rank() int {
	switch r {
	case RoleOwner:
		return 3
	case RoleAdmin:
		return 2
	case RoleAgent:
		return 1
	}
	return 0
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r.rank() > 0 }

// AtLeast reports whether r may do what min may: owners manage sites and
// agents; admins manage settings, FAQ and feedback; agents chat.
func (r Role) AtLeast(min Role) bool { return r.rank() >= min.rank() }

// Require fails with CodeForbidden unless the actor is an agent with at
// least the role min. The site was checked before: an agent who does not
// work on it gets CodeNotFound there, never CodeForbidden.
func (a Actor) Require(min Role) error {
	if a.Agent == nil || !a.Agent.Role.AtLeast(min) {
		return Errorf(CodeForbidden, "this needs the %s role or higher", min)
	}
	return nil
}

// MustEnrol reports whether the agent has to turn on two-factor login
// before doing anything else: they log in with a password alone, and one
// of their sites requires two factors. site looks a site up by key.
func MustEnrol(ctx context.Context, site func(context.Context, string) (*Site, error), a *Agent) (bool, error) {
	if a.TwoFactor() {
		return false, nil
	}
	for _, key := range a.Sites {
		s, err := site(ctx, key)
		if IsCode(err, CodeNotFound) {
			continue
		}
		if err != nil {
			return false, err
		}
		if s.RequireTwoFactor {
			return true, nil
		}
	}
	return false, nil
}
