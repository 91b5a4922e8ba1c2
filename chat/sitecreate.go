package chat

import (
	"context"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// siteKeyRe is what a site key looks like: it is in every snippet and URL.
var siteKeyRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,31}$`)

// NewSiteInput is a site to create: its name, and its key, which is made
// up when empty.
type NewSiteInput struct {
	Key  string `json:"key"`
	Name string `json:"name"`
}

// Create makes a new site with the settings a new site starts with (see
// NewSite), and adds it to the owner's sites. Only owners create sites.
// Other agents join it when an owner gives it to them.
func (s *SiteAdmin) Create(ctx context.Context, a Actor, in NewSiteInput) (*Site, error) {
	if err := a.Require(RoleOwner); err != nil {
		return nil, err
	}
	name := strings.TrimSpace(in.Name)
	if name == "" || utf8.RuneCountInString(name) > maxSiteName {
		return nil, Invalid("name must be 1 to %d characters", maxSiteName)
	}
	key := strings.TrimSpace(in.Key)
	if key == "" {
		key = NewID()[:10]
	} else if !siteKeyRe.MatchString(key) {
		return nil, Invalid("key must be 2 to 32 lowercase letters, digits or dashes, starting with a letter or digit")
	}
	site := NewSite(key, name, s.now().UTC())
	if err := s.store.CreateSite(ctx, site); err != nil {
		if IsCode(err, CodeConflict) {
			return nil, Errorf(CodeConflict, "a site with the key %s exists", key)
		}
		return nil, err
	}
	// The owner read before the site existed; a concurrent change of the
	// owner makes UpdateAgent refuse, so read again and retry.
	for try := 0; ; try++ {
		owner, err := s.store.Agent(ctx, a.Agent.ID)
		if err != nil {
			return nil, err
		}
		owner.Sites = append(owner.Sites, key)
		err = s.store.UpdateAgent(ctx, owner)
		if err == nil {
			break
		}
		if !IsCode(err, CodeConflict) || try == 2 {
			return nil, Wrap(ErrorCode(err), err, "the site "+key+" is created, but could not be added to your sites")
		}
	}
	// The owner's open sockets come back with the new site.
	if err := announceAgent(ctx, s.bus, a.Agent.ID); err != nil {
		return site, err
	}
	return site, nil
}

// NewSite returns the settings a new site starts with: the widget follows
// the visitor's browser language, greets in Chinese and English, is open
// at all hours and is allowed on every origin until the owner lists some.
func NewSite(key, name string, now time.Time) *Site {
	return &Site{
		Key:            key,
		Name:           name,
		IdentitySecret: NewIdentitySecret(),
		Widget: WidgetSettings{
			Color:    "#1f6feb",
			Position: "right",
			Greeting: map[string]string{
				"zh-CN": "您好！请问有什么可以帮您？",
				"en":    "Hi! How can we help you today?",
			},
			Offline: OfflineChat,
		},
		CreatedAt: now,
		UpdatedAt: now,
	}
}
