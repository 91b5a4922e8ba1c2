package chat

// FAQHit is one FAQ entry that matched a search, best first.
type FAQHit struct {
	ID    string
	Score float64
}
