package chat_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/kefu/kefu/auth"
	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/store/sqlite"
)

// visitorsEnv is a Visitors on the embedded store, with two sites that
// each have an identity secret and one that has none.
type visitorsEnv struct {
	st             *sqlite.Store
	svc            *chat.Visitors
	acme, beta, no *chat.Site
	now            time.Time
}

func newVisitorsEnv(t *testing.T) *visitorsEnv {
	t.Helper()
	e := &visitorsEnv{
		st:   mustOpenStore(t),
		acme: &chat.Site{Key: "acme", IdentitySecret: "acme-secret"},
		beta: &chat.Site{Key: "beta", IdentitySecret: "beta-secret"},
		no:   &chat.Site{Key: "plain"},
		now:  time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC),
	}
	e.svc = chat.NewVisitors(e.st, auth.VerifyIdentity, func() time.Time { return e.now })
	return e
}

// visitors returns every visitor stored for site.
func (e *visitorsEnv) visitors(t *testing.T, site string) []chat.Visitor {
	t.Helper()
	vs, err := e.st.ListVisitors(context.Background(), site, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

// signed returns an identity token for user, signed with secret for site
// aud, that lives for ttl from now.
func (e *visitorsEnv) signed(t *testing.T, secret, aud, user, name string, ttl time.Duration) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"sub": user, "aud": aud, "exp": e.now.Add(ttl).Unix(), "name": name, "email": user + "@example.com",
	}).SignedString([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSessionNewAndResumed checks that a page without a session gets a
// new anonymous visitor, and that a page's session of this site is
// renewed only while it is anonymous and still exists.
func TestSessionNewAndResumed(t *testing.T) {
	ctx := context.Background()
	e := newVisitorsEnv(t)
	v, err := e.svc.Session(ctx, e.acme, chat.SessionInput{Attributes: map[string]string{"plan": "pro"}})
	if err != nil {
		t.Fatal(err)
	}
	if v.Site != "acme" || v.Verified || v.UserID != "" || !v.CreatedAt.Equal(e.now) {
		t.Fatalf("new visitor = %+v", v)
	}
	stored, err := e.st.Visitor(ctx, "acme", v.ID)
	if err != nil || stored.Attributes["plan"] != "pro" {
		t.Fatalf("stored = %+v, %v; want the page's attributes", stored, err)
	}

	again, err := e.svc.Session(ctx, e.acme, chat.SessionInput{
		Previous:   &chat.SessionClaim{Site: "acme", VisitorID: v.ID},
		Attributes: map[string]string{"order": "<b>A-17</b>"},
	})
	if err != nil || again.ID != v.ID {
		t.Fatalf("renewed = %+v, %v; want visitor %s", again, err, v.ID)
	}
	stored, err = e.st.Visitor(ctx, "acme", v.ID)
	if err != nil || stored.Attributes["plan"] != "pro" || stored.Attributes["order"] != "<b>A-17</b>" {
		t.Fatalf("stored = %+v, %v; want both pages' attributes", stored, err)
	}

	// A verified user's visitor, for the case of a token that says so.
	user, err := e.svc.Session(ctx, e.acme, chat.SessionInput{User: &chat.Identity{ID: "u1", Hash: auth.UserHash("acme-secret", "u1")}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		prev chat.SessionClaim
	}{
		{"another site's session", chat.SessionClaim{Site: "beta", VisitorID: v.ID}},
		{"a verified session, without proof", chat.SessionClaim{Site: "acme", VisitorID: user.ID, Verified: true}},
		{"a visitor that is gone", chat.SessionClaim{Site: "acme", VisitorID: "gone"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := e.svc.Session(ctx, e.acme, chat.SessionInput{Previous: &tt.prev})
			if err != nil {
				t.Fatal(err)
			}
			if got.ID == v.ID || got.ID == user.ID || got.Verified || got.UserID != "" {
				t.Fatalf("got %+v; want a new anonymous visitor", got)
			}
			if _, err := e.st.Visitor(ctx, "acme", got.ID); err != nil {
				t.Fatalf("the new visitor is not stored: %v", err)
			}
		})
	}
}

// TestSessionIdentity checks the two proofs a site gives of its user: a
// right one gives the user's own visitor, on any browser; any other is
// unauthorized and stores nothing.
func TestSessionIdentity(t *testing.T) {
	ctx := context.Background()
	e := newVisitorsEnv(t)
	anon, err := e.svc.Session(ctx, e.acme, chat.SessionInput{})
	if err != nil {
		t.Fatal(err)
	}
	byHash, err := e.svc.Session(ctx, e.acme, chat.SessionInput{
		Previous: &chat.SessionClaim{Site: "acme", VisitorID: anon.ID},
		User:     &chat.Identity{ID: "u1", Name: "Whoever The Page Says", Hash: auth.UserHash("acme-secret", "u1")},
	})
	if err != nil {
		t.Fatal(err)
	}
	// A hash proves the user id only: the name is the page's word.
	if byHash.ID == anon.ID || !byHash.Verified || byHash.UserID != "u1" || byHash.ProfileVerified || byHash.Name != "Whoever The Page Says" {
		t.Fatalf("hash session = %+v; want u1's own visitor, its name unverified", byHash)
	}

	refused := []struct {
		name string
		site *chat.Site
		user chat.Identity
		msg  string
	}{
		{"empty hash", e.acme, chat.Identity{ID: "u2"}, "identity verification failed"},
		{"hash of another user", e.acme, chat.Identity{ID: "u2", Hash: auth.UserHash("acme-secret", "u3")}, "identity verification failed"},
		{"hash with another site's secret", e.acme, chat.Identity{ID: "u2", Hash: auth.UserHash("beta-secret", "u2")}, "identity verification failed"},
		{"site without a secret", e.no, chat.Identity{ID: "u2", Hash: auth.UserHash("", "u2")}, "identity verification is not set up for this site"},
		{"token with another site's secret", e.acme, chat.Identity{Token: e.signed(t, "beta-secret", "acme", "u2", "", time.Hour)}, "identity verification failed"},
		{"token for another site", e.acme, chat.Identity{Token: e.signed(t, "acme-secret", "beta", "u2", "", time.Hour)}, "identity verification failed"},
		{"expired token", e.acme, chat.Identity{Token: e.signed(t, "acme-secret", "acme", "u2", "", -time.Minute)}, "identity verification failed"},
		{"token living too long", e.acme, chat.Identity{Token: e.signed(t, "acme-secret", "acme", "u2", "", 48*time.Hour)}, "identity token lives too long (max 24h)"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			before := len(e.visitors(t, tt.site.Key))
			_, err := e.svc.Session(ctx, tt.site, chat.SessionInput{User: &tt.user})
			if chat.ErrorCode(err) != chat.CodeUnauthorized || chat.ErrorMessage(err) != tt.msg {
				t.Fatalf("err = %v; want unauthorized %q", err, tt.msg)
			}
			if after := len(e.visitors(t, tt.site.Key)); after != before {
				t.Fatalf("a refused identity stored a visitor: %d, then %d", before, after)
			}
		})
	}

	t.Run("a signed token is the same user, and signs the name", func(t *testing.T) {
		v, err := e.svc.Session(ctx, e.acme, chat.SessionInput{User: &chat.Identity{Token: e.signed(t, "acme-secret", "acme", "u1", "Li Lei", time.Hour)}})
		if err != nil {
			t.Fatal(err)
		}
		if v.ID != byHash.ID || !v.ProfileVerified || v.Name != "Li Lei" || v.Email != "u1@example.com" {
			t.Fatalf("token session = %+v; want visitor %s with the signed profile", v, byHash.ID)
		}
		// A page's word never replaces a signed name.
		if _, err := e.svc.Session(ctx, e.acme, chat.SessionInput{User: &chat.Identity{ID: "u1", Name: "Mallory", Hash: auth.UserHash("acme-secret", "u1")}}); err != nil {
			t.Fatal(err)
		}
		stored, err := e.st.Visitor(ctx, "acme", byHash.ID)
		if err != nil || stored.Name != "Li Lei" || !stored.ProfileVerified {
			t.Fatalf("stored = %+v, %v; want the signed name kept", stored, err)
		}
	})

	t.Run("a user's id is the site's: another site's user is another visitor", func(t *testing.T) {
		v, err := e.svc.Session(ctx, e.beta, chat.SessionInput{User: &chat.Identity{ID: "u1", Hash: auth.UserHash("beta-secret", "u1")}})
		if err != nil {
			t.Fatal(err)
		}
		if v.ID == byHash.ID || v.Site != "beta" || !v.Verified {
			t.Fatalf("beta's u1 = %+v; want a visitor of beta's own", v)
		}
	})

	t.Run("an identity with neither id nor token is anonymous", func(t *testing.T) {
		v, err := e.svc.Session(ctx, e.acme, chat.SessionInput{User: &chat.Identity{Name: "Nobody", Hash: "x"}})
		if err != nil || v.Verified || v.Name != "" {
			t.Fatalf("got %+v, %v; want a new anonymous visitor", v, err)
		}
	})
}

// TestSessionAttributeLimits checks what a page may set about its
// visitor: at most 20 plain names, values clipped to 256 characters of
// valid UTF-8.
func TestSessionAttributeLimits(t *testing.T) {
	ctx := context.Background()
	e := newVisitorsEnv(t)
	attrs := func(n int, prefix string) map[string]string {
		m := map[string]string{}
		for i := range n {
			m[fmt.Sprintf("%s%d", prefix, i)] = "v"
		}
		return m
	}
	refused := []struct {
		name  string
		attrs map[string]string
		msg   string
	}{
		{"operator-shaped name", map[string]string{"$set": "x"}, "attribute names are 1-64 letters, digits, '-' or '_'"},
		{"dotted name", map[string]string{"a.b": "x"}, "attribute names are 1-64 letters, digits, '-' or '_'"},
		{"too many", attrs(21, "k"), "at most 20 attributes"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.Session(ctx, e.acme, chat.SessionInput{Attributes: tt.attrs})
			if chat.ErrorCode(err) != chat.CodeInvalid || chat.ErrorMessage(err) != tt.msg {
				t.Fatalf("err = %v; want invalid %q", err, tt.msg)
			}
		})
	}
	if n := len(e.visitors(t, "acme")); n != 0 {
		t.Fatalf("refused attributes stored %d visitors", n)
	}

	v, err := e.svc.Session(ctx, e.acme, chat.SessionInput{Attributes: map[string]string{
		"long": strings.Repeat("长", 300), "broken": "ok\xff",
	}})
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Attributes["long"]; got != strings.Repeat("长", 256) {
		t.Fatalf("a 300-character value became %d characters", len([]rune(got)))
	}
	if got := v.Attributes["broken"]; got != "ok" {
		t.Fatalf("a value with a bad byte became %q", got)
	}

	// Twenty in all, over several pages: the 21st name is refused, while
	// a new value of a name the visitor has is not.
	prev := &chat.SessionClaim{Site: "acme", VisitorID: v.ID}
	if _, err := e.svc.Session(ctx, e.acme, chat.SessionInput{Previous: prev, Attributes: attrs(18, "k")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.Session(ctx, e.acme, chat.SessionInput{Previous: prev, Attributes: map[string]string{"one-more": "x"}})
	if chat.ErrorMessage(err) != "at most 20 attributes" {
		t.Fatalf("a 21st attribute: %v", err)
	}
	if _, err := e.svc.Session(ctx, e.acme, chat.SessionInput{Previous: prev, Attributes: map[string]string{"k0": "changed"}}); err != nil {
		t.Fatalf("changing one of 20: %v", err)
	}
	stored, err := e.st.Visitor(ctx, "acme", v.ID)
	if err != nil || len(stored.Attributes) != 20 || stored.Attributes["k0"] != "changed" {
		t.Fatalf("stored = %+v, %v; want 20 attributes, k0 changed", stored, err)
	}
}

// TestLeaveFeedback checks that a visitor's feedback is stored for their
// own site, with the time it was left, and that bad feedback is refused.
func TestLeaveFeedback(t *testing.T) {
	ctx := context.Background()
	e := newVisitorsEnv(t)
	visitor := chat.Actor{Site: "acme", VisitorID: "v1"}
	f, err := e.svc.LeaveFeedback(ctx, visitor, chat.FeedbackInput{Category: "suggestion", Text: "  dark mode please ", Email: "a@example.com", Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	stored, err := e.st.Feedback(ctx, "acme", f.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.VisitorID != "v1" || stored.Text != "dark mode please" || stored.Status != chat.FeedbackNew || !stored.CreatedAt.Equal(e.now) {
		t.Fatalf("stored = %+v", stored)
	}
	if _, err := e.st.Feedback(ctx, "beta", f.ID); !chat.IsCode(err, chat.CodeNotFound) {
		t.Fatalf("another site sees the feedback: %v", err)
	}
	for _, in := range []chat.FeedbackInput{
		{Category: "rant", Text: "x"},
		{Category: "bug", Text: "   "},
		{Category: "bug", Text: "x", Email: "not an email"},
	} {
		if _, err := e.svc.LeaveFeedback(ctx, visitor, in); !chat.IsCode(err, chat.CodeInvalid) {
			t.Errorf("%+v: err = %v, want invalid", in, err)
		}
	}
}

// TestCountFAQEvent checks that each visitor's opening of an entry, and
// their saying it solved their problem, count once each, on their own
// site's entry only.
func TestCountFAQEvent(t *testing.T) {
	ctx := context.Background()
	e := newVisitorsEnv(t)
	if err := e.st.SaveFAQ(ctx, &chat.FAQ{ID: "refund", Site: "acme", Lang: "en", Category: "money", Question: "Refunds?", Answer: "Within 7 days.", Published: true}); err != nil {
		t.Fatal(err)
	}
	ann, bob := chat.Actor{Site: "acme", VisitorID: "ann"}, chat.Actor{Site: "acme", VisitorID: "bob"}
	for _, step := range []struct {
		who chat.Actor
		ev  chat.FAQEvent
	}{{ann, chat.FAQOpened}, {ann, chat.FAQOpened}, {ann, chat.FAQSolved}, {ann, chat.FAQSolved}, {bob, chat.FAQOpened}} {
		if err := e.svc.CountFAQEvent(ctx, step.who, "refund", step.ev); err != nil {
			t.Fatalf("%s %s: %v", step.who.VisitorID, step.ev, err)
		}
	}
	f, err := e.st.FAQ(ctx, "acme", "refund")
	if err != nil {
		t.Fatal(err)
	}
	if f.Views != 2 || f.Solved != 1 {
		t.Fatalf("views %d, solved %d; want 2 and 1", f.Views, f.Solved)
	}

	refused := []struct {
		name string
		who  chat.Actor
		id   string
		ev   chat.FAQEvent
		code chat.Code
	}{
		{"another site's entry", chat.Actor{Site: "beta", VisitorID: "eve"}, "refund", chat.FAQOpened, chat.CodeNotFound},
		{"an entry that is not there", ann, "nothing", chat.FAQOpened, chat.CodeNotFound},
		{"an id that is no key", ann, "../refund", chat.FAQOpened, chat.CodeNotFound},
		{"an unknown event", ann, "refund", "liked", chat.CodeInvalid},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			if err := e.svc.CountFAQEvent(ctx, tt.who, tt.id, tt.ev); chat.ErrorCode(err) != tt.code {
				t.Fatalf("err = %v, want %s", err, tt.code)
			}
		})
	}
	// A count that failed was not remembered: once the entry is there,
	// the same visitor's event counts.
	if err := e.st.SaveFAQ(ctx, &chat.FAQ{ID: "nothing", Site: "acme", Lang: "en", Category: "misc", Question: "Q?", Answer: "A."}); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.CountFAQEvent(ctx, ann, "nothing", chat.FAQOpened); err != nil {
		t.Fatal(err)
	}
	if f, err := e.st.FAQ(ctx, "acme", "nothing"); err != nil || f.Views != 1 {
		t.Fatalf("after a failed count: %+v, %v; want 1 view", f, err)
	}
}
