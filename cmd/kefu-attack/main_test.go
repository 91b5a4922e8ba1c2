package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/kefu/kefu/chat"
)

func TestParseItems(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []int
		wantErr bool
	}{
		{"empty runs all", "", nil, false},
		{"a list", "4, 5,9", []int{4, 5, 9}, false},
		{"out of range", "10", nil, true},
		{"zero", "0", nil, true},
		{"not a number", "4,x", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseItems(tt.in, 9)
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseItems(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("parseItems(%q) = %v, want %v", tt.in, got, tt.want)
			}
			for _, i := range tt.want {
				if !got[i] {
					t.Fatalf("parseItems(%q) = %v, want %v", tt.in, got, tt.want)
				}
			}
		})
	}
}

func TestHelpExitsZero(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(t.Context(), []string{"-h"}, &out, &errOut); code != 0 {
		t.Fatalf("-h exit status %d, want 0; stderr %q", code, errOut.String())
	}
	if !strings.Contains(out.String(), "-kefu") {
		t.Fatalf("-h printed no usage: %q", out.String())
	}
	if code := run(t.Context(), nil, &out, &errOut); code == 0 {
		t.Fatal("no -kefu: exit status 0")
	}
}

func TestReadyURL(t *testing.T) {
	log := `time=… level=INFO msg="built FAQ index" site=demo
time=… level=INFO msg="kefu ready" url=http://127.0.0.1:40123 inbox=http://127.0.0.1:40123/inbox bus=in-process`
	if got := readyURL(log); got != "http://127.0.0.1:40123" {
		t.Fatalf("readyURL = %q", got)
	}
	if got := readyURL(`msg="built FAQ index"`); got != "" {
		t.Fatalf("readyURL before ready = %q, want empty", got)
	}
}

func TestParseVmRSS(t *testing.T) {
	status := "Name:\tkefu\nVmPeak:\t  900000 kB\nVmRSS:\t   38424 kB\nThreads:\t8\n"
	got, err := parseVmRSS(strings.NewReader(status))
	if err != nil || got != 38424<<10 {
		t.Fatalf("parseVmRSS = %d, %v; want %d", got, err, 38424<<10)
	}
	if _, err := parseVmRSS(strings.NewReader("Name:\tkefu\n")); err == nil {
		t.Fatal("parseVmRSS without VmRSS: no error")
	}
}

func TestRouteLabels(t *testing.T) {
	scrape := `# HELP kefu_http_request_duration_seconds HTTP request latency by route and status.
kefu_http_request_duration_seconds_bucket{method="GET",route="unmatched",status="404",le="0.001"} 3
kefu_http_request_duration_seconds_count{method="GET",route="unmatched",status="404"} 3
kefu_http_request_duration_seconds_count{method="GET",route="/w/:name",status="404"} 1
go_goroutines{route="not-ours"} 12
`
	got := routeLabels(scrape)
	if len(got) != 2 || !got["unmatched"] || !got["/w/:name"] {
		t.Fatalf("routeLabels = %v, want unmatched and /w/:name", got)
	}
}

func TestManyAttributesIsJSONOfTheSize(t *testing.T) {
	b := manyAttributes(100_000)
	if len(b) < 100_000 || len(b) > 100_100 {
		t.Fatalf("%d bytes, want about 100,000", len(b))
	}
	var v struct {
		Attributes map[string]string `json:"attributes"`
	}
	if err := json.Unmarshal(b, &v); err != nil || len(v.Attributes) < 1000 {
		t.Fatalf("%d attributes, %v", len(v.Attributes), err)
	}
}

func TestAllOnce(t *testing.T) {
	msgs := func(ids ...string) []chat.Message {
		out := make([]chat.Message, len(ids))
		for i, id := range ids {
			out[i] = chat.Message{Seq: int64(i + 1), ClientID: id}
		}
		return out
	}
	gap := msgs("a", "b")
	gap[1].Seq = 3
	tests := []struct {
		name    string
		msgs    []chat.Message
		acked   []string
		wantErr bool
	}{
		{"each once", msgs("a", "b", "c"), []string{"a", "b", "c"}, false},
		{"one missing", msgs("a", "c"), []string{"a", "b", "c"}, true},
		{"one twice", msgs("a", "b", "b", "c"), []string{"a", "b", "c"}, true},
		{"a gap", gap, []string{"a", "b"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := allOnce("the agent", tt.msgs, tt.acked); (err != nil) != tt.wantErr {
				t.Fatalf("allOnce = %v, want error %v", err, tt.wantErr)
			}
		})
	}
}

func TestWithoutKefuSettings(t *testing.T) {
	got := withoutKefuSettings([]string{"PATH=/bin", "KEFU_ADDR=:80", "HOME=/root", "KEFU_SECRET=x"})
	if strings.Join(got, " ") != "PATH=/bin HOME=/root" {
		t.Fatalf("withoutKefuSettings = %v", got)
	}
}
