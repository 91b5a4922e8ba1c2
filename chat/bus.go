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
