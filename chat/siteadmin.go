package chat

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// SiteAdmin holds the use cases of a site's settings: every agent of the
// site reads them; admins and owners change them and rotate the identity
// secret, which only they may read.
//
// Owners also create sites (sitecreate.go).
type SiteAdmin struct {
	store interface {
		SiteStore
		AgentStore
	}
	bus Bus
	now func() time.Time
	// makeLogo makes an uploaded logo safe and small (attach.Logo).
	makeLogo func([]byte) ([]byte, error)
}

// NewSiteAdmin returns a SiteAdmin. now may be nil for time.Now; makeLogo
// turns an uploaded logo into the PNG to keep (attach.Logo).
func NewSiteAdmin(store interface {
	SiteStore
	AgentStore
}, bus Bus, makeLogo func([]byte) ([]byte, error), now func() time.Time) *SiteAdmin {
	if now == nil {
		now = time.Now
	}
	return &SiteAdmin{store: store, bus: bus, now: now, makeLogo: makeLogo}
}

// SitePatch is a partial change of a site's settings: nil fields stay.
type SitePatch struct {
	Name           *string            `json:"name"`
	AllowedOrigins *[]string          `json:"allowed_origins"`
	Color          *string            `json:"color"`
	Position       *string            `json:"position"`
	DefaultLang    *string            `json:"default_lang"`
	Languages      *[]string          `json:"languages"`
	Greeting       *map[string]string `json:"greeting"`
	Topics         *[]Topic           `json:"topics"`
	BusinessHours  *BusinessHours     `json:"business_hours"`
	Offline        *string            `json:"offline"`
	OfflineMessage *map[string]string `json:"offline_message"`
	// Logo is an https URL, or "" for no logo; it replaces an uploaded one.
	Logo *string `json:"logo"`
	// RequireTwoFactor is for owners only: it decides how agents log in.
	RequireTwoFactor *bool `json:"require_two_factor"`
	// Files replaces the whole file policy; its zero fields are defaults.
	Files *FilePolicy `json:"files"`
}

// Limits on a site's settings.
const (
	maxSiteName       = 100
	maxOrigins        = 50
	maxGreeting       = 500
	maxTopics         = 12
	maxTopicLabel     = 40
	maxBusinessSpans  = 21
	minutesInDay      = 24 * 60
	identitySecretLen = 32 // bytes, hex-encoded
)

var colorRe = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// NewIdentitySecret returns a new random identity secret.
func NewIdentitySecret() string {
	var b [identitySecretLen]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("chat: crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b[:])
}

// Get returns the actor's site. The identity secret is left empty unless
// the actor is an admin or owner.
func (s *SiteAdmin) Get(ctx context.Context, a Actor) (*Site, error) {
	if err := a.Require(RoleAgent); err != nil {
		return nil, err
	}
	site, err := s.store.Site(ctx, a.Site)
	if err != nil {
		return nil, err
	}
	if a.Require(RoleAdmin) != nil {
		site.IdentitySecret = ""
	}
	return site, nil
}

// Update applies p to the actor's site, all of it or, when any field is
// invalid, none of it.
func (s *SiteAdmin) Update(ctx context.Context, a Actor, p SitePatch) (*Site, error) {
	if err := a.Require(RoleAdmin); err != nil {
		return nil, err
	}
	if p.RequireTwoFactor != nil && a.Require(RoleOwner) != nil {
		return nil, Errorf(CodeForbidden, "only owners decide whether agents need two-factor login")
	}
	// An owner who requires it of others has it: they would be held at
	// the enrolment too.
	if p.RequireTwoFactor != nil && *p.RequireTwoFactor && !a.Agent.TwoFactor() {
		return nil, Invalid("turn on two-factor login for yourself first (My account), then require it of the site's agents")
	}
	site, err := s.store.Site(ctx, a.Site)
	if err != nil {
		return nil, err
	}
	if err := p.applyTo(site); err != nil {
		return nil, err
	}
	site.UpdatedAt = s.now().UTC()
	if err := s.store.UpdateSite(ctx, site); err != nil {
		return nil, err
	}
	return site, s.announce(ctx, site.Key)
}

// announce tells every node, and through them every open widget, that the
// site's settings changed. The change is saved either way; without the
// bus, nodes see it within their cache's life and widgets on their next
// page load.
func (s *SiteAdmin) announce(ctx context.Context, key string) error {
	data, err := json.Marshal(Event{Type: EventSite, Site: key})
	if err == nil {
		err = s.bus.Publish(ctx, SiteSubject(key), data)
	}
	if err != nil {
		return Wrap(CodeUnavailable, err, "the change is saved, but other nodes and open widgets were not told")
	}
	return nil
}

// RotateSecret gives the actor's site a new identity secret: hashes and
// tokens made with the old one are refused from then on.
func (s *SiteAdmin) RotateSecret(ctx context.Context, a Actor) (*Site, error) {
	if err := a.Require(RoleAdmin); err != nil {
		return nil, err
	}
	site, err := s.store.Site(ctx, a.Site)
	if err != nil {
		return nil, err
	}
	site.IdentitySecret, site.UpdatedAt = NewIdentitySecret(), s.now().UTC()
	if err := s.store.UpdateSite(ctx, site); err != nil {
		return nil, err
	}
	return site, s.announce(ctx, site.Key)
}

// applyTo checks every field of p and sets it on site.
func (p SitePatch) applyTo(site *Site) error {
	w := &site.Widget
	if p.Name != nil {
		n := strings.TrimSpace(*p.Name)
		if n == "" || utf8.RuneCountInString(n) > maxSiteName {
			return Invalid("name must be 1 to %d characters", maxSiteName)
		}
		site.Name = n
	}
	if p.AllowedOrigins != nil {
		origins, err := checkOrigins(*p.AllowedOrigins)
		if err != nil {
			return err
		}
		site.AllowedOrigins = origins
	}
	if p.Color != nil {
		if !colorRe.MatchString(*p.Color) {
			return Invalid("color must be like #1677ff")
		}
		w.Color = strings.ToLower(*p.Color)
	}
	if p.Position != nil {
		if *p.Position != "left" && *p.Position != "right" {
			return Invalid("position must be left or right")
		}
		w.Position = *p.Position
	}
	if p.Languages != nil {
		langs, err := checkLanguages(*p.Languages)
		if err != nil {
			return err
		}
		w.Languages = langs
	}
	if p.DefaultLang != nil {
		l, ok := Language(*p.DefaultLang)
		if *p.DefaultLang != "" && !ok {
			return Invalid("default_lang %q is not one of the languages kefu speaks", clip(*p.DefaultLang, 16))
		}
		w.DefaultLang = l
	}
	if w.DefaultLang != "" && len(w.Languages) > 0 && !slices.Contains(w.Languages, w.DefaultLang) {
		return Invalid("default_lang %s is not among the site's languages", w.DefaultLang)
	}
	if p.Greeting != nil {
		g, err := checkByLang("greeting", *p.Greeting, maxGreeting)
		if err != nil {
			return err
		}
		w.Greeting = g
	}
	if p.Topics != nil {
		if err := checkTopics(*p.Topics); err != nil {
			return err
		}
		w.Topics = *p.Topics
	}
	if p.BusinessHours != nil {
		if err := checkHours(*p.BusinessHours); err != nil {
			return err
		}
		w.BusinessHours = *p.BusinessHours
	}
	if p.Offline != nil {
		if *p.Offline != OfflineChat && *p.Offline != OfflineForm {
			return Invalid("offline must be chat or form")
		}
		w.Offline = *p.Offline
	}
	if p.OfflineMessage != nil {
		m, err := checkByLang("offline_message", *p.OfflineMessage, maxGreeting)
		if err != nil {
			return err
		}
		w.OfflineMessage = m
	}
	if p.RequireTwoFactor != nil {
		site.RequireTwoFactor = *p.RequireTwoFactor
	}
	if p.Files != nil {
		f, err := p.Files.check()
		if err != nil {
			return err
		}
		site.Files = f
	}
	if p.Logo != nil {
		logo, err := checkLogoURL(*p.Logo)
		if err != nil {
			return err
		}
		w.Logo, w.LogoImage = logo, nil
	}
	return nil
}

// checkOrigins returns origins tidied (lower case, no trailing slash), or
// says which one is not scheme://host[:port] or https://*.domain.
func checkOrigins(in []string) ([]string, error) {
	if len(in) > maxOrigins {
		return nil, Invalid("at most %d allowed origins", maxOrigins)
	}
	out := make([]string, 0, len(in))
	for _, o := range in {
		o = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(o), "/"))
		u, err := url.Parse(strings.Replace(o, "://*.", "://", 1))
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Path != "" || u.RawQuery != "" ||
			(strings.Contains(o, "*") && !strings.HasPrefix(o, "https://*.")) {
			return nil, Invalid("allowed origin %q must be like https://shop.example.com or https://*.example.com", clip(o, 100))
		}
		out = append(out, o)
	}
	return out, nil
}

func checkLanguages(in []string) ([]string, error) {
	out := make([]string, 0, len(in))
	for _, l := range in {
		tag, ok := Language(l)
		if !ok {
			return nil, Invalid("language %q is not one of the languages kefu speaks: %s", clip(l, 16), strings.Join(Languages(), ", "))
		}
		if !slices.Contains(out, tag) {
			out = append(out, tag)
		}
	}
	return out, nil
}

// checkByLang checks text by language, such as a greeting, and drops the
// empty ones.
func checkByLang(what string, in map[string]string, limit int) (map[string]string, error) {
	out := make(map[string]string, len(in))
	for l, text := range in {
		tag, ok := Language(l)
		if !ok {
			return nil, Invalid("%s: %q is not one of the languages kefu speaks", what, clip(l, 16))
		}
		text = strings.TrimSpace(text)
		if utf8.RuneCountInString(text) > limit || !utf8.ValidString(text) {
			return nil, Invalid("%s in %s must be at most %d characters of text", what, tag, limit)
		}
		if text != "" {
			out[tag] = text
		}
	}
	return out, nil
}

func checkTopics(ts []Topic) error {
	if len(ts) > maxTopics {
		return Invalid("at most %d topics", maxTopics)
	}
	seen := map[string]bool{}
	for i := range ts {
		t := &ts[i]
		if !ValidKey(t.ID) || len(t.ID) > 64 || seen[t.ID] {
			return Invalid("topic %d needs an id of letters, digits, - and _ that no other topic has", i+1)
		}
		seen[t.ID] = true
		labels, err := checkByLang(fmt.Sprintf("topic %s", t.ID), t.Labels, maxTopicLabel)
		if err != nil {
			return err
		}
		if len(labels) == 0 {
			return Invalid("topic %s needs a label in at least one language", t.ID)
		}
		t.Labels = labels
	}
	return nil
}

func checkHours(h BusinessHours) error {
	if h.Timezone != "" {
		if _, err := time.LoadLocation(h.Timezone); err != nil {
			return Invalid("timezone %q is not a time zone such as Asia/Shanghai", clip(h.Timezone, 64))
		}
	}
	if len(h.Days) > maxBusinessSpans {
		return Invalid("at most %d opening spans", maxBusinessSpans)
	}
	for i, d := range h.Days {
		if d.Weekday < time.Sunday || d.Weekday > time.Saturday || d.FromMin < 0 || d.UntilMin > minutesInDay || d.FromMin >= d.UntilMin {
			return Invalid("opening span %d must be a weekday 0 to 6 and minutes 0 to %d, from before until", i+1, minutesInDay)
		}
	}
	return nil
}
