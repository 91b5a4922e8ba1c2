package chat

import "context"

// Bus carries events between the processes of one kefu deployment. The
// in-process bus serves one node; NATS serves several.
type Bus interface {
	// Publish sends data to every subscriber of subject, on every node.
	Publish(ctx context.Context, subject string, data []byte) error
	// Subscribe calls fn for each message on subject until the returned
	// function is called. fn must not block.
	Subscribe(subject string, fn func(data []byte)) (unsubscribe func(), err error)
}

// SiteSubject is the bus subject that carries a site's conversation events.
func SiteSubject(site string) string { return "kefu.site." + site }

// GapNotifier is a Bus that can lose events and says when it may have: NATS
// drops messages for a subscriber that falls behind, and those published
// while a node was cut off from the server. Subscribers then tell their
// clients to catch up from the store.
type GapNotifier interface {
	// OnGap calls fn after events on subject may have been lost; an empty
	// subject means any subject. fn must not block.
	OnGap(fn func(subject string))
}
