// The panel's strings. The chat page inlines the first table as a JSON data
// block; the others are fetched from their hashed files on a switch.
import { dir, match } from '../shared/lang.js';

const FILES = __LANG_FILES__;
const ASSETS = __ASSETS__;
const cache = {};
let table = {};
let current = 'en';

// t returns the string for key, with {name} placeholders filled.
export function t(key, vars) {
  let s = table[key] || key;
  for (const n in vars) s = s.split('{' + n + '}').join(vars[n]);
  return s;
}

export const lang = () => current;

// useLang loads a language's strings and sets the page's lang and dir.
export async function useLang(l) {
  l = match(l) || 'en';
  if (!cache[l]) {
    const inline = document.getElementById('kefu-strings');
    if (inline && inline.dataset.lang === l) cache[l] = JSON.parse(inline.textContent);
    else {
      const r = await fetch(ASSETS + FILES[l]);
      if (!r.ok) throw new Error('strings: HTTP ' + r.status);
      cache[l] = await r.json();
    }
  }
  table = cache[l];
  current = l;
  const html = document.documentElement;
  html.lang = l;
  html.dir = dir(l);
  return l;
}
