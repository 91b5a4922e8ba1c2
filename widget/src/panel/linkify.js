// Safe, clickable links in message text, built with DOM APIs only.
import { h } from './dom.js';

const URL_RE = /\bhttps?:\/\/[^\s<>"'`\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+/gi;
const TRAIL = /[.,;:!?'")\]}>]+$/;

// tokens splits text into strings and {href, text} links. Trailing
// punctuation stays text, except a ')' that closes one in the URL.
export function tokens(text) {
  const out = [];
  let at = 0;
  for (const m of text.matchAll(URL_RE)) {
    let u = m[0];
    let cut = (TRAIL.exec(u) || [''])[0];
    if (cut.startsWith(')') && (u.match(/\(/g) || []).length > (u.slice(0, -cut.length).match(/\)/g) || []).length) {
      cut = cut.slice(1);
    }
    u = u.slice(0, u.length - cut.length);
    let href = '';
    try {
      const parsed = new URL(u);
      if (parsed.protocol === 'http:' || parsed.protocol === 'https:') href = parsed.href;
    } catch (e) {}
    if (!href) continue;
    if (m.index > at) out.push(text.slice(at, m.index));
    out.push({ href, text: u });
    at = m.index + u.length;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}

// linkify returns nodes for text: text nodes and links that open in a new
// tab without giving it a reference to this page.
export const linkify = (text) =>
  tokens(String(text || '')).map((x) =>
    typeof x === 'string' ? x : h('a', { href: x.href, target: '_blank', rel: 'noopener noreferrer nofollow' }, x.text),
  );
