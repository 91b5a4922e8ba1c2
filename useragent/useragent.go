// Package useragent turns a browser's User-Agent header into the words an
// agent reads: the browser with its major version, the operating system
// with its version, and the kind of device. It knows the browsers and
// systems that visitors of a Chinese or international site use, and says
// nothing rather than guess about the rest.
package useragent

import (
	"regexp"
	"strings"
)

// Info is what a User-Agent header says, in words. Empty fields are unknown.
type Info struct {
	// Browser is a name and major version, such as "Chrome 131", "Safari 18"
	// or "WeChat 8"; the in-app browsers of WeChat, QQ, Alipay and others
	// are named as such, not as the engine inside them.
	Browser string `json:"browser,omitempty"`
	// OS is a system and version, such as "Windows 10", "iOS 18" or
	// "Android 14".
	OS string `json:"os,omitempty"`
	// Device is "iPhone", "iPad", "phone", "tablet", "desktop" or "bot".
	Device string `json:"device,omitempty"`
}

// browsers are tried in order: an in-app or derived browser before the
// engine its header also names (Edge and Opera say Chrome, Chrome says
// Safari).
var browsers = []struct {
	name  string
	token *regexp.Regexp
}{
	{"WeChat", regexp.MustCompile(`MicroMessenger/(\d+)`)},
	{"WeCom", regexp.MustCompile(`wxwork/(\d+)`)},
	{"QQ", regexp.MustCompile(`\bQQ/(\d+)`)},
	{"DingTalk", regexp.MustCompile(`DingTalk/(\d+)`)},
	{"Alipay", regexp.MustCompile(`AlipayClient/(\d+)`)},
	{"Weibo", regexp.MustCompile(`__weibo__(\d+)`)},
	{"Douyin", regexp.MustCompile(`aweme[_/](\d+)`)},
	{"Feishu", regexp.MustCompile(`Lark/(\d+)`)},
	{"Facebook", regexp.MustCompile(`FBAV/(\d+)`)},
	{"Instagram", regexp.MustCompile(`Instagram (\d+)`)},
	{"Edge", regexp.MustCompile(`Edg(?:e|A|iOS)?/(\d+)`)},
	{"Opera", regexp.MustCompile(`(?:OPR|OPT|Opera)/(\d+)`)},
	{"Samsung Internet", regexp.MustCompile(`SamsungBrowser/(\d+)`)},
	{"UC Browser", regexp.MustCompile(`UCBrowser/(\d+)`)},
	{"QQ Browser", regexp.MustCompile(`MQQBrowser/(\d+)|QQBrowser/(\d+)`)},
	{"Quark", regexp.MustCompile(`Quark/(\d+)`)},
	{"Baidu", regexp.MustCompile(`baiduboxapp/(\d+)`)},
	{"Huawei Browser", regexp.MustCompile(`HuaweiBrowser/(\d+)`)},
	{"Xiaomi Browser", regexp.MustCompile(`XiaoMi/MiuiBrowser/(\d+)`)},
	{"Yandex", regexp.MustCompile(`YaBrowser/(\d+)`)},
	{"Firefox", regexp.MustCompile(`(?:Firefox|FxiOS)/(\d+)`)},
	{"Chrome", regexp.MustCompile(`(?:Chrome|CriOS)/(\d+)`)},
	{"Safari", regexp.MustCompile(`Version/(\d+)[.\d]* (?:Mobile/\S+ )?Safari/`)},
}

var (
	bot     = regexp.MustCompile(`(?i)bot\b|crawler|spider|slurp|headlesschrome|curl/|wget/|python-requests|go-http-client`)
	windows = regexp.MustCompile(`Windows NT (\d+\.\d+)`)
	ios     = regexp.MustCompile(`(?:iPhone|CPU) OS (\d+)`)
	mac     = regexp.MustCompile(`Mac OS X (\d+)[_.](\d+)`)
	android = regexp.MustCompile(`Android (\d+)`)
	harmony = regexp.MustCompile(`OpenHarmony (\d+)|HarmonyOS`)
)

// windowsNames maps Windows NT versions to their names. NT 10.0 is both
// Windows 10 and 11: the header no longer tells them apart.
var windowsNames = map[string]string{"10.0": "Windows 10", "6.3": "Windows 8.1", "6.2": "Windows 8", "6.1": "Windows 7", "6.0": "Windows Vista", "5.1": "Windows XP"}

// maxLen is the longest header read; real ones are under 512 bytes.
const maxLen = 1024

// Parse reads a User-Agent header.
func Parse(ua string) Info {
	if len(ua) > maxLen {
		ua = ua[:maxLen]
	}
	var in Info
	if strings.TrimSpace(ua) == "" {
		return in
	}
	if bot.MatchString(ua) {
		in.Device = "bot"
	}
	for _, b := range browsers {
		if m := b.token.FindStringSubmatch(ua); m != nil {
			in.Browser = b.name
			for _, v := range m[1:] {
				if v != "" {
					in.Browser += " " + v
					break
				}
			}
			break
		}
	}
	in.OS, in.Device = system(ua, in.Device)
	return in
}

// system names the operating system and, unless known already, the device.
func system(ua, device string) (os, dev string) {
	kind := func(d string) string {
		if device != "" {
			return device
		}
		return d
	}
	switch {
	case strings.Contains(ua, "iPad"):
		return "iPadOS" + version(ios, ua), kind("iPad")
	case strings.Contains(ua, "iPhone") || strings.Contains(ua, "iPod"):
		return "iOS" + version(ios, ua), kind("iPhone")
	case harmony.MatchString(ua):
		return "HarmonyOS" + version(harmony, ua), kind(mobile(ua))
	case strings.Contains(ua, "Android"):
		return "Android" + version(android, ua), kind(mobile(ua))
	case windows.MatchString(ua):
		name := windowsNames[windows.FindStringSubmatch(ua)[1]]
		if name == "" {
			name = "Windows"
		}
		return name, kind("desktop")
	case strings.Contains(ua, "CrOS"):
		return "ChromeOS", kind("desktop")
	case strings.Contains(ua, "Macintosh"):
		// Safari on macOS 11 and later says 10_15 for ever: only older
		// versions are told.
		if m := mac.FindStringSubmatch(ua); m != nil && !(m[1] == "10" && m[2] == "15") {
			return "macOS " + m[1] + "." + m[2], kind("desktop")
		}
		return "macOS", kind("desktop")
	case strings.Contains(ua, "Linux"):
		return "Linux", kind("desktop")
	}
	return "", device
}

// mobile tells a phone from a tablet the way Android does: phones say Mobile.
func mobile(ua string) string {
	if strings.Contains(ua, "Mobile") {
		return "phone"
	}
	return "tablet"
}

// version is " N" from the first non-empty group of re in ua, or "".
func version(re *regexp.Regexp, ua string) string {
	for _, v := range re.FindStringSubmatch(ua)[1:] {
		if v != "" {
			return " " + v
		}
	}
	return ""
}
