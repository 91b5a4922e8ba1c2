// Language matching, shared by the loader and the panel. Keep it in step
// with MatchLanguage in lang.go.

export const LANGS = ['en', 'zh-CN', 'zh-TW', 'ja', 'ko', 'es', 'fr', 'de', 'pt', 'ru', 'vi', 'th', 'id', 'ar'];

// match maps a BCP 47 tag to a supported language, or ''. With a non-empty
// allowed list, only languages on it match.
export function match(tag, allowed) {
  const t = String(tag || '').trim().toLowerCase().replace(/_/g, '-');
  const [p, ...rest] = t.split('-');
  let l = p === 'zh' ? (rest.some((s) => /^(tw|hk|mo|hant)$/.test(s)) ? 'zh-TW' : 'zh-CN')
    : p === 'in' ? 'id'
    : LANGS.includes(p) ? p : '';
  if (l && allowed && allowed.length && !allowed.some((a) => match(a) === l)) l = '';
  return l;
}

// NAMES are the languages in their own words, for the panel's switcher.
export const NAMES = {
  en: 'English', 'zh-CN': '简体中文', 'zh-TW': '繁體中文', ja: '日本語', ko: '한국어', es: 'Español', fr: 'Français',
  de: 'Deutsch', pt: 'Português', ru: 'Русский', vi: 'Tiếng Việt', th: 'ไทย', id: 'Bahasa Indonesia', ar: 'العربية',
};

// pick chooses the language: a choice made (the visitor's, or the page's),
// then the browser's preferences among the site's languages, then the
// site's default, then the site's first language, then English.
export function pick(chosen, siteDefault, allowed) {
  const nav = navigator.languages || [navigator.language];
  return match(chosen) || nav.map((n) => match(n, allowed)).find(Boolean) ||
    match(siteDefault) || match(allowed && allowed[0]) || 'en';
}

export const dir = (lang) => (lang === 'ar' ? 'rtl' : 'ltr');
