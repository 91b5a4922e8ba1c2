package app

import (
	"context"
	"encoding/json"
	"time"

	"github.com/kefu/kefu/chat"
)

// followFAQ keeps this node's FAQ index in step with changes made on any
// node, which the server announces on the bus.
func (m *Main) followFAQ() (unsubscribe func(), err error) {
	return m.bus.Subscribe(chat.FAQSubject, func(data []byte) {
		var e chat.Event
		if err := json.Unmarshal(data, &e); err != nil || !chat.ValidKey(e.Site) || (e.FAQ != nil && e.FAQ.Site != e.Site) {
			m.Logger.Warn("bad FAQ event on bus", "err", err)
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if e.FAQ == nil { // a whole site, after an import
			if err := m.reindex(ctx, e.Site); err != nil {
				m.Logger.Error("reindex FAQ", "site", e.Site, "err", err)
			}
			return
		}
		if e.Deleted || !e.FAQ.Published {
			err = m.index.Delete(ctx, e.FAQ.Site, e.FAQ.ID)
		} else {
			err = m.index.Index(ctx, *e.FAQ)
		}
		if err != nil {
			m.Logger.Error("update FAQ index", "site", e.FAQ.Site, "faq", e.FAQ.ID, "err", err)
		}
	})
}
