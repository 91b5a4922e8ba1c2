package chat

import "context"

// owner returns who owns a conversation the actor may see, from the cache
// when it can: typing and viewing signals, the most frequent of all, need
// no database read after the first.
func (s *Service) owner(ctx context.Context, a Actor, id string) (owner, error) {
	o, ok := s.owners.get(a.Site + "/" + id)
	if !ok {
		c, err := s.conversation(ctx, a, id)
		if err != nil {
			return owner{}, err
		}
		o = owner{site: c.Site, visitorID: c.VisitorID}
		s.owners.put(a.Site+"/"+id, o)
	}
	if o.site != a.Site || (a.Agent == nil && o.visitorID != a.VisitorID) || (a.Agent != nil && !a.Agent.CanAccess(a.Site)) {
		return owner{}, NotFound("conversation")
	}
	return o, nil
}

// Viewing tells the site's other agents that an agent opened (viewing
// true) or left a conversation, so that two agents do not answer one
// visitor at once. Nothing is stored: the inbox repeats it while the
// conversation stays open, and a signal not repeated expires (see
// docs/protocol.md). Visitors are never told.
func (s *Service) Viewing(ctx context.Context, a Actor, id string, viewing bool) error {
	if a.Agent == nil {
		return Errorf(CodeForbidden, "only agents say what they are viewing")
	}
	o, err := s.owner(ctx, a, id)
	if err != nil {
		return err
	}
	author := a.author()
	s.publish(ctx, Event{Type: EventViewing, Site: o.site, ConversationID: id, VisitorID: o.visitorID, Author: &author, Viewing: viewing, Origin: a.Conn})
	return nil
}
