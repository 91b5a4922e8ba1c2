// The inbox speaks zh-CN and en. Every word it shows is in strings.js, in
// both languages; t looks one up. The language is the agent's choice,
// kept in this browser, or else the browser's own.
import { strings } from './strings.js';

const KEY = 'kefu-inbox-lang';

export const languages = { en: 'English', 'zh-CN': '简体中文' };

function pick() {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved && Object.hasOwn(strings, saved)) return saved;
  } catch {
    // storage may be blocked; the browser's language still decides
  }
  const zh = (navigator.languages || [navigator.language]).find((l) => /^(zh|en)\b/i.test(l || ''));
  return zh && /^zh/i.test(zh) ? 'zh-CN' : 'en';
}

export const lang = pick();

// setLang remembers the agent's choice; the page reloads to redraw in it.
export function setLang(l) {
  try {
    localStorage.setItem(KEY, l);
  } catch {
    // without storage the choice lasts until the reload only
  }
  location.reload();
}

// t returns the text under key in the inbox's language, with {name}
// placeholders filled from vars.
export function t(key, vars) {
  let s = strings[lang][key] ?? strings.en[key];
  if (s === undefined) {
    console.warn('kefu inbox: no text for', key);
    return key;
  }
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (Object.hasOwn(vars, k) ? String(vars[k]) : m));
  return s;
}

// translate fills the static page: data-t sets an element's text, and
// data-t-placeholder, data-t-title and data-t-aria-label those attributes.
export function translate(root) {
  document.documentElement.lang = lang;
  for (const el of root.querySelectorAll('[data-t]')) el.textContent = t(el.dataset.t);
  for (const attr of ['placeholder', 'title', 'aria-label']) {
    const data = 'data-t-' + attr;
    for (const el of root.querySelectorAll('[' + data + ']')) el.setAttribute(attr, t(el.getAttribute(data)));
  }
}
