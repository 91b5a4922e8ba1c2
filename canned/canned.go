// Package canned holds the rules of canned replies: texts that an agent
// inserts into the reply box by typing a slash and a shortcut, such as
// /refund. Every agent of a site reads the site's replies; its admins and
// owners write them.
package canned

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kefu/kefu/chat"
)

// Bounds of canned replies. A reply's text is bounded as a message's
// (chat.MaxTextRunes), since it is sent as one.
const (
	MaxShortcut = 32  // characters of a shortcut
	MaxPerSite  = 500 // replies of one site
)

// Store is what the service reads and writes: the replies, and the sites
// whose languages a reply may have.
type Store interface {
	chat.CannedStore
	Site(ctx context.Context, key string) (*chat.Site, error)
}

// Service holds the use cases of canned replies.
type Service struct {
	store Store
	now   func() time.Time
}

// New returns a Service. now may be nil for time.Now.
func New(store Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, now: now}
}

// Input is a reply as an admin writes it.
type Input struct {
	Shortcut string `json:"shortcut"`
	Lang     string `json:"lang"`
	Text     string `json:"text"`
}

// List returns the replies of the actor's site, by shortcut and then
// language. With lang, only those in lang and those for any language.
func (s *Service) List(ctx context.Context, a chat.Actor, lang string) ([]chat.Canned, error) {
	if err := a.Require(chat.RoleAgent); err != nil {
		return nil, err
	}
	if lang != "" {
		l, ok := chat.Language(lang)
		if !ok {
			return nil, chat.Invalid("lang %q is not one of the languages kefu speaks: %s", clip(lang, 16), strings.Join(chat.Languages(), ", "))
		}
		lang = l
	}
	// A few past the bound, in case two creates raced past it: none is
	// hidden.
	list, err := s.store.ListCanned(ctx, a.Site, MaxPerSite+10)
	if err != nil || lang == "" {
		return list, err
	}
	return slices.DeleteFunc(list, func(c chat.Canned) bool { return c.Lang != "" && c.Lang != lang }), nil
}

// Languages returns the languages a reply of the actor's site may be
// written in: the site's, or every language kefu speaks for a site that
// names none.
func (s *Service) Languages(ctx context.Context, a chat.Actor) ([]string, error) {
	if err := a.Require(chat.RoleAgent); err != nil {
		return nil, err
	}
	site, err := s.store.Site(ctx, a.Site)
	if err != nil {
		return nil, err
	}
	return siteLanguages(site), nil
}

func siteLanguages(site *chat.Site) []string {
	if len(site.Widget.Languages) > 0 {
		return site.Widget.Languages
	}
	return chat.Languages()
}

// Create adds a reply to the actor's site, which may have MaxPerSite.
func (s *Service) Create(ctx context.Context, a chat.Actor, in Input) (*chat.Canned, error) {
	if err := a.Require(chat.RoleAdmin); err != nil {
		return nil, err
	}
	c, err := s.check(ctx, a, in)
	if err != nil {
		return nil, err
	}
	n, err := s.store.CountCanned(ctx, a.Site)
	if err != nil {
		return nil, err
	}
	if n >= MaxPerSite {
		return nil, chat.Invalid("a site has at most %d canned replies: delete one first", MaxPerSite)
	}
	c.CreatedBy, c.CreatedAt = c.UpdatedBy, c.UpdatedAt
	if err := s.store.CreateCanned(ctx, c); err != nil {
		return nil, taken(err, c)
	}
	return c, nil
}

// Update replaces the shortcut, language and text of reply id of the
// actor's site. Another site's reply is not found, whatever the role.
func (s *Service) Update(ctx context.Context, a chat.Actor, id string, in Input) (*chat.Canned, error) {
	old, err := s.get(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if err := a.Require(chat.RoleAdmin); err != nil {
		return nil, err
	}
	c, err := s.check(ctx, a, in)
	if err != nil {
		return nil, err
	}
	c.ID, c.CreatedBy, c.CreatedAt = old.ID, old.CreatedBy, old.CreatedAt
	if err := s.store.UpdateCanned(ctx, c); err != nil {
		return nil, taken(err, c)
	}
	return c, nil
}

// Delete removes reply id of the actor's site. Another site's reply is
// not found, whatever the role.
func (s *Service) Delete(ctx context.Context, a chat.Actor, id string) error {
	if _, err := s.get(ctx, a, id); err != nil {
		return err
	}
	if err := a.Require(chat.RoleAdmin); err != nil {
		return err
	}
	return s.store.DeleteCanned(ctx, a.Site, id)
}

func (s *Service) get(ctx context.Context, a chat.Actor, id string) (*chat.Canned, error) {
	if err := a.Require(chat.RoleAgent); err != nil {
		return nil, err
	}
	if !chat.ValidKey(id) {
		return nil, chat.NotFound("canned reply")
	}
	return s.store.Canned(ctx, a.Site, id)
}

// check validates in for the actor's site and returns the reply it
// makes, saved by the actor now.
func (s *Service) check(ctx context.Context, a chat.Actor, in Input) (*chat.Canned, error) {
	shortcut, err := Shortcut(in.Shortcut)
	if err != nil {
		return nil, err
	}
	text, err := chat.ValidateText(in.Text)
	if err != nil {
		return nil, err
	}
	lang := ""
	if strings.TrimSpace(in.Lang) != "" {
		site, err := s.store.Site(ctx, a.Site)
		if err != nil {
			return nil, err
		}
		l, ok := chat.Language(in.Lang)
		langs := siteLanguages(site)
		if !ok || !slices.Contains(langs, l) {
			return nil, chat.Invalid("lang %q is not one of the site's languages: %s, or empty for any", clip(in.Lang, 16), strings.Join(langs, ", "))
		}
		lang = l
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	return &chat.Canned{Site: a.Site, Shortcut: shortcut, Lang: lang, Text: text,
		UpdatedBy: a.Agent.ID, UpdatedByName: a.Agent.Name, UpdatedAt: now}, nil
}

// taken gives a store's conflict a message that names the shortcut.
func taken(err error, c *chat.Canned) error {
	if !chat.IsCode(err, chat.CodeConflict) {
		return err
	}
	lang := c.Lang
	if lang == "" {
		lang = "any language"
	}
	return chat.Wrap(chat.CodeConflict, err, "the shortcut /"+c.Shortcut+" is taken for "+lang+" on this site")
}

// Shortcut checks what an agent types after the slash and returns it as
// it is kept: lowercase, without the slash. A shortcut is 1 to
// MaxShortcut letters (of any script, so 退款 is one), digits, '-' and
// '_': no spaces, since a space ends it in the reply box.
func Shortcut(s string) (string, error) {
	s = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(s), "/"))
	if s == "" || !utf8.ValidString(s) || utf8.RuneCountInString(s) > MaxShortcut {
		return "", chat.Invalid("shortcut must be 1 to %d characters", MaxShortcut)
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) && r != '-' && r != '_' {
			return "", chat.Invalid("shortcut %q may hold only letters, digits, - and _", clip(s, MaxShortcut))
		}
	}
	return s, nil
}

// clip cuts s to n characters, for an error message.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
