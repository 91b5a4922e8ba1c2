package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kefu/kefu/client"
	"github.com/kefu/kefu/faqfile"
)

const faqUsage = `Usage:
  kefu faq import [flags] FILE     import FAQ entries from FILE (.json or .csv)
  kefu faq export [flags] [FILE]   export the site's FAQ to FILE, or to standard output

Both talk to a running kefu as an agent, so the search index of every node
is updated at once. An import is all or nothing: if any row is bad, every
bad row is listed by line and nothing is imported.

Flags:
`

// runFAQ runs the faq subcommands.
func runFAQ(args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 || (args[0] != "import" && args[0] != "export") {
		fmt.Fprint(stderr, faqUsage)
		faqFlags(io.Discard, getenv).PrintDefaults()
		return errors.New("faq: want import or export")
	}
	verb := args[0]
	fs := faqFlags(stderr, getenv)
	fs.Usage = func() { fmt.Fprint(stderr, faqUsage); fs.PrintDefaults() }
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	url, email := fs.Lookup("url").Value.String(), fs.Lookup("email").Value.String()
	password, site, format := fs.Lookup("password").Value.String(), fs.Lookup("site").Value.String(), fs.Lookup("format").Value.String()
	if password == "" {
		return errors.New("faq: set KEFU_ADMIN_PASSWORD or -password to log in as an agent")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	c := client.New(url)
	token, err := c.Login(ctx, email, password, "")
	if err != nil {
		return fmt.Errorf("faq: log in to %s: %w", url, err)
	}
	if verb == "import" {
		if fs.NArg() != 1 {
			return errors.New("faq import: name one file")
		}
		return importFAQ(ctx, c, token, site, fs.Arg(0), format, stderr)
	}
	if format == "" {
		format = "json"
		if fs.NArg() == 1 && strings.HasSuffix(fs.Arg(0), ".csv") {
			format = "csv"
		}
	}
	out := stdout
	if fs.NArg() == 1 {
		f, err := os.Create(fs.Arg(0))
		if err != nil {
			return err
		}
		defer f.Close()
		out = f
	}
	return exportFAQ(ctx, c, token, site, format, out)
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
	fs.String("url", def("KEFU_PUBLIC_URL", "http://localhost:8080"), "kefu's URL (default $KEFU_PUBLIC_URL)")
	fs.String("email", def("KEFU_ADMIN_EMAIL", "admin@example.com"), "agent email (default $KEFU_ADMIN_EMAIL)")
	fs.String("password", getenv("KEFU_ADMIN_PASSWORD"), "agent password (default $KEFU_ADMIN_PASSWORD)")
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
	body := &progressReader{r: bytes.NewReader(data), total: len(data), out: progress, name: filepath.Base(name)}
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
	fmt.Fprintln(progress)
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
