package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestOwnerSetsFileLimits changes the demo site's file limits and extra
// types on the settings page: they are saved, the widget's config says
// so, and the page shows them after a reload. The defaults come back
// afterwards, for the other tests.
func TestOwnerSetsFileLimits(t *testing.T) {
	e := setup(t)
	t.Cleanup(func() { e.agent(t, "PATCH", "/api/v1/sites/demo", map[string]any{"files": map[string]any{}}, nil) })
	in := e.ownerTab(t, "/inbox#settings")
	console := watchConsole(t, in.ctx)
	form := `document.querySelector('#settings-form input[name=files_max_mb]')`
	waitJS(t, in.ctx, "the settings page shows the default file limits",
		form+` && `+form+`.value === '10' && document.querySelector('#settings-form input[name=files_per_message]').value === '5'`,
		`document.getElementById('view-settings').innerText`)
	do(t, in.ctx, "change the file limits",
		chromedp.SetValue(chromedp.CSS(`#settings-form input[name=files_max_mb]`), "3"),
		chromedp.SetValue(chromedp.CSS(`#settings-form input[name=files_per_message]`), "2"),
		chromedp.SetValue(chromedp.CSS(`#settings-form input[name=files_per_hour]`), "20"),
		chromedp.Click(chromedp.CSS(`#settings-form input[name=files_extra][value=zip]`)),
	)
	in.save("the file limits")

	var cfg struct {
		Files struct {
			MaxBytes   int64  `json:"max_bytes"`
			PerMessage int    `json:"per_message"`
			Accept     string `json:"accept"`
		} `json:"files"`
	}
	e.agent(t, "GET", "/api/v1/widget/demo/config", nil, &cfg)
	if cfg.Files.MaxBytes != 3<<20 || cfg.Files.PerMessage != 2 || !strings.Contains(cfg.Files.Accept, "application/zip") {
		t.Errorf("the widget's config after the save: %+v", cfg.Files)
	}

	do(t, in.ctx, "reload the inbox", chromedp.Reload())
	in.waitLive()
	waitJS(t, in.ctx, "the settings page shows the saved file limits after a reload",
		form+` && `+form+`.value === '3' && document.querySelector('#settings-form input[name=files_per_message]').value === '2' && `+
			`document.querySelector('#settings-form input[name=files_per_hour]').value === '20' && `+
			`[...document.querySelectorAll('#settings-form input[name=files_extra]:checked')].map((c) => c.value).join() === 'zip'`,
		`document.getElementById('view-settings').innerText`)
	run(t, in.ctx, form+`.scrollIntoView({block: 'center'})`)
	in.screenshot("settings-files")
	if bad := console.problems(); len(bad) > 0 {
		t.Errorf("the inbox had script errors or CSP violations:\n%v", bad)
	}
}
