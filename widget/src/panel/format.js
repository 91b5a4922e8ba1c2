// Dates, business hours and names, formatted for the language.

// initials stands for an agent without a picture: the first character of
// a CJK name (王芳: 王), else the first letters of the first and last
// words (Ann Lee: AL).
export function initials(name) {
  const n = String(name || '').trim();
  if (/^[\u3040-\u9fff\uac00-\ud7af]/.test(n)) return n[0];
  const w = n.split(/\s+/).filter(Boolean);
  return ((w[0] || '?')[0] + (w.length > 1 ? w[w.length - 1][0] : '')).toUpperCase();
}

// clock returns a message's time: HH:MM today, with the date otherwise.
export function clock(iso, lang) {
  const d = new Date(iso);
  if (isNaN(d)) return ['', ''];
  const today = d.toDateString() === new Date().toDateString();
  const short = new Intl.DateTimeFormat(lang, today ? { hour: '2-digit', minute: '2-digit' } : { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  const full = new Intl.DateTimeFormat(lang, { dateStyle: 'full', timeStyle: 'short' });
  return [short.format(d), full.format(d)];
}

const hhmm = (m) => String((m / 60) | 0).padStart(2, '0') + ':' + String(m % 60).padStart(2, '0');

// hours describes business hours {timezone, days: [{weekday, from_min,
// until_min}]} as "Mon–Fri 09:00–18:00 · Sat 10:00–16:00 (GMT+8)", or ''.
export function hours(bh, lang) {
  const days = (bh && bh.days) || [];
  if (!days.length) return '';
  const name = new Intl.DateTimeFormat(lang, { weekday: 'short', timeZone: 'UTC' });
  const wd = (i) => name.format(new Date(Date.UTC(2024, 0, 7 + i))); // 7 Jan 2024 was a Sunday
  const spans = {};
  for (const s of days) {
    const k = s.weekday % 7;
    // Isolated left to right, so that right-to-left text keeps 09:00–18:00 in order.
    spans[k] = (spans[k] ? spans[k] + ', ' : '') + '\u2066' + hhmm(s.from_min) + '–' + hhmm(s.until_min) + '\u2069';
  }
  const parts = [];
  let run = null;
  for (const k of [1, 2, 3, 4, 5, 6, 0]) {
    if (run && spans[k] && run.s === spans[k] && run.last === (k + 6) % 7) run.last = k;
    else {
      if (run) parts.push(run);
      run = spans[k] ? { first: k, last: k, s: spans[k] } : null;
    }
  }
  if (run) parts.push(run);
  let out = parts.map((r) => wd(r.first) + (r.first === r.last ? '' : '–' + wd(r.last)) + ' ' + r.s).join(' · ');
  if (bh.timezone) {
    try {
      const z = new Intl.DateTimeFormat('en', { timeZone: bh.timezone, timeZoneName: 'shortOffset' }).formatToParts(new Date());
      out += ' (\u2066' + z.find((p) => p.type === 'timeZoneName').value + '\u2069)';
    } catch (e) {
      out += ' (' + bh.timezone + ')';
    }
  }
  return out;
}
