package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kefu/kefu/assets"
	"github.com/kefu/kefu/auth"
	"github.com/kefu/kefu/chat"
)

// bootstrap creates the first site, its owner and its sample FAQ, once. A
// second start finds them and changes nothing.
func (m *Main) bootstrap(ctx context.Context) error {
	cfg := m.Config
	now := time.Now().UTC()
	site := demoSite(cfg.SiteKey, cfg.AllowedOrigins, now)
	created := true
	if err := m.store.CreateSite(ctx, site); err != nil {
		if !chat.IsCode(err, chat.CodeConflict) {
			return err
		}
		created = false
	}
	if created {
		m.Logger.Info("created site", "key", site.Key)
		if err := m.loadSampleFAQ(ctx, site.Key, now); err != nil {
			return err
		}
	} else if err := m.warnFirstRunOrigins(ctx); err != nil {
		return err
	}
	email := strings.ToLower(cfg.AdminEmail)
	if owner, err := m.store.AgentByEmail(ctx, email); err == nil {
		// First-run settings change nothing later; say so rather than
		// ignore them without a word.
		if cfg.AdminPassword != "" && !auth.CheckPassword(owner.PasswordHash, cfg.AdminPassword) {
			m.Logger.Warn("KEFU_ADMIN_PASSWORD (-admin-password) sets the owner's password on first run only, and differs from the password "+
				"the owner has; it is ignored. To change a password: kefu admin reset-password "+email, "email", email)
		}
		return nil
	} else if !chat.IsCode(err, chat.CodeNotFound) {
		return err
	}
	password := cfg.AdminPassword
	if password == "" {
		password = auth.RandomPassword()
		m.AdminPassword = password
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return fmt.Errorf("admin password: %w", err)
	}
	a := &chat.Agent{ID: chat.NewID(), Email: email, Name: "Admin", PasswordHash: hash, Role: chat.RoleOwner, Sites: []string{cfg.SiteKey}, CreatedAt: now}
	if err := m.store.CreateAgent(ctx, a); err != nil {
		return err
	}
	if m.AdminPassword != "" {
		fmt.Fprintf(m.out, "\n  First run: created the owner %s with password %s\n  It is shown only this once. Log in at %s/inbox\n\n", email, password, m.Config.PublicURL)
	} else {
		m.Logger.Info("created owner agent", "email", email)
	}
	return nil
}

// demoSite is the first-run site: a payment service's support desk in
// Chinese and English.
func demoSite(key string, origins []string, now time.Time) *chat.Site {
	var secret [24]byte
	_, _ = rand.Read(secret[:])
	topic := func(id, zh, tw, en string) chat.Topic {
		return chat.Topic{ID: id, Labels: map[string]string{"zh-CN": zh, "zh-TW": tw, "en": en}}
	}
	return &chat.Site{
		Key:            key,
		Name:           "kefu 演示站",
		AllowedOrigins: origins,
		IdentitySecret: hex.EncodeToString(secret[:]),
		Widget: chat.WidgetSettings{
			Color:       "#1f6feb",
			Position:    "right",
			DefaultLang: "zh-CN",
			Languages:   []string{"zh-CN", "zh-TW", "en", "ja", "ko", "es", "fr", "de", "pt", "ru", "vi", "th", "id", "ar"},
			Greeting: map[string]string{
				"zh-CN": "您好！请问有什么可以帮您？",
				"zh-TW": "您好！請問有什麼可以幫您？",
				"en":    "Hi! How can we help you today?",
			},
			Topics: []chat.Topic{
				topic("account", "账户", "帳戶", "Account"),
				topic("deposit", "充值与提现", "儲值與提領", "Deposits & withdrawals"),
				topic("payment", "支付问题", "支付問題", "Payment problems"),
				topic("security", "账户安全", "帳戶安全", "Account security"),
			},
		},
		CreatedAt: now,
		UpdatedAt: now,
	}
}

// sampleFAQ is one entry of assets/faq/demo.json.
type sampleFAQ struct {
	ID           string   `json:"id"`
	Lang         string   `json:"lang"`
	Category     string   `json:"category"`
	Question     string   `json:"question"`
	Answer       string   `json:"answer"`
	Alternatives []string `json:"alternatives"`
	Order        int      `json:"order"`
}

func (m *Main) loadSampleFAQ(ctx context.Context, site string, now time.Time) error {
	data, err := assets.DemoFAQ()
	if err != nil {
		return err
	}
	var in []sampleFAQ
	if err := json.Unmarshal(data, &in); err != nil {
		return fmt.Errorf("sample FAQ: %w", err)
	}
	fs := make([]chat.FAQ, len(in))
	for i, e := range in {
		fs[i] = chat.FAQ{ID: e.ID, Site: site, Lang: e.Lang, Category: e.Category, Question: e.Question, Answer: e.Answer,
			Alternatives: e.Alternatives, Published: true, Order: e.Order, UpdatedAt: now}
	}
	return m.store.SaveFAQs(ctx, site, fs)
}

// warnFirstRunOrigins logs a warning when KEFU_ALLOWED_ORIGINS names other
// origins than the existing site has: it applies on first run only.
func (m *Main) warnFirstRunOrigins(ctx context.Context) error {
	if len(m.Config.AllowedOrigins) == 0 {
		return nil
	}
	site, err := m.store.Site(ctx, m.Config.SiteKey)
	if err != nil {
		return err
	}
	if !slices.Equal(site.AllowedOrigins, m.Config.AllowedOrigins) {
		m.Logger.Warn("KEFU_ALLOWED_ORIGINS (-allowed-origins) sets the site's origins on first run only; the site keeps its own",
			"site", site.Key, "site_origins", strings.Join(site.AllowedOrigins, " "), "ignored", strings.Join(m.Config.AllowedOrigins, " "))
	}
	return nil
}

// syncIndex rebuilds each site's FAQ index from the database when the
// index is new or out of step with it. It reads the entries a page at a
// time, so memory stays flat however large the FAQ is.
func (m *Main) syncIndex(ctx context.Context) error {
	var sites []string
	total := uint64(0)
	err := chat.EachSiteKey(ctx, m.store, func(site string) error {
		sites = append(sites, site)
		return chat.EachFAQPage(ctx, m.store, site, func(page []chat.FAQ) error {
			total += uint64(len(published(page)))
			return nil
		})
	})
	if err != nil {
		return err
	}
	n, err := m.index.Count(ctx)
	if err != nil {
		return err
	}
	if !m.index.Created() && n == total {
		return nil
	}
	for _, site := range sites {
		if err := m.reindex(ctx, site); err != nil {
			return err
		}
	}
	return nil
}

// published returns the published entries of page, in place.
func published(page []chat.FAQ) []chat.FAQ {
	out := page[:0]
	for _, f := range page {
		if f.Published {
			out = append(out, f)
		}
	}
	return out
}

// reindex replaces the index of a site's FAQ with its published entries
// in the database.
func (m *Main) reindex(ctx context.Context, site string) error {
	start := time.Now()
	if err := m.index.DeleteSite(ctx, site); err != nil {
		return err
	}
	n := 0
	err := chat.EachFAQPage(ctx, m.store, site, func(page []chat.FAQ) error {
		entries := published(page)
		n += len(entries)
		return m.index.IndexBatch(ctx, entries)
	})
	if err != nil {
		return err
	}
	if err := m.index.Compact(ctx); err != nil {
		return err
	}
	m.Logger.Info("built FAQ index", "site", site, "entries", n, "ms", time.Since(start).Milliseconds())
	return nil
}
