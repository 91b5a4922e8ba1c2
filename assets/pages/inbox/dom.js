// Small DOM helpers. Text always goes in as text nodes or textContent:
// nothing in the inbox parses HTML, so a visitor's message stays text.

export const $ = (id) => document.getElementById(id);

// h builds an element. tag may carry classes ('span.badge'); props set
// properties, `on…` listeners, or attributes (names with a dash, and
// aria-/data- ones); children are nodes or strings.
export function h(tag, props, ...kids) {
  const [name, ...cls] = tag.split('.');
  const e = document.createElement(name || 'div');
  if (cls.length) e.className = cls.join(' ');
  for (const k in props) {
    const v = props[k];
    if (v == null || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k.includes('-') || !(k in e)) e.setAttribute(k, v === true ? '' : v);
    else e[k] = v;
  }
  e.append(...kids.flat(9).filter((x) => x != null && x !== false));
  return e;
}

const sameDay = (a, b) => a.toDateString() === b.toDateString();
const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dated = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

// when formats a time briefly: the clock today, the date otherwise.
export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (isNaN(d)) return '';
  return sameDay(d, new Date()) ? clock.format(d) : dated.format(d);
}

// timeEl is a <time> with the brief form shown and the full one as a title.
export function timeEl(iso) {
  const d = new Date(iso);
  return h('time', { dateTime: iso, title: isNaN(d) ? '' : full.format(d) }, when(iso));
}

// safeURL returns url if it is http(s), for use as a link; '' otherwise.
export function safeURL(url) {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : '';
  } catch {
    return '';
  }
}

// tablist makes the tabs of a role=tablist reachable with the arrow keys,
// Home and End, and calls pick with the tab chosen by click or key.
export function tablist(list, pick) {
  const tabs = () => [...list.querySelectorAll('[role=tab]')];
  list.addEventListener('click', (e) => {
    const t = e.target.closest('[role=tab]');
    if (t) pick(t);
  });
  list.addEventListener('keydown', (e) => {
    const all = tabs();
    const i = all.indexOf(document.activeElement);
    if (i < 0) return;
    const j = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: all.length - 1 }[e.key];
    if (j === undefined) return;
    e.preventDefault();
    const t = all[(j + all.length) % all.length];
    t.focus();
    pick(t);
  });
}

// select marks one tab of a list as chosen; the others leave the tab order.
export function select(list, tab) {
  for (const t of list.querySelectorAll('[role=tab]')) {
    t.setAttribute('aria-selected', String(t === tab));
    t.tabIndex = t === tab ? 0 : -1;
  }
}
