package auth

import (
	"fmt"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// QR returns the QR code of text, such as an otpauth:// URL, as rows of
// '1' (dark) and '0' (light) modules, with the four-module light border a
// scanner needs. The inbox draws it on a canvas, so the secret never
// leaves kefu for a QR service.
func QR(text string) ([]string, error) {
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("qr code: %w", err)
	}
	bits := q.Bitmap()
	rows := make([]string, len(bits))
	var b strings.Builder
	for i, row := range bits {
		b.Reset()
		for _, dark := range row {
			if dark {
				b.WriteByte('1')
			} else {
				b.WriteByte('0')
			}
		}
		rows[i] = b.String()
	}
	return rows, nil
}
