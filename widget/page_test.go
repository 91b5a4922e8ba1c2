package widget

import (
	"strings"
	"testing"
)

func TestChatPage(t *testing.T) {
	b := mustBuild(t, BuildOptions{})
	for _, tc := range []struct {
		name, site, lang string
		want, not        []string
	}{
		{
			name: "chinese", site: "demo", lang: "zh-CN",
			want: []string{`<html lang="zh-CN" dir="ltr">`, `data-site="demo"`, `id="kefu-strings" data-lang="zh-CN"`, "在线客服"},
		},
		{
			name: "arabic is right to left", site: "demo", lang: "ar",
			want: []string{`<html lang="ar" dir="rtl">`, `data-lang="ar"`},
		},
		{
			name: "tag is matched", site: "demo", lang: "zh-Hant-HK",
			want: []string{`<html lang="zh-TW"`, `data-lang="zh-TW"`},
		},
		{
			name: "no language lets the page choose", site: "demo", lang: "",
			want: []string{`<html lang="en" dir="ltr">`, `data-lang=""`},
			not:  []string{"kefu-strings"},
		},
		{
			name: "site key is escaped", site: `"><script>alert(1)</script>`, lang: "en",
			want: []string{`data-site="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"`},
			not:  []string{"<script>alert"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page := string(b.ChatPage(tc.site, tc.lang))
			for _, w := range tc.want {
				if !strings.Contains(page, w) {
					t.Errorf("page lacks %q:\n%s", w, page)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(page, n) {
					t.Errorf("page contains %q", n)
				}
			}
			// Only the panel script and a JSON data block: nothing a strict
			// script-src 'self' would block.
			for _, tag := range strings.Split(page, "<script")[1:] {
				if !strings.HasPrefix(tag, ` defer src="`+AssetPrefix) && !strings.HasPrefix(tag, ` type="application/json"`) {
					t.Errorf("inline script: <script%.60s", tag)
				}
			}
		})
	}
}
