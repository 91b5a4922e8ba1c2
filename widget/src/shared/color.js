// Site colours, shared by the loader and the panel.

export const DEFAULT_COLOR = '#2563eb';

// color returns a valid #rrggbb site colour and the text colour, white or
// near-black, that contrasts with it best.
export function color(c) {
  let s = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(c || '') ? c : DEFAULT_COLOR;
  if (s.length === 4) s = '#' + s[1] + s[1] + s[2] + s[2] + s[3] + s[3];
  const lin = (i) => {
    const v = parseInt(s.slice(i, i + 2), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const y = 0.2126 * lin(1) + 0.7152 * lin(3) + 0.0722 * lin(5);
  // Contrast with white is 1.05/(y+.05); with #111 it is (y+.05)/(0.0056+.05).
  return [s, 1.05 / (y + 0.05) >= (y + 0.05) / 0.0556 ? '#fff' : '#111'];
}
