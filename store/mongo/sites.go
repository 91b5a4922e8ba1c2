package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kefu/kefu/chat"
)

type siteDoc struct {
	Key            string    `bson:"_id"`
	Name           string    `bson:"name"`
	AllowedOrigins []string  `bson:"allowed_origins"`
	IdentitySecret string    `bson:"identity_secret"`
	Widget         widgetDoc `bson:"widget"`
	Require2FA     bool      `bson:"require_2fa,omitempty"`
	// Files is absent in documents written before it: the zero policy,
	// the defaults.
	Files     filesDoc  `bson:"files,omitempty"`
	CreatedAt time.Time `bson:"created_at"`
	UpdatedAt time.Time `bson:"updated_at"`
	// Version advances with every update; a missing one counts as 0.
	Version int64 `bson:"version,omitempty"`
}

type widgetDoc struct {
	Color         string            `bson:"color"`
	Position      string            `bson:"position"`
	DefaultLang   string            `bson:"default_lang"`
	Languages     []string          `bson:"languages,omitempty"`
	Greeting      map[string]string `bson:"greeting,omitempty"`
	Topics        []topicDoc        `bson:"topics,omitempty"`
	BusinessHours hoursDoc          `bson:"business_hours"`
	Offline       string            `bson:"offline,omitempty"`
	OfflineMsg    map[string]string `bson:"offline_message,omitempty"`
	Logo          string            `bson:"logo,omitempty"`
	LogoImage     []byte            `bson:"logo_image,omitempty"`
}

type filesDoc struct {
	MaxMB      int      `bson:"max_mb,omitempty"`
	PerMessage int      `bson:"per_message,omitempty"`
	PerHour    int      `bson:"per_hour,omitempty"`
	Extra      []string `bson:"extra,omitempty"`
}

type hoursDoc struct {
	Timezone string        `bson:"timezone,omitempty"`
	Days     []openSpanDoc `bson:"days,omitempty"`
}

type topicDoc struct {
	ID     string            `bson:"id"`
	Labels map[string]string `bson:"labels,omitempty"`
}

type openSpanDoc struct {
	Weekday  time.Weekday `bson:"weekday"`
	FromMin  int          `bson:"from_min"`
	UntilMin int          `bson:"until_min"`
}

func newSiteDoc(s *chat.Site) siteDoc {
	w := s.Widget
	d := siteDoc{
		Key:            s.Key,
		Name:           s.Name,
		AllowedOrigins: s.AllowedOrigins,
		IdentitySecret: s.IdentitySecret,
		Require2FA:     s.RequireTwoFactor,
		Files:          filesDoc(s.Files),
		Widget: widgetDoc{
			Color:         w.Color,
			Position:      w.Position,
			DefaultLang:   w.DefaultLang,
			Languages:     w.Languages,
			Greeting:      w.Greeting,
			BusinessHours: hoursDoc{Timezone: w.BusinessHours.Timezone},
			Offline:       w.Offline,
			OfflineMsg:    w.OfflineMessage,
			Logo:          w.Logo,
			LogoImage:     w.LogoImage,
		},
		CreatedAt: s.CreatedAt,
		UpdatedAt: s.UpdatedAt,
		Version:   s.Version,
	}
	// Conversions, not field copies: they stop compiling if the domain
	// types change shape.
	for _, t := range w.Topics {
		d.Widget.Topics = append(d.Widget.Topics, topicDoc(t))
	}
	for _, o := range w.BusinessHours.Days {
		d.Widget.BusinessHours.Days = append(d.Widget.BusinessHours.Days, openSpanDoc(o))
	}
	return d
}

func (d *siteDoc) site() *chat.Site {
	w := d.Widget
	s := &chat.Site{
		Key:              d.Key,
		Name:             d.Name,
		AllowedOrigins:   d.AllowedOrigins,
		IdentitySecret:   d.IdentitySecret,
		RequireTwoFactor: d.Require2FA,
		Files:            chat.FilePolicy(d.Files),
		Widget: chat.WidgetSettings{
			Color:          w.Color,
			Position:       w.Position,
			DefaultLang:    w.DefaultLang,
			Languages:      w.Languages,
			Greeting:       w.Greeting,
			BusinessHours:  chat.BusinessHours{Timezone: w.BusinessHours.Timezone},
			Offline:        w.Offline,
			OfflineMessage: w.OfflineMsg,
			Logo:           w.Logo,
			LogoImage:      w.LogoImage,
		},
		CreatedAt: d.CreatedAt,
		UpdatedAt: d.UpdatedAt,
		Version:   d.Version,
	}
	for _, t := range w.Topics {
		s.Widget.Topics = append(s.Widget.Topics, chat.Topic(t))
	}
	for _, o := range w.BusinessHours.Days {
		s.Widget.BusinessHours.Days = append(s.Widget.BusinessHours.Days, chat.OpenSpan(o))
	}
	return s
}

// Site returns the site with key.
func (s *Store) Site(ctx context.Context, key string) (*chat.Site, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	var d siteDoc
	if err := s.sites.FindOne(ctx, byID(key)).Decode(&d); err != nil {
		return nil, mapErr(err, "find site", "site")
	}
	return d.site(), nil
}

// SiteKeys returns up to limit site keys that sort after afterKey, in
// order, for jobs that run over every site such as rebuilding the search
// index.
func (s *Store) SiteKeys(ctx context.Context, afterKey string, limit int) ([]string, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	opts := options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}).
		SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit))
	cur, err := s.sites.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: afterKey}}}}, opts)
	if err != nil {
		return nil, mapErr(err, "list sites", "site")
	}
	var docs []struct {
		Key string `bson:"_id"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr(err, "list sites", "site")
	}
	keys := make([]string, len(docs))
	for i, d := range docs {
		keys[i] = d.Key
	}
	return keys, nil
}

// CreateSite stores a new site. It fails with chat.CodeConflict when the
// key is taken.
func (s *Store) CreateSite(ctx context.Context, site *chat.Site) error {
	if site.Key == "" {
		return chat.Invalid("site key is required")
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	_, err := s.sites.InsertOne(ctx, newSiteDoc(site))
	return mapErr(err, "insert site", "site")
}

// UpdateSite replaces everything of the site but its key and CreatedAt.
func (s *Store) UpdateSite(ctx context.Context, site *chat.Site) error {
	ctx, cancel := s.op(ctx)
	defer cancel()
	d := newSiteDoc(site)
	filter := bson.D{{Key: "_id", Value: site.Key}, {Key: "version", Value: site.Version}}
	if site.Version == 0 {
		filter = bson.D{{Key: "_id", Value: site.Key}, {Key: "$or", Value: bson.A{
			bson.D{{Key: "version", Value: int64(0)}}, bson.D{{Key: "version", Value: bson.D{{Key: "$exists", Value: false}}}},
		}}}
	}
	res, err := s.sites.UpdateOne(ctx, filter, bson.D{{Key: "$set", Value: bson.D{
		{Key: "name", Value: d.Name},
		{Key: "allowed_origins", Value: d.AllowedOrigins},
		{Key: "identity_secret", Value: d.IdentitySecret},
		{Key: "widget", Value: d.Widget},
		{Key: "require_2fa", Value: d.Require2FA},
		{Key: "files", Value: d.Files},
		{Key: "updated_at", Value: d.UpdatedAt},
		{Key: "version", Value: site.Version + 1},
	}}})
	if err != nil {
		return mapErr(err, "update site", "site")
	}
	if res.MatchedCount == 0 {
		if _, gone := s.Site(ctx, site.Key); gone == nil {
			return chat.Errorf(chat.CodeConflict, "the site was changed meanwhile; read it again")
		}
		return chat.NotFound("site")
	}
	site.Version++
	return nil
}
