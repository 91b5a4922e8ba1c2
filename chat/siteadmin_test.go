package chat

import (
	"strings"
	"testing"
	"time"
)

// Every field of a site patch is checked, and a bad one says which.
func TestSitePatchChecks(t *testing.T) {
	str := func(s string) *string { return &s }
	strs := func(s ...string) *[]string { return &s }
	tests := []struct {
		name, want string
		p          SitePatch
	}{
		{"empty name", "name", SitePatch{Name: str("  ")}},
		{"colour word", "color", SitePatch{Color: str("orange")}},
		{"position", "position", SitePatch{Position: str("top")}},
		{"origin with a path", "allowed origin", SitePatch{AllowedOrigins: strs("https://shop.example.com/cart")}},
		{"origin without scheme", "allowed origin", SitePatch{AllowedOrigins: strs("shop.example.com")}},
		{"star over http", "allowed origin", SitePatch{AllowedOrigins: strs("http://*.example.com")}},
		{"unknown language", "language", SitePatch{Languages: strs("xx")}},
		{"default not offered", "default_lang", SitePatch{Languages: strs("en"), DefaultLang: str("ja")}},
		{"greeting language", "greeting", SitePatch{Greeting: &map[string]string{"xx": "hi"}}},
		{"long greeting", "greeting", SitePatch{Greeting: &map[string]string{"en": strings.Repeat("a", 501)}}},
		{"topic id", "topic 1", SitePatch{Topics: &[]Topic{{ID: "a b", Labels: map[string]string{"en": "A"}}}}},
		{"topic twice", "topic 2", SitePatch{Topics: &[]Topic{{ID: "a", Labels: map[string]string{"en": "A"}}, {ID: "a", Labels: map[string]string{"en": "B"}}}}},
		{"topic without label", "label", SitePatch{Topics: &[]Topic{{ID: "a"}}}},
		{"time zone", "timezone", SitePatch{BusinessHours: &BusinessHours{Timezone: "Mars/Olympus"}}},
		{"span backwards", "opening span 1", SitePatch{BusinessHours: &BusinessHours{Days: []OpenSpan{{Weekday: time.Monday, FromMin: 600, UntilMin: 540}}}}},
		{"offline mode", "offline", SitePatch{Offline: str("email")}},
		{"file over 10 MB", "files.max_mb", SitePatch{Files: &FilePolicy{MaxMB: 11}}},
		{"negative file size", "files.max_mb", SitePatch{Files: &FilePolicy{MaxMB: -1}}},
		{"11 files a message", "files.per_message", SitePatch{Files: &FilePolicy{PerMessage: 11}}},
		{"121 uploads an hour", "files.per_hour", SitePatch{Files: &FilePolicy{PerHour: 121}}},
		{"unknown file kind", "files.extra_types", SitePatch{Files: &FilePolicy{Extra: []string{"svg"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := &Site{Key: "acme", Name: "Acme"}
			err := tt.p.applyTo(site)
			if ErrorCode(err) != CodeInvalid || !strings.Contains(ErrorMessage(err), tt.want) {
				t.Errorf("err = %v, want invalid naming %q", err, tt.want)
			}
		})
	}
	site := &Site{Key: "acme"}
	good := SitePatch{Name: str(" Acme "), Color: str("#AABBCC"), AllowedOrigins: strs("HTTPS://Shop.Example.com/", "https://*.example.com"),
		Languages: strs("zh-cn", "en", "en"), DefaultLang: str("EN"), Offline: str("form"),
		Files: &FilePolicy{MaxMB: 2, PerMessage: 10, PerHour: 120, Extra: []string{FilesVideo, FilesZip, FilesVideo}}}
	if err := good.applyTo(site); err != nil {
		t.Fatal(err)
	}
	if site.Name != "Acme" || site.Widget.Color != "#aabbcc" || strings.Join(site.AllowedOrigins, " ") != "https://shop.example.com https://*.example.com" ||
		strings.Join(site.Widget.Languages, " ") != "zh-CN en" || site.Widget.DefaultLang != "en" || site.Widget.Offline != OfflineForm ||
		site.Files.MaxMB != 2 || site.Files.PerMessage != 10 || site.Files.PerHour != 120 || strings.Join(site.Files.Extra, " ") != "zip video" {
		t.Errorf("tidied site = %+v", site)
	}
}

// A zero policy is kefu's defaults; a set field is kept.
func TestFilePolicyDefaults(t *testing.T) {
	def := FilePolicy{}.Effective()
	if def.MaxMB != 10 || def.PerMessage != 5 || def.PerHour != 30 || def.Extra == nil || (FilePolicy{}).MaxBytes() != 10<<20 {
		t.Errorf("the defaults: %+v, %d bytes", def, FilePolicy{}.MaxBytes())
	}
	if p := (FilePolicy{MaxMB: 3, PerMessage: 1, PerHour: 7}).Effective(); p.MaxMB != 3 || p.PerMessage != 1 || p.PerHour != 7 {
		t.Errorf("a set policy: %+v", p)
	}
}
