// Canned replies in the reply box: a slash at the start of the box, or
// after a space, opens a menu of the site's replies that match what
// follows it: shortcuts that begin with it first, then replies whose
// shortcut or text holds it, those in the conversation's language before
// the rest. Up and Down move, Enter, Tab or a click insert the reply in
// place of the slash and what follows it, and Escape closes the menu.
import { replies } from './canned.js';
import { h } from './dom.js';
import { t } from './i18n.js';

const SHOWN = 8; // replies the menu lists at most

// createSlash wires the menu to the reply box; lang gives the open
// conversation's language. Its key method takes the box's keydown first,
// and says whether the menu used it.
export function createSlash({ box, menu, lang }) {
  let items = []; // the replies listed
  let at = 0; // the chosen one
  let from = -1; // where the slash is in the box, or -1 with the menu closed
  let asked = 0; // bumped by every lookup: an older answer is dropped

  // token finds a slash word that ends at the caret: its start, and what
  // follows the slash.
  function token() {
    if (box.selectionStart !== box.selectionEnd) return null;
    const before = box.value.slice(0, box.selectionStart);
    const m = /(^|\s)\/([^\s/]{0,32})$/.exec(before);
    return m && { start: before.length - m[2].length - 1, query: m[2].toLowerCase() };
  }

  async function lookup() {
    const tok = token();
    const n = ++asked;
    if (!tok) return close();
    let list;
    try {
      list = (await replies()).canned || [];
    } catch (err) {
      if (n === asked) show(tok.start, [], t('canned.error.load', { error: err.message }));
      return;
    }
    if (n !== asked) return;
    show(tok.start, rank(list, tok.query, lang()), t('canned.menu.none', { query: tok.query }));
  }

  function show(start, list, none) {
    from = start;
    items = list.slice(0, SHOWN);
    at = 0;
    draw(none);
  }

  function draw(none) {
    menu.replaceChildren(
      ...(items.length
        ? items.map((c, i) =>
            h(
              'li',
              { id: 'canned-opt-' + i, role: 'option', 'aria-selected': String(i === at), 'data-shortcut': c.shortcut, onmousedown: (e) => pick(e, i) },
              h('span.sc', null, '/' + c.shortcut),
              h('span.lg', null, c.lang || t('canned.lang.any')),
              h('span.tx', null, c.text),
            ),
          )
        : [h('li.none', { role: 'option', 'aria-disabled': 'true' }, none)]),
    );
    menu.hidden = false;
    if (items.length) box.setAttribute('aria-activedescendant', 'canned-opt-' + at);
    else box.removeAttribute('aria-activedescendant');
    const chosen = menu.children[at];
    if (chosen) chosen.scrollIntoView({ block: 'nearest' });
  }

  function close() {
    asked++;
    from = -1;
    items = [];
    menu.hidden = true;
    menu.replaceChildren();
    box.removeAttribute('aria-activedescendant');
  }

  // insert puts reply i in place of the slash word, and the caret after it.
  function insert(i) {
    const c = items[i];
    const end = box.selectionStart;
    const start = from;
    close();
    if (!c || start < 0) return;
    box.setRangeText(c.text, start, end, 'end');
    box.focus();
    // As if typed: the typing indicator and the box's other listeners see it.
    box.dispatchEvent(new Event('input', { bubbles: true }));
    close();
  }

  function pick(e, i) {
    e.preventDefault(); // keep the focus in the box
    insert(i);
  }

  box.addEventListener('input', lookup);
  box.addEventListener('click', lookup);
  box.addEventListener('blur', close);

  return {
    close,
    // key handles a keydown of the box while the menu is open.
    key(e) {
      if (from < 0 || e.isComposing || e.keyCode === 229) return false;
      switch (e.key) {
        case 'ArrowDown':
        case 'ArrowUp':
          if (!items.length) return false;
          at = (at + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
          draw();
          break;
        case 'Enter':
        case 'Tab':
          if (!items.length || e.shiftKey) return false;
          insert(at);
          break;
        case 'Escape':
          close();
          break;
        default:
          return false;
      }
      e.preventDefault();
      return true;
    },
  };
}

// rank orders the replies that match query: shortcuts that begin with it,
// then shortcuts or texts that hold it; within each, those in lang, then
// those for any language, then the rest, each by shortcut.
export function rank(list, query, lang) {
  const l = (lang || '').toLowerCase();
  const near = (c) => (!c.lang ? 1 : c.lang.toLowerCase() === l ? 0 : 2);
  const score = (c) => {
    if (c.shortcut.startsWith(query)) return near(c);
    if (c.shortcut.includes(query) || c.text.toLowerCase().includes(query)) return 3 + near(c);
    return -1;
  };
  return list
    .map((c) => ({ c, s: score(c) }))
    .filter((x) => x.s >= 0)
    .sort((a, b) => a.s - b.s || (a.c.shortcut < b.c.shortcut ? -1 : a.c.shortcut > b.c.shortcut ? 1 : 0))
    .map((x) => x.c);
}
