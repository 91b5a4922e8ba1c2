package main

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/kefu/kefu/app"
	"github.com/kefu/kefu/config"
)

func TestLoadAgainstARealServer(t *testing.T) {
	cfg, err := config.Load([]string{"-addr", "127.0.0.1:0", "-data-dir", t.TempDir(), "-log-level", "error",
		"-admin-password", "load-test-pw", "-rate-ip", "100000", "-rate-visitor", "1000"}, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	m := app.New(cfg, io.Discard)
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close(context.Background())
	var out bytes.Buffer
	if err := run([]string{"-url", m.URL(), "-visitors", "8", "-idle", "4", "-rate", "10", "-duration", "1s", "-password", "load-test-pw"}, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	got := regexp.MustCompile(`sent (\d+), acked (\d+), delivered to the agent (\d+)`).FindStringSubmatch(out.String())
	if got == nil {
		t.Fatalf("report:\n%s", out.String())
	}
	sent, _ := strconv.Atoi(got[1])
	acked, _ := strconv.Atoi(got[2])
	delivered, _ := strconv.Atoi(got[3])
	// Sends still waiting for their ack when time is up are not counted as
	// acked; every acked message must have reached the agent.
	if acked == 0 || delivered < acked || sent < acked {
		t.Fatalf("report:\n%s", out.String())
	}
	if strings.Contains(out.String(), "errors") {
		t.Fatalf("errors under a light load:\n%s", out.String())
	}
}

func TestRefusesRemoteServers(t *testing.T) {
	for _, u := range []string{"http://10.0.0.1:8080", "http://example.com", "http://192.168.1.1"} {
		if _, err := parse([]string{"-url", u, "-password", "x"}, io.Discard); err == nil || !strings.Contains(err.Error(), "not on this machine") {
			t.Fatalf("%s: %v", u, err)
		}
	}
	if _, err := parse([]string{"-url", "http://[::1]:8080", "-password", "x"}, io.Discard); err != nil {
		t.Fatal(err)
	}
}
