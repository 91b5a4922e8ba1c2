package storetest

import (
	"slices"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/kefu/kefu/chat"
)

func testSites(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := ctxT(t)
	site := &chat.Site{
		Key:              "acme",
		Name:             "Acme",
		AllowedOrigins:   []string{"https://acme.example"},
		IdentitySecret:   "secret",
		RequireTwoFactor: true,
		Widget: chat.WidgetSettings{
			Color: "#0a84ff", Position: "right", DefaultLang: "zh",
			Languages: []string{"zh", "en"},
			Greeting:  map[string]string{"zh": "你好", "en": "Hi"},
			Topics:    []chat.Topic{{ID: "billing", Labels: map[string]string{"zh": "账单"}}},
			BusinessHours: chat.BusinessHours{
				Timezone: "Asia/Shanghai",
				Days:     []chat.OpenSpan{{Weekday: time.Monday, FromMin: 540, UntilMin: 1080}},
			},
			Offline:        chat.OfflineForm,
			OfflineMessage: map[string]string{"zh": "我们 9 点上班。"},
			Logo:           "https://cdn.acme.example/logo.png",
			LogoImage:      []byte("\x89PNG\r\n\x1a\n not really"),
		},
		CreatedAt: now(),
		UpdatedAt: now(),
	}
	must(t, s.CreateSite(ctx, site))

	got, err := s.Site(ctx, "acme")
	must(t, err)
	if d := diff(got, site); d != "" {
		t.Errorf("Site (-want +got):\n%s", d)
	}

	updated := *site
	updated.Name = "Acme Inc"
	updated.Widget.Color = "#ff0000"
	updated.RequireTwoFactor = false
	updated.CreatedAt = time.Time{} // ignored by UpdateSite
	must(t, s.UpdateSite(ctx, &updated))
	// A copy read before that change cannot undo it.
	stale := *site
	stale.IdentitySecret = "old-secret"
	wantCode(t, s.UpdateSite(ctx, &stale), chat.CodeConflict)
	got, err = s.Site(ctx, "acme")
	must(t, err)
	if got.Name != "Acme Inc" || got.Widget.Color != "#ff0000" || got.RequireTwoFactor || !got.CreatedAt.Equal(site.CreatedAt) {
		t.Errorf("after update: name %q color %q require 2FA %v created %v", got.Name, got.Widget.Color, got.RequireTwoFactor, got.CreatedAt)
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

// A site's file policy is kept, changed and cleared; a site that never
// had one reads the zero policy (the defaults).
func testSiteFilePolicy(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := ctxT(t)
	must(t, s.CreateSite(ctx, &chat.Site{Key: "plain", Name: "Plain", CreatedAt: now(), UpdatedAt: now()}))
	policy := chat.FilePolicy{MaxMB: 3, PerMessage: 8, PerHour: 12, Extra: []string{chat.FilesZip, chat.FilesVideo}}
	must(t, s.CreateSite(ctx, &chat.Site{Key: "media", Name: "Media", Files: policy, CreatedAt: now(), UpdatedAt: now()}))

	got, err := s.Site(ctx, "plain")
	must(t, err)
	if d := diff(got.Files, chat.FilePolicy{}); d != "" {
		t.Errorf("a site without a policy (-want +got):\n%s", d)
	}
	got, err = s.Site(ctx, "media")
	must(t, err)
	if d := diff(got.Files, policy); d != "" {
		t.Errorf("created with a policy (-want +got):\n%s", d)
	}

	for _, want := range []chat.FilePolicy{{PerHour: 90, Extra: []string{chat.FilesAudio}}, {}} {
		got.Files = want
		must(t, s.UpdateSite(ctx, got))
		got, err = s.Site(ctx, "media")
		must(t, err)
		if d := diff(got.Files, want); d != "" {
			t.Errorf("updated to %+v (-want +got):\n%s", want, d)
		}
	}
	if other, err := s.Site(ctx, "plain"); err != nil || other.Files.MaxMB != 0 || len(other.Files.Extra) != 0 {
		t.Errorf("the other site's policy changed: %+v (%v)", other, err)
	}
}

func testSiteKeys(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := ctxT(t)
	for _, k := range []string{"b", "a", "c"} {
		must(t, s.CreateSite(ctx, &chat.Site{Key: k, Name: k}))
	}
	keys, err := s.SiteKeys(ctx, "", 10)
	must(t, err)
	if !slices.Equal(keys, []string{"a", "b", "c"}) {
		t.Fatalf("keys = %v", keys)
	}
	keys, err = s.SiteKeys(ctx, "a", 1)
	must(t, err)
	if !slices.Equal(keys, []string{"b"}) {
		t.Fatalf("keys after a, limit 1 = %v", keys)
	}
}

func testAgents(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := ctxT(t)
	ann := &chat.Agent{
		Email: "Ann@Example.com", Name: "Ann", PasswordHash: "h1",
		Role: chat.RoleOwner, Sites: []string{"acme", "beta"}, TOTPSecret: "totp", TOTPPending: "pending",
		RecoveryHashes: []string{"r1", "r2"}, CreatedAt: now(),
	}
	bob := &chat.Agent{Email: "bob@example.com", Name: "Bob", Role: chat.RoleAgent, Sites: []string{"beta"}, CreatedAt: now()}
	must(t, s.CreateAgent(ctx, ann))
	must(t, s.CreateAgent(ctx, bob))
	if ann.ID == "" {
		t.Fatal("CreateAgent left the id empty")
	}

	got, err := s.Agent(ctx, ann.ID)
	must(t, err)
	if d := diff(got, ann); d != "" {
		t.Errorf("Agent (-want +got):\n%s", d)
	}
	got, err = s.AgentByEmail(ctx, " ann@example.COM")
	must(t, err)
	if got.ID != ann.ID {
		t.Errorf("AgentByEmail found %q, want %q", got.ID, ann.ID)
	}

	list, err := s.ListAgents(ctx, "beta", nil, 10)
	must(t, err)
	if len(list) != 2 || list[0].Name != "Ann" || list[1].Name != "Bob" {
		t.Errorf("ListAgents(beta) = %+v, want Ann and Bob", list)
	}
	list, err = s.ListAgents(ctx, "beta", &list[0], 10)
	must(t, err)
	if len(list) != 1 || list[0].Name != "Bob" {
		t.Errorf("ListAgents(beta) after Ann = %+v, want Bob", list)
	}
	list, err = s.ListAgents(ctx, "acme", nil, 10)
	must(t, err)
	if len(list) != 1 || list[0].ID != ann.ID {
		t.Errorf("ListAgents(acme) = %+v, want Ann only", list)
	}

	// A copy read before a change cannot undo it.
	stale, err := s.Agent(ctx, ann.ID)
	must(t, err)
	ann.Name = "Ann Lee"
	ann.Sites = []string{"acme"}
	must(t, s.UpdateAgent(ctx, ann))
	stale.Disabled = true
	wantCode(t, s.UpdateAgent(ctx, stale), chat.CodeConflict)
	got, err = s.Agent(ctx, ann.ID)
	must(t, err)
	if got.Name != "Ann Lee" || !slices.Equal(got.Sites, []string{"acme"}) {
		t.Errorf("after update: %+v", got)
	}

	// An invited agent is found by the invite's hash until it is used; a
	// disabled agent stays disabled.
	cat := &chat.Agent{Email: "cat@example.com", Name: "Cat", Role: chat.RoleAgent, Sites: []string{"acme"},
		InviteHash: "inv-hash", InviteExpires: now().Add(time.Hour), CreatedAt: now()}
	must(t, s.CreateAgent(ctx, cat))
	got, err = s.AgentByInvite(ctx, "inv-hash")
	must(t, err)
	if got.ID != cat.ID || !got.InviteExpires.Equal(cat.InviteExpires) {
		t.Errorf("AgentByInvite = %+v, want Cat with the expiry", got)
	}
	cat.InviteHash, cat.PasswordHash, cat.Disabled = "", "set", true
	must(t, s.UpdateAgent(ctx, cat))
	wantCode(t, func() error { _, err := s.AgentByInvite(ctx, "inv-hash"); return err }(), chat.CodeNotFound)
	wantCode(t, func() error { _, err := s.AgentByInvite(ctx, ""); return err }(), chat.CodeNotFound)
	if got, err = s.Agent(ctx, cat.ID); err != nil || !got.Disabled || got.InviteHash != "" {
		t.Errorf("after the invite was used: %+v, %v", got, err)
	}

	tests := []struct {
		name string
		err  error
		want chat.Code
	}{
		{"duplicate email", s.CreateAgent(ctx, &chat.Agent{Email: "bob@example.com"}), chat.CodeConflict},
		{"duplicate email other case", s.CreateAgent(ctx, &chat.Agent{Email: "BOB@example.com"}), chat.CodeConflict},
		{"update to taken email", s.UpdateAgent(ctx, &chat.Agent{ID: ann.ID, Email: "bob@example.com"}), chat.CodeConflict},
		{"duplicate id", s.CreateAgent(ctx, &chat.Agent{ID: bob.ID, Email: "new@example.com"}), chat.CodeConflict},
		{"no email", s.CreateAgent(ctx, &chat.Agent{}), chat.CodeInvalid},
		{"missing agent", func() error { _, err := s.Agent(ctx, "nope"); return err }(), chat.CodeNotFound},
		{"missing email", func() error { _, err := s.AgentByEmail(ctx, "x@example.com"); return err }(), chat.CodeNotFound},
		{"update missing agent", s.UpdateAgent(ctx, &chat.Agent{ID: "nope", Email: "z@example.com"}), chat.CodeNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantCode(t, tt.err, tt.want) })
	}
}

func testVisitors(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := ctxT(t)
	anon1 := &chat.Visitor{Site: "acme", CreatedAt: now(), LastSeenAt: now()}
	anon2 := &chat.Visitor{Site: "acme", CreatedAt: now(), LastSeenAt: now()}
	known := &chat.Visitor{
		Site: "acme", UserID: "u1", Verified: true, ProfileVerified: true, Name: "Li", Email: "li@example.com",
		Attributes: map[string]string{"plan": "pro"}, CreatedAt: now(), LastSeenAt: now(),
	}
	// The same user id on another site is another person.
	otherSite := &chat.Visitor{Site: "beta", UserID: "u1", Verified: true, CreatedAt: now(), LastSeenAt: now()}
	for _, v := range []*chat.Visitor{anon1, anon2, known, otherSite} {
		must(t, s.CreateVisitor(ctx, v))
	}

	got, err := s.Visitor(ctx, "acme", known.ID)
	must(t, err)
	if d := diff(got, known); d != "" {
		t.Errorf("Visitor (-want +got):\n%s", d)
	}
	got, err = s.VisitorByUserID(ctx, "acme", "u1")
	must(t, err)
	if got.ID != known.ID {
		t.Errorf("VisitorByUserID(acme, u1) = %q, want %q", got.ID, known.ID)
	}
	got, err = s.VisitorByUserID(ctx, "beta", "u1")
	must(t, err)
	if got.ID != otherSite.ID {
		t.Errorf("VisitorByUserID(beta, u1) = %q, want %q", got.ID, otherSite.ID)
	}

	// An anonymous visitor logs in: it becomes verified.
	anon1.UserID, anon1.Verified, anon1.ProfileVerified, anon1.Name = "u2", true, true, "Wang"
	must(t, s.UpdateVisitor(ctx, anon1))
	got, err = s.VisitorByUserID(ctx, "acme", "u2")
	must(t, err)
	if got.ID != anon1.ID || got.Name != "Wang" || !got.ProfileVerified {
		t.Errorf("after update: %+v", got)
	}

	tests := []struct {
		name string
		err  error
		want chat.Code
	}{
		{"duplicate user id", s.CreateVisitor(ctx, &chat.Visitor{Site: "acme", UserID: "u1"}), chat.CodeConflict},
		{"duplicate id", s.CreateVisitor(ctx, &chat.Visitor{ID: anon2.ID, Site: "acme"}), chat.CodeConflict},
		{"update to taken user id", s.UpdateVisitor(ctx, &chat.Visitor{ID: anon2.ID, Site: "acme", UserID: "u1"}), chat.CodeConflict},
		{"no site", s.CreateVisitor(ctx, &chat.Visitor{}), chat.CodeInvalid},
		{"missing", func() error { _, err := s.Visitor(ctx, "acme", "nope"); return err }(), chat.CodeNotFound},
		{"missing user id", func() error { _, err := s.VisitorByUserID(ctx, "acme", "u9"); return err }(), chat.CodeNotFound},
		{"empty user id", func() error { _, err := s.VisitorByUserID(ctx, "acme", ""); return err }(), chat.CodeNotFound},
		{"update other site's visitor", s.UpdateVisitor(ctx, &chat.Visitor{ID: otherSite.ID, Site: "acme"}), chat.CodeNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantCode(t, tt.err, tt.want) })
	}
	// The failed cross-site update changed nothing.
	got, err = s.Visitor(ctx, "beta", otherSite.ID)
	must(t, err)
	if got.UserID != "u1" {
		t.Errorf("other site's visitor changed: %+v", got)
	}
}

func testRefreshTokens(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := ctxT(t)
	tok := &chat.RefreshToken{Hash: "h1", AgentID: "a1", Family: "f1", ExpiresAt: now().Add(time.Hour), CreatedAt: now()}
	must(t, s.CreateRefreshToken(ctx, tok))
	must(t, s.CreateRefreshToken(ctx, &chat.RefreshToken{Hash: "h2", AgentID: "a1", Family: "f1", ExpiresAt: now().Add(time.Hour)}))
	must(t, s.CreateRefreshToken(ctx, &chat.RefreshToken{Hash: "h3", AgentID: "a1", Family: "f2", ExpiresAt: now().Add(time.Hour)}))

	got, err := s.RefreshToken(ctx, "h1")
	must(t, err)
	if d := diff(got, tok); d != "" {
		t.Errorf("RefreshToken (-want +got):\n%s", d)
	}
	at := now().Add(time.Minute)
	must(t, s.MarkRotated(ctx, "h1", at))
	got, err = s.RefreshToken(ctx, "h1")
	must(t, err)
	if !got.Rotated || !got.RotatedAt.Equal(at) {
		t.Errorf("token rotated %v at %v, want at %v", got.Rotated, got.RotatedAt, at)
	}
	// A second use keeps the time of the first.
	wantCode(t, s.MarkRotated(ctx, "h1", at.Add(time.Minute)), chat.CodeConflict)
	if got, err = s.RefreshToken(ctx, "h1"); err != nil || !got.RotatedAt.Equal(at) {
		t.Errorf("after a second use: %v rotated at %v, want %v", err, got.RotatedAt, at)
	}

	must(t, s.RevokeFamily(ctx, "f1"))
	tests := []struct {
		name string
		err  error
		want chat.Code
	}{
		{"duplicate hash", s.CreateRefreshToken(ctx, &chat.RefreshToken{Hash: "h3"}), chat.CodeConflict},
		{"revoked", func() error { _, err := s.RefreshToken(ctx, "h2"); return err }(), chat.CodeNotFound},
		{"rotate revoked", s.MarkRotated(ctx, "h1", now()), chat.CodeNotFound},
		{"no hash", s.CreateRefreshToken(ctx, &chat.RefreshToken{}), chat.CodeInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantCode(t, tt.err, tt.want) })
	}
	_, err = s.RefreshToken(ctx, "h3")
	must(t, err) // another family survives
	for family, want := range map[string]bool{"f1": false, "f2": true, "never": false} {
		live, err := s.FamilyActive(ctx, family)
		must(t, err)
		if live != want {
			t.Errorf("FamilyActive(%s) = %v, want %v", family, live, want)
		}
	}
	must(t, s.CreateRefreshToken(ctx, &chat.RefreshToken{Hash: "h4", AgentID: "a2", Family: "f4", ExpiresAt: now().Add(time.Hour)}))
	must(t, s.RevokeAgent(ctx, "a1"))
	wantCode(t, func() error { _, err := s.RefreshToken(ctx, "h3"); return err }(), chat.CodeNotFound)
	_, err = s.RefreshToken(ctx, "h4")
	must(t, err)                      // another agent's login survives
	must(t, s.RevokeAgent(ctx, "a1")) // nothing left is no error
}

// A replayed refresh token must be caught even when the thief and the
// owner present it at the same moment.
func testMarkRotatedOnce(t *testing.T, b Backend) {
	needsAtomicUpdates(t, b)
	s := b.Open(t)
	ctx := ctxT(t)
	must(t, s.CreateRefreshToken(ctx, &chat.RefreshToken{Hash: "h", Family: "f", ExpiresAt: now().Add(time.Hour)}))
	const n = 10
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = s.MarkRotated(ctx, "h", now()) })
	}
	wg.Wait()
	var ok, conflicts int
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case chat.IsCode(err, chat.CodeConflict):
			conflicts++
		default:
			t.Errorf("MarkRotated: %v", err)
		}
	}
	if ok != 1 || conflicts != n-1 {
		t.Errorf("%d succeeded and %d conflicted, want 1 and %d", ok, conflicts, n-1)
	}
}

func testFAQ(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := ctxT(t)
	refund := &chat.FAQ{
		Site: "acme", Lang: "zh", Category: "账单", Question: "怎么退款？", Answer: "在订单页申请。",
		Alternatives: []string{"退款"}, Published: true, Order: 2, UpdatedAt: now(),
	}
	must(t, s.SaveFAQ(ctx, refund))
	if refund.ID == "" {
		t.Fatal("SaveFAQ left the id empty")
	}
	// Another site may use the same id.
	must(t, s.SaveFAQ(ctx, &chat.FAQ{ID: refund.ID, Site: "beta", Question: "beta's"}))
	must(t, s.SaveFAQs(ctx, "acme", []chat.FAQ{
		{ID: "hours", Question: "营业时间？", Order: 1},
		{ID: "ship", Question: "Shipping?", Order: 3},
	}))

	got, err := s.FAQ(ctx, "acme", refund.ID)
	must(t, err)
	if d := diff(got, refund); d != "" {
		t.Errorf("FAQ (-want +got):\n%s", d)
	}
	list, err := s.ListFAQ(ctx, "acme", "", nil, 10)
	must(t, err)
	var ids []string
	for _, f := range list {
		ids = append(ids, f.ID)
	}
	if want := []string{"hours", refund.ID, "ship"}; !slices.Equal(ids, want) {
		t.Errorf("ListFAQ ids = %v, want %v (by order)", ids, want)
	}
	// A language keeps only its entries, from the first page and after a
	// cursor of another language's entry.
	for _, after := range []*chat.FAQ{nil, &list[0]} {
		zh, err := s.ListFAQ(ctx, "acme", "zh", after, 10)
		must(t, err)
		if len(zh) != 1 || zh[0].ID != refund.ID {
			t.Errorf("ListFAQ of zh after %v = %+v, want only %s", after, zh, refund.ID)
		}
	}
	if zh, err := s.ListFAQ(ctx, "acme", "zh", refund, 10); err != nil || len(zh) != 0 {
		t.Errorf("ListFAQ of zh after its last = %+v, %v; want none", zh, err)
	}

	must(t, s.CountFAQEvent(ctx, "acme", refund.ID, false, time.Now()))
	must(t, s.CountFAQEvent(ctx, "acme", refund.ID, false, time.Now()))
	must(t, s.CountFAQEvent(ctx, "acme", refund.ID, true, time.Now()))
	// Saving an edit keeps the counters, whatever the editor's copy says.
	refund.Answer = "联系客服。"
	must(t, s.SaveFAQ(ctx, refund))
	got, err = s.FAQ(ctx, "acme", refund.ID)
	must(t, err)
	if got.Views != 2 || got.Solved != 1 || got.Answer != "联系客服。" {
		t.Errorf("after counts and edit: views %d solved %d answer %q", got.Views, got.Solved, got.Answer)
	}

	must(t, s.DeleteFAQ(ctx, "acme", "ship"))
	tests := []struct {
		name string
		err  error
		want chat.Code
	}{
		{"deleted", func() error { _, err := s.FAQ(ctx, "acme", "ship"); return err }(), chat.CodeNotFound},
		{"delete again", s.DeleteFAQ(ctx, "acme", "ship"), chat.CodeNotFound},
		{"count missing", s.CountFAQEvent(ctx, "acme", "ship", false, time.Now()), chat.CodeNotFound},
		{"no site", s.SaveFAQ(ctx, &chat.FAQ{ID: "x"}), chat.CodeInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantCode(t, tt.err, tt.want) })
	}
	// A new entry keeps the counters it comes with, as an import needs.
	moved := &chat.FAQ{ID: "moved", Site: "acme", Question: "q", Views: 7, Solved: 3}
	must(t, s.SaveFAQ(ctx, moved))
	got, err = s.FAQ(ctx, "acme", "moved")
	must(t, err)
	if got.Views != 7 || got.Solved != 3 {
		t.Errorf("new entry saved with views %d solved %d, want 7 and 3", got.Views, got.Solved)
	}
	other, err := s.FAQ(ctx, "beta", refund.ID)
	must(t, err)
	if other.Question != "beta's" || other.Views != 0 {
		t.Errorf("beta's entry = %+v", other)
	}
}

func testFeedback(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := ctxT(t)
	base := now()
	var want []chat.Feedback // newest first
	for i := range 3 {
		f := &chat.Feedback{
			Site: "acme", VisitorID: "v1", Category: "suggestion", Text: "更多颜色",
			Lang: "zh", PageURL: "https://acme.example/", CreatedAt: base.Add(time.Duration(i) * time.Second),
		}
		must(t, s.CreateFeedback(ctx, f))
		want = append([]chat.Feedback{*f}, want...)
	}
	must(t, s.CreateFeedback(ctx, &chat.Feedback{Site: "beta", Text: "other site", CreatedAt: now()}))

	tests := []struct {
		name  string
		site  string
		limit int
		want  []chat.Feedback
	}{
		{"all", "acme", 0, want},
		{"limit", "acme", 2, want[:2]},
		{"unknown site", "gamma", 10, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.ListFeedback(ctx, chat.FeedbackFilter{Site: tt.site, Limit: tt.limit})
			must(t, err)
			if d := diff(got, tt.want); d != "" {
				t.Errorf("ListFeedback (-want +got):\n%s", d)
			}
		})
	}
	wantCode(t, s.CreateFeedback(ctx, &chat.Feedback{ID: want[0].ID, Site: "acme"}), chat.CodeConflict)
	for _, f := range want {
		if f.Status != chat.FeedbackNew {
			t.Errorf("feedback created without a status has status %q, want new", f.Status)
		}
	}
}

// aliased returns s as a string that shares its bytes with a buffer the
// caller then overwrites, as Fiber's request strings do once the request
// is over.
func aliased(s string) (str string, scribble func()) {
	b := []byte(s)
	return unsafe.String(unsafe.SliceData(b), len(b)), func() {
		for i := range b {
			b[i] = 'X'
		}
	}
}

// What a store returns must not share memory with the arguments: callers
// keep results (a cached site) after the buffer behind an argument is
// reused.
func testResultsDoNotAliasArguments(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := ctxT(t)
	must(t, s.CreateSite(ctx, &chat.Site{Key: "acme", Name: "Acme", CreatedAt: now(), UpdatedAt: now()}))
	v := &chat.Visitor{ID: "visitor1", Site: "acme", CreatedAt: now(), LastSeenAt: now()}
	must(t, s.CreateVisitor(ctx, v))
	c := &chat.Conversation{ID: "conv1", Site: "acme", VisitorID: v.ID, CreatedAt: now(), UpdatedAt: now()}
	must(t, s.CreateConversation(ctx, c))
	_, err := s.AppendMessage(ctx, newMessage("acme", c.ID, "client1"))
	must(t, err)
	must(t, s.SaveFAQ(ctx, &chat.FAQ{ID: "faq1", Site: "acme", Question: "q"}))

	key, scribble := aliased("acme")
	site, err := s.Site(ctx, key)
	must(t, err)
	siteID, scribbleID := aliased("visitor1")
	visitor, err := s.Visitor(ctx, key, siteID)
	must(t, err)
	convID, scribbleConv := aliased("conv1")
	conv, err := s.Conversation(ctx, key, convID)
	must(t, err)
	clientID, scribbleClient := aliased("client1")
	msg, err := s.MessageByClientID(ctx, key, convID, clientID)
	must(t, err)
	faqID, scribbleFAQ := aliased("faq1")
	faq, err := s.FAQ(ctx, key, faqID)
	must(t, err)
	for _, f := range []func(){scribble, scribbleID, scribbleConv, scribbleClient, scribbleFAQ} {
		f()
	}
	if site.Key != "acme" || visitor.ID != "visitor1" || visitor.Site != "acme" || conv.ID != "conv1" || conv.Site != "acme" ||
		msg.ConversationID != "conv1" || msg.Site != "acme" || msg.ClientID != "client1" || faq.ID != "faq1" || faq.Site != "acme" {
		t.Errorf("results changed with the arguments' buffers: site %q, visitor %q/%q, conversation %q/%q, message %q/%q/%q, faq %q/%q",
			site.Key, visitor.Site, visitor.ID, conv.Site, conv.ID, msg.Site, msg.ConversationID, msg.ClientID, faq.Site, faq.ID)
	}
}

// A recovery code is spent once, even by two uses at the same moment,
// and spending it touches nothing else of the agent.
func testUseRecoveryCode(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := ctxT(t)
	a := &chat.Agent{Email: "rc@example.com", Name: "RC", Role: chat.RoleAgent, Sites: []string{"acme"},
		RecoveryHashes: []string{"h1", "h2", "h3"}, CreatedAt: now()}
	must(t, s.CreateAgent(ctx, a))
	must(t, s.UseRecoveryCode(ctx, a.ID, "h2"))
	wantCode(t, s.UseRecoveryCode(ctx, a.ID, "h2"), chat.CodeNotFound)
	wantCode(t, s.UseRecoveryCode(ctx, a.ID, "nope"), chat.CodeNotFound)
	wantCode(t, s.UseRecoveryCode(ctx, "no-agent", "h1"), chat.CodeNotFound)
	got, err := s.Agent(ctx, a.ID)
	must(t, err)
	if !slices.Equal(got.RecoveryHashes, []string{"h1", "h3"}) || got.Name != "RC" {
		t.Errorf("after spending h2: %+v", got)
	}
	needsAtomicUpdates(t, b)
	const n = 10
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = s.UseRecoveryCode(ctx, a.ID, "h1") })
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else if !chat.IsCode(err, chat.CodeNotFound) {
			t.Errorf("UseRecoveryCode: %v", err)
		}
	}
	if ok != 1 {
		t.Errorf("%d of %d concurrent uses of one code succeeded, want 1", ok, n)
	}
}
