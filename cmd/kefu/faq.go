package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	neturl "net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kefu/kefu/client"
	"github.com/kefu/kefu/faqfile"
)

const faqUsage = `Usage:
  kefu faq import FILE [flags]     import FAQ entries from FILE (.json or .csv)
  kefu faq export [FILE] [flags]   export the site's FAQ to FILE, or to standard output

Both talk to a running kefu as an agent, so the search index of every node
is updated at once. An import is all or nothing: if any row is bad, every
bad row is listed by line and nothing is imported.

The password comes from KEFU_ADMIN_PASSWORD or, when that is empty, from
the first line of standard input (never a flag, which others can read in
the process list). An agent with two-factor login adds -totp CODE.

Flags:
`

// runFAQ runs the faq subcommands.
func runFAQ(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 || (args[0] != "import" && args[0] != "export") {
		fmt.Fprint(stderr, faqUsage)
		faqFlags(io.Discard, getenv).PrintDefaults()
		if len(args) > 0 && isHelp(args[0]) {
			return nil
		}
		return errors.New("faq: want import or export")
	}
	verb := args[0]
	fs := faqFlags(stderr, getenv)
	fs.Usage = func() { fmt.Fprint(stderr, faqUsage); fs.PrintDefaults() }
	files, err := parseInterspersed(fs, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	url, email := fs.Lookup("url").Value.String(), fs.Lookup("email").Value.String()
	site, format, totp := fs.Lookup("site").Value.String(), fs.Lookup("format").Value.String(), fs.Lookup("totp").Value.String()
	switch {
	case verb == "import" && len(files) != 1:
		return errors.New("faq import: name one file")
	case verb == "export" && len(files) > 1:
		return errors.New("faq export: name at most one file")
	}
	password := func() (string, error) {
		p := getenv("KEFU_ADMIN_PASSWORD")
		if p == "" && stdin != nil {
			line, _ := bufio.NewReader(io.LimitReader(stdin, 1024)).ReadString('\n')
			p = strings.TrimRight(line, "\r\n")
		}
		if p == "" {
			return "", errors.New("faq: set KEFU_ADMIN_PASSWORD, or pass the password on standard input, to log in as an agent")
		}
		return p, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	c := client.New(url)
	token, err := agentSession(ctx, c, sessionFile(getenv, url, email), func(ctx context.Context) (string, error) {
		p, err := password()
		if err != nil {
			return "", err
		}
		return c.Login(ctx, email, p, totp)
	})
	if err != nil {
		return fmt.Errorf("faq: log in to %s: %w", url, err)
	}
	if verb == "import" {
		return importFAQ(ctx, c, token, site, files[0], format, stderr)
	}
	if format == "" {
		format = "json"
		if len(files) == 1 && strings.HasSuffix(files[0], ".csv") {
			format = "csv"
		}
	}
	out := stdout
	if len(files) == 1 {
		f, err := os.Create(files[0])
		if err != nil {
			return err
		}
		defer f.Close()
		out = f
	}
	return exportFAQ(ctx, c, token, site, format, out)
}

func isHelp(arg string) bool { return arg == "-h" || arg == "-help" || arg == "--help" }

// parseInterspersed parses flags before, between and after the file names,
// which it returns: the flag package alone stops at the first name and
// would drop the flags after it silently.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var names []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return names, nil
		}
		names = append(names, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func faqFlags(stderr io.Writer, getenv func(string) string) *flag.FlagSet {
	fs := flag.NewFlagSet("kefu faq", flag.ContinueOnError)
	fs.SetOutput(stderr)
	def := func(env, d string) string {
		if v := getenv(env); v != "" {
			return v
		}
		return d
	}
	fs.String("url", def("KEFU_PUBLIC_URL", "http://localhost:8080"), "kefu's URL, from $KEFU_PUBLIC_URL when set")
	fs.String("email", def("KEFU_ADMIN_EMAIL", "admin@example.com"), "agent email, from $KEFU_ADMIN_EMAIL when set")
	fs.String("totp", "", "the current two-factor code, for an agent who has two-factor login")
	fs.String("site", "", "site key (default: the agent's first site)")
	fs.String("format", "", "json or csv (default: from the file name)")
	return fs
}

func sitePath(path, site string) string {
	if site == "" {
		return path
	}
	return path + "&site=" + site
}

func importFAQ(ctx context.Context, c *client.Client, token, site, name, format string, progress io.Writer) error {
	if format == "" {
		f, err := faqfile.FormatOf(name)
		if err != nil {
			return fmt.Errorf("faq import: %w (or pass -format)", err)
		}
		format = string(f)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	var bar io.Writer = io.Discard // a bar redrawn with \r only makes sense on a terminal
	if isTerminal(progress) {
		bar = progress
	}
	body := &progressReader{r: bytes.NewReader(data), total: len(data), out: bar, name: filepath.Base(name)}
	req, err := http.NewRequestWithContext(ctx, "POST", c.BaseURL+sitePath("/api/v1/faq/import?format="+format, site), body)
	if err != nil {
		return err
	}
	req.ContentLength = int64(len(data))
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := c.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("faq import: %w", err)
	}
	defer res.Body.Close()
	fmt.Fprintln(bar)
	var out struct {
		Imported int `json:"imported"`
		Error    struct {
			Message string `json:"message"`
			Details struct {
				Rows []faqfile.RowError `json:"rows"`
			} `json:"details"`
		} `json:"error"`
	}
	if err := json.NewDecoder(io.LimitReader(res.Body, 16<<20)).Decode(&out); err != nil {
		return fmt.Errorf("faq import: %s", res.Status)
	}
	if res.StatusCode != http.StatusOK {
		for _, r := range out.Error.Details.Rows {
			fmt.Fprintf(progress, "%s:%d: %s\n", name, r.Line, r.Message)
		}
		return fmt.Errorf("faq import: %s", out.Error.Message)
	}
	fmt.Fprintf(progress, "imported %d entries from %s\n", out.Imported, name)
	return nil
}

func exportFAQ(ctx context.Context, c *client.Client, token, site, format string, out io.Writer) error {
	req, err := http.NewRequestWithContext(ctx, "GET", c.BaseURL+sitePath("/api/v1/faq/export?format="+format, site), nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := c.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("faq export: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("faq export: %s", res.Status)
	}
	_, err = io.Copy(out, res.Body)
	return err
}

// progressReader draws an upload progress bar as the body is read.
type progressReader struct {
	r     io.Reader
	total int
	done  int
	out   io.Writer
	name  string
	shown int
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.done += n
	if pct := p.done * 100 / max(p.total, 1); pct != p.shown || err == io.EOF {
		p.shown = pct
		bar := strings.Repeat("█", pct/5) + strings.Repeat("░", 20-pct/5)
		fmt.Fprintf(p.out, "\ruploading %s %s %3d%% (%d KB)", p.name, bar, pct, p.total/1024)
	}
	return n, err
}

// isTerminal reports whether f, a reader or writer, is a terminal.
func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	if !ok {
		return false
	}
	fi, err := file.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// sessionFile is where kefu faq keeps an agent's refresh token between
// runs, so that each run need not log in (the login limit allows 5 at
// once, then one a minute). "" when there is no config dir.
func sessionFile(getenv func(string) string, url, email string) string {
	dir := getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home := getenv("HOME")
		if home == "" {
			return ""
		}
		dir = filepath.Join(home, ".config")
	}
	sum := sha256.Sum256([]byte(url + "\n" + strings.ToLower(email)))
	return filepath.Join(dir, "kefu", "session-"+hex.EncodeToString(sum[:8]))
}

// agentSession returns an access token: from the refresh token kept in
// file if it still works, else from login. It keeps the newest refresh
// token in file (mode 0600), as the server rotates it.
func agentSession(ctx context.Context, c *client.Client, file string, login func(context.Context) (string, error)) (string, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return "", err
	}
	c.HTTP.Jar = jar
	authURL, err := neturl.Parse(c.BaseURL + "/api/v1/auth/")
	if err != nil {
		return "", err
	}
	save := func() {
		if file == "" {
			return
		}
		for _, ck := range jar.Cookies(authURL) {
			if ck.Name == refreshCookieName && os.MkdirAll(filepath.Dir(file), 0o700) == nil {
				_ = os.WriteFile(file, []byte(ck.Value), 0o600)
			}
		}
	}
	if b, err := os.ReadFile(file); file != "" && err == nil {
		jar.SetCookies(authURL, []*http.Cookie{{Name: refreshCookieName, Value: strings.TrimSpace(string(b)), Path: "/api/v1/auth"}})
		if token, err := c.Refresh(ctx); err == nil {
			save()
			return token, nil
		}
	}
	token, err := login(ctx)
	if err != nil {
		return "", err
	}
	save()
	return token, nil
}

// refreshCookieName is the server's refresh-token cookie.
const refreshCookieName = "kefu_refresh"
