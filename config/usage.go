package config

import (
	"fmt"
	"io"
	"strings"
)

const usageIntro = `kefu: self-hosted live-chat customer support in one binary.

Usage:
  kefu [flags]                     run the server
  kefu faq import|export [flags]   move FAQ entries in and out of a running kefu
                                   (kefu faq import -h for more)
  kefu export FILE [flags]         write the whole install to FILE (JSON lines)
  kefu import FILE [flags]         read such a file into an empty database
  kefu backup FILE [flags]         copy the embedded database, even while kefu runs
  kefu admin reset-password EMAIL  give an agent a new password (kefu admin -h)
  kefu admin disable-2fa EMAIL     turn off an agent's two-factor login

With no settings, kefu listens on :8080 with an embedded SQLite database in
the data dir and an in-process bus, creates a site and an owner agent on first
run, and serves a demo page at / and the inbox at /inbox. export, import,
backup and admin take the same settings as the server, to find the same
database.

Every setting is an environment variable and a flag. A flag wins over the
environment, which wins over the default. Flags take -name value,
-name=value, or --name=value; a boolean flag alone means true.
`

const usageExamples = `Examples:
  # Try it on this machine:
  kefu

  # Another port, with debug logs:
  kefu -addr :9000 -log-level debug

  # Production behind a TLS proxy, with MongoDB and two or more nodes:
  KEFU_PUBLIC_URL=https://chat.example.com \
  KEFU_MONGODB_URI='mongodb://db1,db2,db3/?replicaSet=rs0' \
  KEFU_NATS_URL=nats://nats:4222 \
  KEFU_SECRET="$(cat /run/secrets/kefu)" \
  KEFU_DEMO=false \
  kefu
`

// writeUsage prints the help: an intro, every setting grouped, examples.
func writeUsage(w io.Writer, settings []setting) {
	var b strings.Builder
	b.WriteString(usageIntro)
	for _, g := range groups {
		fmt.Fprintf(&b, "\n%s:\n", g)
		for _, s := range settings {
			if s.group != g {
				continue
			}
			fmt.Fprintf(&b, "  -%s, %s\n", s.flag, s.env)
			for _, line := range wrap(s.usage, 72) {
				fmt.Fprintf(&b, "        %s\n", line)
			}
			fmt.Fprintf(&b, "        Default: %s\n", s.def)
		}
	}
	b.WriteString("\n")
	b.WriteString(usageExamples)
	io.WriteString(w, b.String())
}

// wrap breaks text into lines of at most width bytes, at spaces.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && len(line)+1+len(word) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
