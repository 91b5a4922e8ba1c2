package chat

import "testing"

// A logo URL is https or nothing.
func TestLogoURL(t *testing.T) {
	for in, ok := range map[string]bool{
		"https://cdn.example.com/logo.png":  true,
		"":                                  true,
		"http://cdn.example.com/logo.png":   false,
		"javascript:alert(1)":               false,
		"https://user:pw@example.com/l.png": false,
		"https://example.com/a.png' data:":  false,
	} {
		if _, err := checkLogoURL(in); (err == nil) != ok {
			t.Errorf("checkLogoURL(%q) = %v, want ok %v", in, err, ok)
		}
	}
}
