package sqlite

import (
	"context"
	"time"

	"github.com/kefu/kefu/chat"
)

// widgetJSON is how a site's widget settings, and its file policy, are
// stored. It is a copy of chat.WidgetSettings with the store's own field
// names, so that renaming a field of the API's JSON does not change what
// is on disk; the conversions below stop compiling if the domain types
// change shape.
type widgetJSON struct {
	Color       string            `json:"color"`
	Position    string            `json:"position"`
	DefaultLang string            `json:"default_lang"`
	Languages   []string          `json:"languages,omitempty"`
	Greeting    map[string]string `json:"greeting,omitempty"`
	Topics      []topicJSON       `json:"topics,omitempty"`
	Timezone    string            `json:"timezone,omitempty"`
	Days        []openSpanJSON    `json:"days,omitempty"`
	Offline     string            `json:"offline,omitempty"`
	OfflineMsg  map[string]string `json:"offline_message,omitempty"`
	Logo        string            `json:"logo,omitempty"`
	LogoImage   []byte            `json:"logo_image,omitempty"` // base64 in the JSON
	// Files is the site's chat.FilePolicy, kept here rather than in a
	// column of its own: absent in rows written before it, which is the
	// zero policy, the defaults.
	Files filesJSON `json:"files,omitzero"`
}

type filesJSON struct {
	MaxMB      int      `json:"max_mb,omitempty"`
	PerMessage int      `json:"per_message,omitempty"`
	PerHour    int      `json:"per_hour,omitempty"`
	Extra      []string `json:"extra,omitempty"`
}

type topicJSON struct {
	ID     string            `json:"id"`
	Labels map[string]string `json:"labels,omitempty"`
}

type openSpanJSON struct {
	Weekday  time.Weekday `json:"weekday"`
	FromMin  int          `json:"from_min"`
	UntilMin int          `json:"until_min"`
}

func newWidgetJSON(w *chat.WidgetSettings, f chat.FilePolicy) widgetJSON {
	d := widgetJSON{
		Color: w.Color, Position: w.Position, DefaultLang: w.DefaultLang,
		Languages: w.Languages, Greeting: w.Greeting, Timezone: w.BusinessHours.Timezone, Offline: w.Offline,
		OfflineMsg: w.OfflineMessage, Logo: w.Logo, LogoImage: w.LogoImage, Files: filesJSON(f),
	}
	for _, t := range w.Topics {
		d.Topics = append(d.Topics, topicJSON(t))
	}
	for _, o := range w.BusinessHours.Days {
		d.Days = append(d.Days, openSpanJSON(o))
	}
	return d
}

func (d *widgetJSON) settings() chat.WidgetSettings {
	w := chat.WidgetSettings{
		Color: d.Color, Position: d.Position, DefaultLang: d.DefaultLang,
		Languages: d.Languages, Greeting: d.Greeting,
		BusinessHours: chat.BusinessHours{Timezone: d.Timezone}, Offline: d.Offline,
		OfflineMessage: d.OfflineMsg, Logo: d.Logo, LogoImage: d.LogoImage,
	}
	for _, t := range d.Topics {
		w.Topics = append(w.Topics, chat.Topic(t))
	}
	for _, o := range d.Days {
		w.BusinessHours.Days = append(w.BusinessHours.Days, chat.OpenSpan(o))
	}
	return w
}

// siteColumns encodes the stored columns of s that UpdateSite replaces.
func siteColumns(s *chat.Site) (origins, widget string, err error) {
	if origins, err = toJSON(s.AllowedOrigins); err != nil {
		return "", "", err
	}
	widget, err = toJSON(newWidgetJSON(&s.Widget, s.Files))
	return origins, widget, err
}

// Site returns the site with key.
func (s *Store) Site(ctx context.Context, key string) (*chat.Site, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	var (
		site            chat.Site
		origins, widget string
		created, upd    int64
	)
	var version int64
	// The key is read back rather than taken from the argument, which may
	// alias a buffer that the caller reuses (Fiber's request strings do).
	err := s.queryRow(ctx, `SELECT key, name, allowed_origins, identity_secret, widget, created_at, updated_at, version, require_2fa
		FROM sites WHERE key = ?`, key).
		Scan(&site.Key, &site.Name, &origins, &site.IdentitySecret, &widget, &created, &upd, &version, &site.RequireTwoFactor)
	if err != nil {
		return nil, mapErr(err, "find site", "site")
	}
	var w widgetJSON
	if err := fromJSON(origins, &site.AllowedOrigins); err != nil {
		return nil, err
	}
	if err := fromJSON(widget, &w); err != nil {
		return nil, err
	}
	site.Widget, site.Files = w.settings(), chat.FilePolicy(w.Files)
	site.CreatedAt, site.UpdatedAt, site.Version = fromMillis(created), fromMillis(upd), version
	return &site, nil
}

// CreateSite stores a new site. It fails with chat.CodeConflict when the
// key is taken.
func (s *Store) CreateSite(ctx context.Context, site *chat.Site) error {
	if site.Key == "" {
		return chat.Invalid("site key is required")
	}
	origins, widget, err := siteColumns(site)
	if err != nil {
		return err
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	_, err = s.w.ExecContext(ctx, `INSERT INTO sites
		(key, name, allowed_origins, identity_secret, widget, created_at, updated_at, require_2fa)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		site.Key, site.Name, origins, site.IdentitySecret, widget, millis(site.CreatedAt), millis(site.UpdatedAt), site.RequireTwoFactor)
	return mapErr(err, "insert site", "site")
}

// UpdateSite replaces everything of the site but its key and CreatedAt.
func (s *Store) UpdateSite(ctx context.Context, site *chat.Site) error {
	origins, widget, err := siteColumns(site)
	if err != nil {
		return err
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	res, err := s.w.ExecContext(ctx, `UPDATE sites
		SET name = ?, allowed_origins = ?, identity_secret = ?, widget = ?, updated_at = ?, require_2fa = ?, version = version + 1
		WHERE key = ? AND version = ?`,
		site.Name, origins, site.IdentitySecret, widget, millis(site.UpdatedAt), site.RequireTwoFactor, site.Key, site.Version)
	if err = updated(res, err, "update site", "site"); chat.IsCode(err, chat.CodeNotFound) {
		if _, gone := s.Site(ctx, site.Key); gone == nil {
			return chat.Errorf(chat.CodeConflict, "the site was changed meanwhile; read it again")
		}
	}
	if err == nil {
		site.Version++
	}
	return err
}

// SiteKeys returns up to limit site keys that sort after afterKey, in
// order, for jobs that run over every site such as rebuilding the search
// index.
func (s *Store) SiteKeys(ctx context.Context, afterKey string, limit int) ([]string, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	rows, err := s.query(ctx, `SELECT key FROM sites WHERE key > ? ORDER BY key LIMIT ?`, afterKey, limit)
	return collect(rows, err, "list sites", "site", func(r rowScanner) (string, error) {
		var k string
		err := r.Scan(&k)
		return k, err
	})
}
