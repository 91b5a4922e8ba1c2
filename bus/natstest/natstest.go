// Package natstest runs an embedded NATS server for tests, so that tests of
// several kefu nodes need no NATS installed.
package natstest

import (
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Start runs a NATS server on a free loopback port until the test ends and
// returns its client URL (nats://127.0.0.1:PORT).
func Start(tb testing.TB) string {
	tb.Helper()
	return StartServer(tb, -1).ClientURL()
}

// StartServer runs a NATS server on port, or on a free port if port is -1,
// until the test ends. Tests that stop the server, to see nodes lose and
// regain it, call Shutdown themselves and may start another on the same
// port (s.Addr()).
func StartServer(tb testing.TB, port int) *server.Server {
	tb.Helper()
	s, err := server.NewServer(&server.Options{
		Host:   "127.0.0.1",
		Port:   port,
		NoLog:  true,
		NoSigs: true,
	})
	if err != nil {
		tb.Fatalf("natstest: %v", err)
	}
	go s.Start()
	tb.Cleanup(func() {
		s.Shutdown()
		s.WaitForShutdown()
	})
	if !s.ReadyForConnections(10 * time.Second) {
		tb.Fatalf("natstest: server on port %d not ready after 10s", port)
	}
	return s
}
