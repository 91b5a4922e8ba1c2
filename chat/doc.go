// Package chat is kefu's domain: sites, agents, visitors, conversations,
// messages, FAQ entries and feedback, the interfaces of the stores and the
// bus that hold and carry them, and the delivery rules that keep messages
// ordered and never lost.
//
// It imports no web framework, database driver or search engine. The
// packages server, store, search and bus implement or use what it defines,
// and cmd/kefu wires them together.
package chat
