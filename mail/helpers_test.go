package mail_test

import (
	"context"
	"errors"
	"net"
	"testing"

	"github.com/kefu/kefu/mail"
)

func errorsAs(err error, target any) bool { return errors.As(err, target) }

// listenSilent returns the port of a listener that accepts connections
// and says nothing.
func listenSilent(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		var open []net.Conn
		defer func() {
			for _, c := range open {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			open = append(open, c)
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

// blocked is a Deliverer that waits until release is closed.
type blocked chan struct{}

func (b blocked) Send(ctx context.Context, _ mail.Message) error {
	select {
	case <-b:
	case <-ctx.Done():
	}
	return nil
}
