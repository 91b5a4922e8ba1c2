package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kefu/kefu/chat"
)

// TestFAQEditor creates and edits an FAQ entry in the owner's inbox, and
// sees the edit in a real widget's FAQ suggestions. Then it moves the
// entry up, takes it off and back on the site, and deletes it, which asks
// first. The inbox is in Chinese, so the test reads values
// and attributes rather than labels.
func TestFAQEditor(t *testing.T) {
	e := setup(t)
	in := e.ownerTab(t, "/inbox")
	console := watchConsole(t, in.ctx)
	stamp := time.Now().UnixNano() % 1e6
	question := fmt.Sprintf("怎么托运 quuxboat%d？", stamp)
	edited := fmt.Sprintf("怎么托运 zorbcraft%d？", stamp)

	do(t, in.ctx, "open the FAQ tab", chromedp.Click(chromedp.CSS(`.views [data-view=faq]`)))
	waitJS(t, in.ctx, "the FAQ lists, with the owner's controls",
		`document.querySelectorAll('#faq tr').length > 0 && document.querySelector('#faq button.edit') && !document.getElementById('faq-new').closest('[hidden]')`,
		`document.getElementById('view-faq').innerText`)
	do(t, in.ctx, "show only zh-CN entries", chromedp.SetValue(chromedp.CSS(`#faq-lang`), "zh-CN"))
	run(t, in.ctx, `document.getElementById('faq-lang').dispatchEvent(new Event('change'))`)
	waitJS(t, in.ctx, "the list shows zh-CN entries only",
		`(() => { const rows = [...document.querySelectorAll('#faq tr')]; return rows.length > 0 && rows.every((r) => r.dataset.lang === 'zh-CN'); })()`,
		`[...document.querySelectorAll('#faq tr')].map((r) => r.dataset.lang).join(' ')`)

	do(t, in.ctx, "open the form for a new entry", chromedp.Click(chromedp.CSS(`#faq-new`)))
	waitJS(t, in.ctx, "the form shows, empty, in the chosen language, published",
		`!document.getElementById('faq-form').hidden && document.querySelector('#faq-form [name=question]').value === '' && document.querySelector('#faq-form [name=lang]').value === 'zh-CN' && document.querySelector('#faq-form [name=published]').checked`)
	do(t, in.ctx, "fill in the entry",
		chromedp.SendKeys(chromedp.CSS(`#faq-form [name=question]`), question),
		chromedp.SendKeys(chromedp.CSS(`#faq-form [name=answer]`), "请在订单页选择托运，运费按重量计算。"),
		chromedp.SendKeys(chromedp.CSS(`#faq-form [name=alternatives]`), "托运费用\n寄送大件"),
		chromedp.SendKeys(chromedp.CSS(`#faq-form [name=category]`), "托运"),
		chromedp.Click(chromedp.CSS(`#faq-form button[type=submit]`)),
	)
	row := func(q string) string {
		return `[...document.querySelectorAll('#faq tr')].find((r) => r.querySelector('b').textContent === ` + jsString(q) + `)`
	}
	waitJS(t, in.ctx, "the form closes and the new entry is listed last, published, with no views",
		`document.getElementById('faq-form').hidden && `+row(question)+` === document.querySelector('#faq tr:last-child') && `+
			row(question)+`.dataset.published === 'true' && `+row(question)+`.querySelector('td.views').textContent === '0' && `+
			row(question)+`.querySelector('.alts').textContent === '托运费用 · 寄送大件'`,
		`document.getElementById('view-faq').innerText`)
	id := eval[string](t, in.ctx, row(question)+`.dataset.id`)
	sel := `#faq tr[data-id="` + id + `"]`

	do(t, in.ctx, "edit the entry", chromedp.Click(chromedp.CSS(sel+` button.edit`)))
	waitJS(t, in.ctx, "the form shows the entry", `!document.getElementById('faq-form').hidden && document.querySelector('#faq-form [name=question]').value === `+jsString(question)+
		` && document.querySelector('#faq-form [name=alternatives]').value === '托运费用\n寄送大件'`)
	in.screenshot("inbox-faq-editor")
	run(t, in.ctx, `document.querySelector('#faq-form [name=question]').value = ''`)
	do(t, in.ctx, "change the question and save",
		chromedp.SendKeys(chromedp.CSS(`#faq-form [name=question]`), edited),
		chromedp.Click(chromedp.CSS(`#faq-form button[type=submit]`)),
	)
	waitJS(t, in.ctx, "the list shows the edit in the entry's place",
		`document.getElementById('faq-form').hidden && document.querySelector(`+jsString(sel+` b`)+`).textContent === `+jsString(edited)+
			` && document.querySelector(`+jsString(sel)+`) === document.querySelector('#faq tr:last-child')`,
		`document.getElementById('view-faq').innerText`)

	// A visitor types the edited wording and gets it as a suggestion: the
	// edit alone re-indexed the entry.
	vis := e.newVisitor(t)
	vis.load("")
	p := vis.openPanel()
	do(t, p, "type the new wording", chromedp.SendKeys(chromedp.CSS(`form.cp textarea`), fmt.Sprintf("zorbcraft%d", stamp)))
	waitJS(t, p, "the widget suggests the edited entry",
		`[...document.querySelectorAll('footer .sugg .faq summary')].some((s) => s.textContent.includes(`+jsString(edited)+`))`,
		`document.querySelector('footer').innerText`)

	// Up one place: the entry before it comes after it.
	before := eval[string](t, in.ctx, `document.querySelector(`+jsString(sel)+`).previousElementSibling.dataset.id`)
	do(t, in.ctx, "move the entry up", chromedp.Click(chromedp.CSS(sel+` button.move[data-move="-1"]`)))
	waitJS(t, in.ctx, "the entry swapped places with the one before it",
		`(() => { const r = document.querySelector(`+jsString(sel)+`); return r && r.nextElementSibling && r.nextElementSibling.dataset.id === `+jsString(before)+`; })()`,
		`[...document.querySelectorAll('#faq tr')].slice(-3).map((r) => r.dataset.id + ':' + r.dataset.order).join(' ')`)

	do(t, in.ctx, "take it off the site", chromedp.Click(chromedp.CSS(sel+` button.publish`)))
	waitJS(t, in.ctx, "the entry is a draft", `document.querySelector(`+jsString(sel)+`).dataset.published === 'false' && document.querySelector(`+jsString(sel+` button.publish`)+`).getAttribute('aria-pressed') === 'false'`)
	if f, err := e.kefu.Store().FAQ(context.Background(), "demo", id); err != nil || f.Published {
		t.Fatalf("stored entry after unpublishing: %+v, %v", f, err)
	}
	do(t, in.ctx, "put it back on the site", chromedp.Click(chromedp.CSS(sel+` button.publish`)))
	waitJS(t, in.ctx, "the entry is published", `document.querySelector(`+jsString(sel)+`).dataset.published === 'true'`)

	do(t, in.ctx, "ask to delete the entry", chromedp.Click(chromedp.CSS(sel+` button.delete`)))
	waitJS(t, in.ctx, "the row asks first", `document.querySelector(`+jsString(sel+` button.confirm`)+`) && !document.querySelector(`+jsString(sel+` button.edit`)+`)`)
	do(t, in.ctx, "confirm", chromedp.Click(chromedp.CSS(sel+` button.confirm`)))
	waitJS(t, in.ctx, "the row goes", `!document.querySelector(`+jsString(sel)+`)`)
	if _, err := e.kefu.Store().FAQ(context.Background(), "demo", id); !chat.IsCode(err, chat.CodeNotFound) {
		t.Errorf("the deleted entry is still stored: %v", err)
	}

	// An import with a bad line imports nothing and names the line; a good
	// file is imported and listed.
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	good := filepath.Join(dir, "good.csv")
	imported := fmt.Sprintf("导入的问题 %d", stamp)
	writeFile(t, bad, "lang,category,question,answer,published\nzh-CN,托运,"+imported+",导入的答案,false\nklingon,托运,坏的一行,答案,false\n")
	writeFile(t, good, "lang,category,question,answer,published\nzh-CN,托运,"+imported+",导入的答案,false\n")
	do(t, in.ctx, "import a file with a bad line", chromedp.SetUploadFiles(chromedp.CSS(`#faq-import`), []string{bad}))
	waitJS(t, in.ctx, "the import names line 3, and imports nothing",
		`!document.getElementById('faq-problems').hidden && document.querySelector('#faq-problems li[data-line="3"]') && document.querySelectorAll('#faq-problems li').length === 1 && !`+row(imported),
		`document.getElementById('faq-note').textContent + ' / ' + document.getElementById('faq-problems').innerText`)
	do(t, in.ctx, "import a good file", chromedp.SetUploadFiles(chromedp.CSS(`#faq-import`), []string{good}))
	waitJS(t, in.ctx, "the imported entry is listed, as a draft, and the problems are gone",
		`document.getElementById('faq-problems').hidden && `+row(imported)+` && `+row(imported)+`.dataset.published === 'false'`,
		`document.getElementById('faq-note').textContent`)
	importedID := eval[string](t, in.ctx, row(imported)+`.dataset.id`)
	if err := e.kefu.Store().DeleteFAQ(context.Background(), "demo", importedID); err != nil {
		t.Error(err)
	}

	if bad := console.problems(); len(bad) > 0 {
		t.Errorf("the inbox had script errors or CSP violations:\n%s", strings.Join(bad, "\n"))
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}
