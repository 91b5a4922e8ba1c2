package chat

// Presence is whether an agent is there to answer visitors. Only an
// online agent makes a site's widget say that someone is there; away and
// offline differ only in what other agents are shown.
type Presence string

// The presences an agent may be in. An agent with no socket open is
// offline whatever they chose.
const (
	PresenceOnline  Presence = "online"
	PresenceAway    Presence = "away"
	PresenceOffline Presence = "offline"
)

// Valid tells whether p is one of the presences.
func (p Presence) Valid() bool {
	return p == PresenceOnline || p == PresenceAway || p == PresenceOffline
}

// rank orders presences from least to most available.
func (p Presence) rank() int {
	switch p {
	case PresenceOnline:
		return 2
	case PresenceAway:
		return 1
	}
	return 0
}

// Most is the more available of p and q: an agent with several inbox tabs
// is online when any of them is.
func (p Presence) Most(q Presence) Presence {
	if q.rank() > p.rank() {
		return q
	}
	return p
}
