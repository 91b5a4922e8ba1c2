package e2e

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ownerTab opens a new tab of the owner's browser on the inbox at path
// (such as "/inbox#settings") and waits until its socket is live. The
// owner logs in through the form once per run; every later tab starts
// from the refresh cookie, as a reload does, so the tests do not spend
// kefu's per-IP login budget. The tab closes with the test, which then
// waits until no agent is online, as the widget tests expect. Actions in
// before run in the tab before it opens the inbox.
func (e *env) ownerTab(t *testing.T, path string, before ...chromedp.Action[chromedp.Void]) *tab {
	t.Helper()
	e.ownerOnce.Do(func() { e.owner, e.ownerErr = e.loginOwner() })
	if e.ownerErr != nil {
		t.Fatalf("log the owner in: %v", e.ownerErr)
	}
	deadline, cancel := context.WithTimeout(e.owner, testTimeout)
	t.Cleanup(func() {
		cancel()
		e.waitAgentsOnline(t, false)
	})
	tb := e.openTab(t, deadline)
	do(t, tb.ctx, "open the inbox", append(before, chromedp.Navigate(e.kefuURL+path))...)
	tb.waitLive()
	return tb
}

// loginOwner logs the owner in with the inbox's form, in a second tab of
// a new browser context that closes afterwards: the context's first tab
// stays blank, and the owner offline.
func (e *env) loginOwner() (context.Context, error) {
	owner, _ := chromedp.NewContext(e.browser, chromedp.WithNewBrowserContext())
	e.closers = append(e.closers, func() { _ = chromedp.Cancel(owner) })
	// The first action opens the context's first tab, which lives as long
	// as the context of that action.
	if err := chromedp.Do(owner); err != nil {
		return nil, err
	}
	ctx, closeTab := chromedp.NewContext(owner)
	defer closeTab()
	if err := chromedp.Do(ctx); err != nil {
		return nil, err
	}
	wait, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	err := chromedp.Do(wait,
		chromedp.Navigate(e.kefuURL+"/inbox"),
		chromedp.WaitVisible(chromedp.CSS(`#login-form input[name=email]`)),
		chromedp.SendKeys(chromedp.CSS(`#login-form input[name=email]`), adminEmail),
		chromedp.SendKeys(chromedp.CSS(`#login-form input[name=password]`), adminPassword+"\n"),
	)
	if err != nil {
		return nil, err
	}
	for {
		shown, err := chromedp.Run(wait, chromedp.Evaluate[bool](`!document.getElementById('app').hidden`))
		if err != nil {
			return nil, fmt.Errorf("wait for the inbox after the login: %w", err)
		}
		if shown {
			return owner, nil
		}
		if wait.Err() != nil {
			return nil, errors.New("the inbox did not open after the login")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// An agent who leaves the inbox for another page is offline at once, even
// while the browser keeps the inbox in its back/forward cache; coming back
// brings the socket back.
func TestLeavingTheInboxGoesOffline(t *testing.T) {
	e := setup(t)
	in := e.ownerTab(t, "/inbox")
	e.waitAgentsOnline(t, true)
	do(t, in.ctx, "leave for another page", chromedp.Navigate("about:blank"))
	e.waitAgentsOnline(t, false)
	// A page restored from the cache fires no load event to wait for.
	run(t, in.ctx, `history.back()`)
	in.waitLive()
	e.waitAgentsOnline(t, true)
}
