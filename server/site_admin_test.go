package server_test

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/png"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/kefu/kefu/attach"
	"github.com/kefu/kefu/auth"
	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/client"
)

// siteJSON is a site as the API shows it.
type siteJSON struct {
	Key            string              `json:"key"`
	Name           string              `json:"name"`
	IdentitySecret string              `json:"identity_secret"`
	Snippet        string              `json:"snippet"`
	Widget         chat.WidgetSettings `json:"widget"`
}

// An owner changes the site's settings through the API: the widget's
// config shows them at once, a bad patch changes nothing, allowed origins
// refuse other pages, and a rotated secret refuses the old hash. An agent
// reads the settings without the secret.
func TestSiteSettings(t *testing.T) {
	e := startEnv(t, func(o *serverOptions) { o.Limits.LoginPerAccount, o.Limits.LoginPerMinute = 100, 100 })
	ctx := ctxT(t)
	c := e.client()
	_, owner := e.mustAgentWithRole(ctx, e.store, "owner@example.com", "site-a", chat.RoleOwner)
	var got struct {
		Site siteJSON `json:"site"`
	}
	if err := c.Do(ctx, "GET", "/api/v1/sites/site-a", e.agentA, nil, &got); err != nil {
		t.Fatal(err)
	}
	if got.Site.IdentitySecret != "" || !strings.Contains(got.Site.Snippet, `data-site="site-a"`) {
		t.Errorf("an agent sees secret %q and snippet %q; want no secret, the snippet", got.Site.IdentitySecret, got.Site.Snippet)
	}

	patch := map[string]any{
		"name": "Acme 客服", "color": "#FF6600", "greeting": map[string]string{"en": "Hello from Acme", "zh-cn": "欢迎"},
		"topics":  []map[string]any{{"id": "billing", "labels": map[string]string{"en": "Billing"}}},
		"offline": "form", "languages": []string{"en", "zh-CN"},
	}
	if err := c.Do(ctx, "PATCH", "/api/v1/sites/site-a", owner, patch, &got); err != nil {
		t.Fatal(err)
	}
	if got.Site.Name != "Acme 客服" || got.Site.Widget.Color != "#ff6600" || got.Site.Widget.Greeting["zh-CN"] != "欢迎" || got.Site.IdentitySecret == "" {
		t.Errorf("after the patch: %+v", got.Site)
	}
	var cfg struct {
		Name     string `json:"name"`
		Color    string `json:"color"`
		Greeting string `json:"greeting"`
		Offline  string `json:"offline"`
		Topics   []struct {
			ID, Label string
		} `json:"topics"`
	}
	if err := c.Do(ctx, "GET", "/api/v1/widget/site-a/config?lang=en", "", nil, &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Name != "Acme 客服" || cfg.Color != "#ff6600" || cfg.Greeting != "Hello from Acme" || cfg.Offline != "form" || len(cfg.Topics) != 1 || cfg.Topics[0].Label != "Billing" {
		t.Errorf("the widget's config after the patch: %+v", cfg)
	}

	// A bad field refuses the whole patch.
	err := c.Do(ctx, "PATCH", "/api/v1/sites/site-a", owner, map[string]any{"name": "Half", "color": "orange"}, nil)
	wantStatus(t, err, http.StatusBadRequest)
	if err := c.Do(ctx, "GET", "/api/v1/sites/site-a", owner, nil, &got); err != nil || got.Site.Name != "Acme 客服" {
		t.Errorf("a refused patch changed the name to %q (%v)", got.Site.Name, err)
	}

	// Allowed origins: another page is refused.
	if err := c.Do(ctx, "PATCH", "/api/v1/sites/site-a", owner, map[string]any{"allowed_origins": []string{"https://shop.example.com/"}}, nil); err != nil {
		t.Fatal(err)
	}
	for origin, want := range map[string]int{"https://shop.example.com": 200, "https://evil.example": 403} {
		req, _ := http.NewRequest("GET", e.url+"/api/v1/widget/site-a/config", nil)
		req.Header.Set("Origin", origin)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("a page on %s gets %d, want %d", origin, res.StatusCode, want)
		}
	}

	// Rotating the secret refuses hashes made with the old one.
	old := got.Site.IdentitySecret
	user := func(secret string) error {
		_, err := c.NewSession(ctx, "site-a", &client.Identity{ID: "u1", Hash: auth.UserHash(secret, "u1")})
		return err
	}
	if err := user(old); err != nil {
		t.Fatalf("the current secret's hash: %v", err)
	}
	if err := c.Do(ctx, "POST", "/api/v1/sites/site-a/identity-secret", owner, nil, &got); err != nil {
		t.Fatal(err)
	}
	if got.Site.IdentitySecret == old || got.Site.IdentitySecret == "" {
		t.Fatalf("the secret did not change: %q", got.Site.IdentitySecret)
	}
	wantStatus(t, user(old), http.StatusUnauthorized)
	if err := user(got.Site.IdentitySecret); err != nil {
		t.Errorf("the new secret's hash: %v", err)
	}
}

// An owner creates a site: it starts with a new site's settings, joins
// the owner's sites at once, and can be set up like any other. A taken or
// malformed key is refused, and only owners create sites.
func TestCreateSite(t *testing.T) {
	e := startEnv(t, func(o *serverOptions) { o.Limits.LoginPerAccount, o.Limits.LoginPerMinute = 100, 100 })
	ctx := ctxT(t)
	c := e.client()
	_, owner := e.mustAgentWithRole(ctx, e.store, "owner@example.com", "site-a", chat.RoleOwner)
	_, admin := e.mustAgentWithRole(ctx, e.store, "admin@example.com", "site-a", chat.RoleAdmin)
	var got struct {
		Site siteJSON `json:"site"`
	}
	if err := c.Do(ctx, "POST", "/api/v1/sites", owner, map[string]string{"key": "shop-2", "name": " 第二家店 "}, &got); err != nil {
		t.Fatal(err)
	}
	s := got.Site
	if s.Key != "shop-2" || s.Name != "第二家店" || s.Widget.DefaultLang != "" || len(s.IdentitySecret) != 64 || !strings.Contains(s.Snippet, `data-site="shop-2"`) {
		t.Errorf("the new site: %+v; want key shop-2, the trimmed name, the browser's language, a secret and its snippet", s)
	}
	var list struct {
		Sites []siteJSON `json:"sites"`
	}
	if err := c.Do(ctx, "GET", "/api/v1/sites", owner, nil, &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Sites) != 2 || list.Sites[1].Key != "shop-2" {
		t.Errorf("the owner's sites after creating one: %+v", list.Sites)
	}
	if err := c.Do(ctx, "PATCH", "/api/v1/sites/shop-2", owner, map[string]string{"color": "#00aa55"}, nil); err != nil {
		t.Errorf("set up the new site: %v", err)
	}
	if err := c.Do(ctx, "GET", "/api/v1/widget/shop-2/config", "", nil, nil); err != nil {
		t.Errorf("the new site's widget config: %v", err)
	}

	// Without a key, one is made up.
	if err := c.Do(ctx, "POST", "/api/v1/sites", owner, map[string]string{"name": "Third"}, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Site.Key) != 10 {
		t.Errorf("a made-up key: %q", got.Site.Key)
	}

	for _, tt := range []struct {
		token string
		body  map[string]string
		want  int
	}{
		{owner, map[string]string{"key": "shop-2", "name": "Again"}, http.StatusConflict},
		{owner, map[string]string{"key": "Shop 2", "name": "Spaces"}, http.StatusBadRequest},
		{owner, map[string]string{"key": "../x", "name": "Path"}, http.StatusBadRequest},
		{owner, map[string]string{"key": "ok-key"}, http.StatusBadRequest},
		{admin, map[string]string{"key": "by-admin", "name": "Admin's"}, http.StatusForbidden},
	} {
		wantStatus(t, c.Do(ctx, "POST", "/api/v1/sites", tt.token, tt.body, nil), tt.want)
	}
	if _, err := e.store.Site(ctx, "by-admin"); !chat.IsCode(err, chat.CodeNotFound) {
		t.Errorf("an admin's refused site exists: %v", err)
	}
}

// An admin uploads a logo: the widget's config points at it, kefu serves
// it as a PNG that no browser sniffs, and the API never shows its bytes.
// A logo URL replaces it. An agent cannot
// set a logo. The offline message reaches the config in the visitor's
// language. (The chat page's CSP for a logo URL is checked in the browser
// tests, which serve the widget.)
func TestSiteLogoAndOfflineMessage(t *testing.T) {
	e := startEnv(t, func(o *serverOptions) { o.Limits.LoginPerAccount, o.Limits.LoginPerMinute = 100, 100 })
	ctx := ctxT(t)
	c := e.client()
	_, admin := e.mustAgentWithRole(ctx, e.store, "admin@example.com", "site-a", chat.RoleAdmin)
	var img bytes.Buffer
	if err := png.Encode(&img, image.NewNRGBA(image.Rect(0, 0, 200, 100))); err != nil {
		t.Fatal(err)
	}
	body := map[string]string{"image": "data:image/png;base64," + base64.StdEncoding.EncodeToString(img.Bytes())}
	wantStatus(t, c.Do(ctx, "POST", "/api/v1/sites/site-a/logo", e.agentA, body, nil), http.StatusForbidden)
	wantStatus(t, c.Do(ctx, "POST", "/api/v1/sites/site-a/logo", admin, map[string]string{"image": "not base64!"}, nil), http.StatusBadRequest)
	var got struct {
		Site map[string]any `json:"site"`
	}
	if err := c.Do(ctx, "POST", "/api/v1/sites/site-a/logo", admin, body, &got); err != nil {
		t.Fatal(err)
	}
	if w, _ := got.Site["widget"].(map[string]any); w == nil || w["logo_image"] != nil {
		t.Errorf("the API shows the logo's bytes: %v", got.Site["widget"])
	}
	var cfg struct {
		Logo           string `json:"logo"`
		OfflineMessage string `json:"offline_message"`
	}
	if err := c.Do(ctx, "GET", "/api/v1/widget/site-a/config", "", nil, &cfg); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(cfg.Logo, "/api/v1/widget/site-a/logo?v=") || got.Site["logo_url"] != cfg.Logo {
		t.Fatalf("config logo %q, site logo_url %v", cfg.Logo, got.Site["logo_url"])
	}
	res, err := http.Get(e.url + cfg.Logo)
	if err != nil {
		t.Fatal(err)
	}
	served, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if dim, format, err := image.DecodeConfig(bytes.NewReader(served)); err != nil || format != "png" || dim.Width != attach.LogoSize ||
		res.Header.Get("Content-Type") != "image/png" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("the served logo: %v %s %dx%d, type %q, nosniff %q", err, format, dim.Width, dim.Height, res.Header.Get("Content-Type"), res.Header.Get("X-Content-Type-Options"))
	}
	if res, err := http.Get(e.url + "/api/v1/widget/site-b/logo"); err != nil || res.StatusCode != http.StatusNotFound {
		t.Errorf("a site without a logo: %v %v", err, res.StatusCode)
	}

	// A URL replaces the uploaded logo; the chat page allows its origin.
	patch := map[string]any{"logo": "https://cdn.example.com/acme.png", "offline_message": map[string]string{"en": "We are back at 9:00.", "zh-CN": "我们 9 点上班。"}}
	if err := c.Do(ctx, "PATCH", "/api/v1/sites/site-a", admin, patch, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Do(ctx, "GET", "/api/v1/widget/site-a/config?lang=zh-CN", "", nil, &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Logo != "https://cdn.example.com/acme.png" || cfg.OfflineMessage != "我们 9 点上班。" {
		t.Errorf("config after the patch: %+v", cfg)
	}
	wantStatus(t, c.Do(ctx, "PATCH", "/api/v1/sites/site-a", admin, map[string]string{"logo": "http://cdn.example.com/acme.png"}, nil), http.StatusBadRequest)
}
