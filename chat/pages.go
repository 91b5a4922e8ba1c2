package chat

import "context"

// PageSize is how many records the Each functions read at a time: enough
// to keep round trips few, small enough to keep memory flat however many
// records there are.
const PageSize = 500

// EachSiteKey calls fn with every site's key, in order.
func EachSiteKey(ctx context.Context, st SiteStore, fn func(key string) error) error {
	after := ""
	for {
		keys, err := st.SiteKeys(ctx, after, PageSize)
		if err != nil {
			return err
		}
		for _, k := range keys {
			if err := fn(k); err != nil {
				return err
			}
		}
		if len(keys) < PageSize {
			return nil
		}
		after = keys[len(keys)-1]
	}
}

// EachFAQPage calls fn with every entry of site, a page at a time, in
// ListFAQ's order. fn may keep the slice.
func EachFAQPage(ctx context.Context, st FAQStore, site string, fn func([]FAQ) error) error {
	return eachFAQPageIn(ctx, st, site, "", fn)
}

// eachFAQPageIn is EachFAQPage for the entries of one language ("": all).
func eachFAQPageIn(ctx context.Context, st FAQStore, site, lang string, fn func([]FAQ) error) error {
	var after *FAQ
	for {
		page, err := st.ListFAQ(ctx, site, lang, after, PageSize)
		if err != nil {
			return err
		}
		if len(page) > 0 {
			if err := fn(page); err != nil {
				return err
			}
		}
		if len(page) < PageSize {
			return nil
		}
		last := page[len(page)-1]
		after = &FAQ{Order: last.Order, ID: last.ID}
	}
}

// EachAgent calls fn with every agent of site, in ListAgents' order.
func EachAgent(ctx context.Context, st AgentStore, site string, fn func(*Agent) error) error {
	var after *Agent
	for {
		page, err := st.ListAgents(ctx, site, after, PageSize)
		if err != nil {
			return err
		}
		for i := range page {
			if err := fn(&page[i]); err != nil {
				return err
			}
		}
		if len(page) < PageSize {
			return nil
		}
		last := page[len(page)-1]
		after = &Agent{Name: last.Name, ID: last.ID}
	}
}
