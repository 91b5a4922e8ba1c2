package store

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
)

func TestSites(t *testing.T) {
	s := mustOpenStore(t)
	ctx := context.Background()
	site := &chat.Site{
		Key:            "acme",
		Name:           "Acme",
		AllowedOrigins: []string{"https://acme.example"},
		IdentitySecret: "secret",
		Widget: chat.WidgetSettings{
			Color: "#0a84ff", Position: "right", DefaultLang: "zh",
			Languages: []string{"zh", "en"},
			Greeting:  map[string]string{"zh": "你好", "en": "Hi"},
			Topics:    []chat.Topic{{ID: "billing", Labels: map[string]string{"zh": "账单"}}},
			BusinessHours: chat.BusinessHours{
				Timezone: "Asia/Shanghai",
				Days:     []chat.OpenSpan{{Weekday: time.Monday, FromMin: 540, UntilMin: 1080}},
			},
		},
		CreatedAt: now(),
		UpdatedAt: now(),
	}
	must(t, s.CreateSite(ctx, site))

	got, err := s.Site(ctx, "acme")
	must(t, err)
	if !reflect.DeepEqual(got, site) {
		t.Errorf("Site = %+v\nwant %+v", got, site)
	}

	updated := *site
	updated.Name = "Acme Inc"
	updated.Widget.Color = "#ff0000"
	updated.CreatedAt = time.Time{} // ignored by UpdateSite
	must(t, s.UpdateSite(ctx, &updated))
	got, err = s.Site(ctx, "acme")
	must(t, err)
	if got.Name != "Acme Inc" || got.Widget.Color != "#ff0000" || !got.CreatedAt.Equal(site.CreatedAt) {
		t.Errorf("after update: name %q color %q created %v", got.Name, got.Widget.Color, got.CreatedAt)
	}

	tests := []struct {
		name string
		err  error
		want chat.Code
	}{
		{"duplicate key", s.CreateSite(ctx, &chat.Site{Key: "acme"}), chat.CodeConflict},
		{"empty key", s.CreateSite(ctx, &chat.Site{}), chat.CodeInvalid},
		{"missing site", func() error { _, err := s.Site(ctx, "nope"); return err }(), chat.CodeNotFound},
		{"update missing site", s.UpdateSite(ctx, &chat.Site{Key: "nope"}), chat.CodeNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantCode(t, tt.err, tt.want) })
	}
}

func TestSiteKeys(t *testing.T) {
	s := mustOpenStore(t)
	ctx := context.Background()
	for _, k := range []string{"a", "b", "c"} {
		if err := s.CreateSite(ctx, &chat.Site{Key: k, Name: k}); err != nil {
			t.Fatal(err)
		}
	}
	keys, err := s.SiteKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(keys)
	if !slices.Equal(keys, []string{"a", "b", "c"}) {
		t.Fatalf("keys = %v", keys)
	}
}
