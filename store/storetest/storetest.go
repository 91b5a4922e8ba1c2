// Package storetest is the contract that every chat.Store keeps: one suite
// of behaviours that runs against each backend (the embedded SQLite store
// and the MongoDB store), so that the rest of kefu can rely on the
// interface rather than on a particular database.
//
// A new store behaviour is a new case here first.
package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/kefu/kefu/chat"
)

// Backend opens stores of one kind for the suite.
type Backend struct {
	// Open returns a new, empty store, closed when the test ends.
	Open func(t *testing.T) chat.Store
	// OpenTwo returns two independent stores (each with its own
	// connections, as two kefu processes or nodes would have) on one new,
	// empty database, both closed when the test ends.
	OpenTwo func(t *testing.T) (chat.Store, chat.Store)
	// NonAtomicUpdates marks a stand-in database whose concurrent updates
	// of one document can lose each other (FerretDB, used in tests where
	// no real MongoDB runs). The cases that need atomic single-document
	// updates are skipped for it, with a note; they run against every
	// real backend.
	NonAtomicUpdates bool
}

// Run runs every case of the contract against b, each on a new store.
func Run(t *testing.T, b Backend) {
	cases := []struct {
		name string
		run  func(t *testing.T, b Backend)
	}{
		{"Sites", testSites},
		{"SiteFilePolicy", testSiteFilePolicy},
		{"SiteKeys", testSiteKeys},
		{"ResultsDoNotAliasArguments", testResultsDoNotAliasArguments},
		{"Agents", testAgents},
		{"UseRecoveryCode", testUseRecoveryCode},
		{"Visitors", testVisitors},
		{"RefreshTokens", testRefreshTokens},
		{"MarkRotatedOnceUnderConcurrency", testMarkRotatedOnce},
		{"FAQ", testFAQ},
		{"SetFAQOrder", testSetFAQOrder},
		{"Feedback", testFeedback},
		{"FeedbackPaging", testFeedbackPaging},
		{"FeedbackStatus", testFeedbackStatus},
		{"Attachments", testAttachments},
		{"Canned", testCanned},
		{"PagingHasNoCap", testPagingHasNoCap},
		{"ListVisitors", testListVisitors},
		{"Retention", testRetention},
		{"Search", testSearch},
		{"ClaimUnanswered", testClaimUnanswered},
		{"ClaimUnansweredOnce", testClaimUnansweredOnce},
		{"Leftovers", testLeftovers},
		{"Conversations", testConversations},
		{"ListConversations", testListConversations},
		{"VisitorHistoryNewestFirst", testVisitorHistory},
		{"OneActiveConversationUnderConcurrency", testOneActiveConversation},
		{"StatusChangesNeverHang", testStatusChangesNeverHang},
		{"OtherSitesAreNotFound", testOtherSitesAreNotFound},
		{"ConcurrentUpdatesAreNotLost", testConcurrentUpdates},
		{"AppendMessage", testAppendMessage},
		{"AppendAdvancesConversation", testAppendAdvances},
		{"Activities", testActivities},
		{"ActivitiesRaceWithMessages", testActivitiesRace},
		{"ClientIDDedupe", testClientIDDedupe},
		{"MessagesPaging", testMessagesPaging},
		{"ConcurrentSendersGetContiguousSeqs", testConcurrentSenders},
		{"TwoStoresRaceOnOneConversation", testTwoStoresRace},
		{"ReportRows", testReportRows},
		{"FAQCounts", testFAQCounts},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.run(t, b) })
	}
}

// needsAtomicUpdates skips a case on a stand-in whose updates are not
// atomic.
func needsAtomicUpdates(t *testing.T, b Backend) {
	t.Helper()
	if b.NonAtomicUpdates {
		t.Skip("this stand-in database does not update one document atomically; the case runs against SQLite and a real MongoDB (KEFU_TEST_MONGODB_URI)")
	}
}

// now is a timestamp with the millisecond precision that stores keep.
func now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

func ctxT(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// wantCode fails the test unless err carries code.
func wantCode(t *testing.T, err error, code chat.Code) {
	t.Helper()
	if got := chat.ErrorCode(err); got != code {
		t.Fatalf("error = %v (code %q), want code %q", err, got, code)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// diff compares values the way a caller sees them: nil and empty
// collections are the same.
func diff(got, want any) string { return cmp.Diff(want, got, cmpopts.EquateEmpty()) }

func mustCreateConversation(t *testing.T, s chat.Store, site, visitor string) *chat.Conversation {
	t.Helper()
	c := &chat.Conversation{Site: site, VisitorID: visitor, Topic: "billing", Lang: "zh", CreatedAt: now(), UpdatedAt: now()}
	must(t, s.CreateConversation(context.Background(), c))
	return c
}

func newMessage(site, conv, clientID string) *chat.Message {
	return &chat.Message{
		Site: site, ConversationID: conv, ClientID: clientID,
		Author: chat.Author{Type: chat.AuthorVisitor, ID: "v1", Name: "访客"},
		Text:   "message " + clientID, CreatedAt: now(),
	}
}

// appendN appends n visitor messages with client ids c1, c2, … after
// those the conversation has.
func appendN(t *testing.T, s chat.Store, site, conv string, n int) {
	t.Helper()
	ctx := context.Background()
	c, err := s.Conversation(ctx, site, conv)
	must(t, err)
	for i := c.LastSeq + 1; i <= c.LastSeq+int64(n); i++ {
		m := newMessage(site, conv, fmt.Sprintf("c%d", i))
		dup, err := s.AppendMessage(ctx, m)
		must(t, err)
		if dup || m.Seq != i {
			t.Fatalf("append c%d: seq %d duplicate %v, want seq %d", i, m.Seq, dup, i)
		}
	}
}

func seqs(ms []chat.Message) []int64 {
	out := make([]int64, len(ms))
	for i := range ms {
		out[i] = ms[i].Seq
	}
	return out
}

func seqRange(from, to int64) []int64 {
	out := []int64{}
	for seq := from; seq <= to; seq++ {
		out = append(out, seq)
	}
	return out
}
