package e2e

import (
	"fmt"
	"html"
	"net/http"
	"strings"
)

// hostPages serves the customer's pages that embed the widget:
//
//	/page?site=KEY&lang=LANG&css=hostile   a page with the snippet
//	/frame?site=KEY                        a page that frames kefu's chat page directly
//
// The snippet is the one docs/widget.md tells site owners to paste.
func hostPages(kefuURL string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		site := q.Get("site")
		if site == "" {
			site = "demo"
		}
		attrs := ""
		if l := q.Get("lang"); l != "" {
			attrs = fmt.Sprintf(` data-lang="%s"`, html.EscapeString(l))
		}
		style := ""
		if q.Get("css") == "hostile" {
			// What careless or hostile site CSS does: unset every
			// property of every element, and hide every div.
			style = `<style>* { all: unset } div { display: none !important }</style>`
		}
		writePage(w, style, fmt.Sprintf(`<script src="%s/widget.js" data-site="%s"%s async></script>`,
			kefuURL, html.EscapeString(site), attrs))
	})
	mux.HandleFunc("/frame", func(w http.ResponseWriter, r *http.Request) {
		writePage(w, "", fmt.Sprintf(`<iframe id="direct" title="chat" src="%s/chat/%s" width="380" height="600"></iframe>`,
			kefuURL, html.EscapeString(r.URL.Query().Get("site"))))
	})
	return mux
}

func writePage(w http.ResponseWriter, head, body string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	var b strings.Builder
	b.WriteString(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">`)
	b.WriteString(`<meta name="viewport" content="width=device-width,initial-scale=1"><title>示例商城</title>`)
	b.WriteString(head)
	b.WriteString(`</head><body><nav><a href="/">首页</a> <a id="nav-open" href="/help" data-kefu-open>在线咨询</a></nav>`)
	b.WriteString(`<div class="content"><h1>示例商城</h1><p>一个嵌入了 kefu 客服组件的页面。</p></div>`)
	b.WriteString(body)
	b.WriteString(`</body></html>`)
	_, _ = w.Write([]byte(b.String()))
}
