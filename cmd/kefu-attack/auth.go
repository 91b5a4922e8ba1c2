package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// refreshRaces (item 4): concurrent refreshes with one refresh token get
// 200 or 401, never 404 or 500, and leave the login in one state that
// every token agrees on: either it lives, no refresh was told otherwise,
// and every token handed out works; or it was revoked as a replay and no
// token of it works, though a refresh got 200 (the defect was a winner's
// token that outlived "all sessions revoked"). Logging out, and changing
// the password, end access tokens at once.
func refreshRaces(ctx context.Context, e *env) error {
	k, err := e.start(ctx, e.path("data"))
	if err != nil {
		return err
	}
	// Four logins in all: within the per-address and per-account bursts.
	for _, n := range []int{2, 8, 2} {
		if err := refreshRace(ctx, e, k, n); err != nil {
			return err
		}
	}

	r, s, err := k.login(ctx, ownerPassword)
	if err != nil || s.access == "" {
		return fmt.Errorf("login: %s %v", r, err)
	}
	if st, err := k.me(ctx, s.access); err != nil || st != http.StatusOK {
		return fmt.Errorf("a fresh access token = %d %v, want 200", st, err)
	}
	if r, err := k.cookiePost(ctx, "/api/v1/auth/logout", s.refresh, "Origin", k.URL); err != nil || r.status != http.StatusNoContent {
		return fmt.Errorf("logout = %s %v, want 204", r, err)
	}
	if st, err := k.me(ctx, s.access); err != nil || st != http.StatusUnauthorized {
		return fmt.Errorf("the access token right after logout = %d %v, want 401", st, err)
	}
	if r, err := k.refresh(ctx, s.refresh); err != nil || r.status != http.StatusUnauthorized {
		return fmt.Errorf("the refresh cookie after logout = %s %v, want 401", r, err)
	}
	// A kefu of its own: a password change counts against the same
	// per-account limit as the logins above.
	if k, err = e.start(ctx, e.path("password")); err != nil {
		return err
	}
	return passwordChangeEndsLogins(ctx, k)
}

// passwordChangeEndsLogins checks that changing the password ends every
// other login of the agent at once, and the changer's old one too, while
// the browser that changed it gets a new login.
func passwordChangeEndsLogins(ctx context.Context, k *kefuProc) error {
	var logins [2]session
	for i := range logins {
		r, s, err := k.login(ctx, ownerPassword)
		if err != nil || s.access == "" {
			return fmt.Errorf("login: %s %v", r, err)
		}
		logins[i] = s
	}
	here, elsewhere := logins[0], logins[1]
	body := jsonBody(map[string]string{"current_password": ownerPassword, "new_password": "attack-owner-password-2"})
	r, err := k.do(ctx, "POST", "/api/v1/me/password", body,
		headers("Content-Type", "application/json", "Origin", k.URL, "Authorization", "Bearer "+here.access))
	if err != nil {
		return err
	}
	if r.status != http.StatusOK || r.session().access == "" {
		return fmt.Errorf("a password change = %s, want 200 with a new login", r)
	}
	if st, err := k.me(ctx, r.session().access); err != nil || st != http.StatusOK {
		return fmt.Errorf("the login a password change answers with = %d %v, want 200", st, err)
	}
	for _, old := range []struct {
		name string
		s    session
	}{{"another browser's", elsewhere}, {"the changing browser's old", here}} {
		if st, err := k.me(ctx, old.s.access); err != nil || st != http.StatusUnauthorized {
			return fmt.Errorf("%s access token right after a password change = %d %v, want 401", old.name, st, err)
		}
		if r, err := k.refresh(ctx, old.s.refresh); err != nil || r.status != http.StatusUnauthorized {
			return fmt.Errorf("%s refresh cookie after a password change = %s %v, want 401", old.name, r, err)
		}
	}
	return nil
}

// refreshRace logs in and fires n refreshes with the same refresh token
// at once.
func refreshRace(ctx context.Context, e *env, k *kefuProc, n int) error {
	r, s, err := k.login(ctx, ownerPassword)
	if err != nil || s.refresh == "" {
		return fmt.Errorf("login: %s %v", r, err)
	}
	got := make([]response, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			got[i], errs[i] = k.refresh(ctx, s.refresh)
		})
	}
	close(start)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	// Everything that login and the race handed out: the first access
	// token, and each winner's access token and refresh cookie.
	access := []string{s.access}
	var refresh []string
	refused := 0
	for i, r := range got {
		switch r.status {
		case http.StatusOK:
			w := r.session()
			access = append(access, w.access)
			refresh = append(refresh, w.refresh)
		case http.StatusUnauthorized:
			refused++
		default:
			return fmt.Errorf("refresh %d of %d at once = %s, want 200 or 401", i+1, n, r)
		}
	}
	// Access tokens first: looking at them changes nothing, while a
	// refresh rotates a live token.
	live := 0
	for _, a := range access {
		st, err := k.me(ctx, a)
		if err != nil {
			return err
		}
		switch st {
		case http.StatusOK:
			live++
		case http.StatusUnauthorized:
		default:
			return fmt.Errorf("an access token after %d refreshes at once answers %d", n, st)
		}
	}
	e.notef("4: %d refreshes at once: %d got 200, %d got 401; %d of %d access tokens live", n, n-refused, refused, live, len(access))
	switch {
	case live == len(access) && refused == 0:
		for i, c := range refresh {
			if r, err := k.refresh(ctx, c); err != nil || r.status != http.StatusOK {
				return fmt.Errorf("after %d refreshes at once the login lives, yet winner %d's refresh cookie = %s %v", n, i+1, r, err)
			}
		}
	case live == len(access):
		return fmt.Errorf("%d of %d refreshes at once were refused, yet the login they belong to lives on", refused, n)
	case live > 0:
		return fmt.Errorf("after %d refreshes at once, %d of the login's %d access tokens work and the rest do not", n, live, len(access))
	default:
		for i, c := range refresh {
			if r, err := k.refresh(ctx, c); err != nil || r.status != http.StatusUnauthorized {
				return fmt.Errorf("after %d refreshes at once the login was revoked, yet winner %d's refresh cookie = %s %v", n, i+1, r, err)
			}
		}
	}
	return nil
}

// bruteForce (item 5): wrong passwords for one account, each from another
// address, are refused with 429 within the first few, the right password
// too while the limit holds, and kefu logs it. kefu trusts this machine as
// a proxy here, so each X-Forwarded-For is a client of its own and only the
// per-account limit can stop the guesser.
func bruteForce(ctx context.Context, e *env) error {
	k, err := e.start(ctx, e.path("data"), "KEFU_TRUSTED_PROXIES=127.0.0.1")
	if err != nil {
		return err
	}
	firstRefused := 0
	for i := 1; i <= 20; i++ {
		r, _, err := k.login(ctx, fmt.Sprintf("guess-%d", i), "X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i))
		if err != nil {
			return err
		}
		switch {
		case r.status == http.StatusTooManyRequests:
			if firstRefused == 0 {
				firstRefused = i
				if err := retryHint(r); err != nil {
					return err
				}
			}
		case firstRefused > 0:
			return fmt.Errorf("guess %d, after guess %d was refused, = %s, want 429", i, firstRefused, r)
		case r.status != http.StatusUnauthorized:
			return fmt.Errorf("wrong password %d = %s, want 401 or 429", i, r)
		}
	}
	if firstRefused == 0 {
		return errors.New("20 wrong passwords for one account from 20 addresses were all answered 401, want 429 within 10")
	}
	if firstRefused > 10 {
		return fmt.Errorf("the first 429 came at wrong password %d from as many addresses, want within 10", firstRefused)
	}
	e.notef("5: the account was limited from wrong password %d on", firstRefused)
	if r, _, err := k.login(ctx, ownerPassword, "X-Forwarded-For", "198.51.100.7"); err != nil || r.status != http.StatusTooManyRequests {
		return fmt.Errorf("the right password while the account is limited = %s %v, want 429: a guesser could still confirm a guess", r, err)
	}
	if _, ok := k.waitLog(time.Second, "level=WARN", "login"); !ok {
		return errors.New("kefu limited the account without a line in its log")
	}
	return nil
}

// retryHint checks that a 429 says when to come back: a Retry-After in
// seconds if kefu sends one, and a message in any case.
func retryHint(r response) error {
	if ra := r.header.Get("Retry-After"); ra != "" {
		if n, err := strconv.Atoi(ra); err != nil || n < 1 {
			return fmt.Errorf("429 with Retry-After %q, want whole seconds", ra)
		}
	}
	if r.errorCode() != "rate_limited" {
		return fmt.Errorf("429 = %s, want an error rate_limited", r)
	}
	return nil
}

// csrf (item 6): a cross-site page can neither log a browser in (a
// text/plain form, another Origin, Sec-Fetch-Site cross-site) nor log an
// agent out, and a logout without a cookie changes nothing.
func csrf(ctx context.Context, e *env) error {
	k, err := e.start(ctx, e.path("data"))
	if err != nil {
		return err
	}
	creds := jsonBody(map[string]string{"email": ownerEmail, "password": ownerPassword})
	refusedLogins := []struct {
		name   string
		header []string
		want   int
	}{
		{"a text/plain form", []string{"Content-Type", "text/plain"}, http.StatusUnsupportedMediaType},
		{"another Origin", []string{"Content-Type", "application/json", "Origin", "https://evil.example"}, http.StatusForbidden},
		{"a cross-site fetch", []string{"Content-Type", "application/json", "Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
	}
	for _, tt := range refusedLogins {
		r, err := k.do(ctx, "POST", "/api/v1/auth/login", creds, headers(tt.header...))
		if err != nil {
			return err
		}
		if r.status != tt.want || r.cookie("kefu_refresh") != "" {
			return fmt.Errorf("a login from %s = %s (cookie set: %v), want %d and no cookie", tt.name, r, r.cookie("kefu_refresh") != "", tt.want)
		}
	}
	r, s, err := k.login(ctx, ownerPassword, "Sec-Fetch-Site", "same-origin")
	if err != nil || s.refresh == "" {
		return fmt.Errorf("a login from kefu's own page = %s %v", r, err)
	}

	refusedLogouts := []struct {
		name   string
		header []string
	}{
		{"another Origin", []string{"Origin", "https://evil.example", "Content-Type", "text/plain"}},
		{"a cross-site form", []string{"Sec-Fetch-Site", "cross-site", "Content-Type", "application/x-www-form-urlencoded"}},
	}
	for _, tt := range refusedLogouts {
		r, err := k.cookiePost(ctx, "/api/v1/auth/logout", s.refresh, tt.header...)
		if err != nil {
			return err
		}
		if r.status != http.StatusForbidden {
			return fmt.Errorf("a logout from %s = %s, want 403", tt.name, r)
		}
	}
	if r, err := k.cookiePost(ctx, "/api/v1/auth/logout", "", "Origin", k.URL); err != nil || r.status/100 != 2 {
		return fmt.Errorf("a logout without a cookie = %s %v, want 2xx", r, err)
	}
	if st, err := k.me(ctx, s.access); err != nil || st != http.StatusOK {
		return fmt.Errorf("after the refused logouts the access token answers %d %v, want 200", st, err)
	}
	if r, err := k.refresh(ctx, s.refresh); err != nil || r.status != http.StatusOK {
		return fmt.Errorf("after the refused logouts the session no longer refreshes: %s %v", r, err)
	}
	return nil
}
