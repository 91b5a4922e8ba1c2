// The FAQ tab: the site's entries by order, filtered by language, with
// their views and "solved" counts. Admins and owners also publish,
// reorder, edit (faqform.js) and delete them; agents read only, and the
// server refuses them anyway. See docs/inbox.md.
import { api } from './api.js';
import { $, h } from './dom.js';
import { setupFAQFiles } from './faqfile.js';
import { createFAQForm } from './faqform.js';
import { askFirst } from './form.js';
import { t } from './i18n.js';
import { q, state } from './state.js';

const PAGE = 100; // rows a page shows, and "Load more" adds
const MAX = 500; // the most rows one request may ask for

const body = $('faq');
const more = $('faq-more');
const empty = $('faq-empty');
const pick = $('faq-lang');
let cursor = '';
let loads = 0; // bumped by every load: an older answer is dropped

const canEdit = () => !!state.me && state.me.role !== 'agent';

// note shows the outcome of an action above the table.
function note(text) {
  $('faq-note').textContent = text;
  $('faq-problems').hidden = true;
}

const form = createFAQForm({ saved: () => reload(), lang: () => pick.value });
setupFAQFiles({ note, reload: () => reload() });

// languages fills the language filter once, from the list's answer.
function languages(list) {
  if (pick.options.length > 1 || !list) return;
  pick.append(...list.map((l) => h('option', { value: l }, l)));
  form.languages(list);
}

function path(limit, after) {
  let p = '/api/v1/faq?limit=' + limit;
  if (pick.value) p += '&lang=' + encodeURIComponent(pick.value);
  if (after) p += '&cursor=' + encodeURIComponent(after);
  return q(p);
}

// load replaces the rows with the first limit entries or, with append,
// adds the next page. The button is disabled while a page loads, so a
// click never loads one page twice.
async function load(append, limit = PAGE) {
  const n = ++loads;
  more.disabled = true;
  try {
    const res = await api('GET', path(limit, append ? cursor : ''));
    if (n !== loads) return;
    languages(res.languages);
    const rows = (res.faq || []).map(row);
    if (append) body.append(...rows);
    else body.replaceChildren(...rows);
    cursor = res.next_cursor || '';
    more.hidden = !cursor;
    empty.textContent = t('faq.empty');
    empty.hidden = body.childElementCount > 0;
  } catch (err) {
    if (n !== loads) return;
    if (!append) body.replaceChildren();
    more.hidden = true;
    empty.textContent = t('faq.error.load', { error: err.message });
    empty.hidden = false;
  } finally {
    if (n === loads) more.disabled = false;
  }
}

// reload shows the list again after a change, as many rows as before.
const reload = () => load(false, Math.min(MAX, Math.max(PAGE, body.childElementCount)));

more.addEventListener('click', () => load(true));
pick.addEventListener('change', () => load(false));

// act runs a change, shows its error if it fails, and says if it worked.
async function act(fn) {
  try {
    await fn();
    return true;
  } catch (err) {
    note(t('faq.error', { error: err.message }));
    return false;
  }
}

const entryPath = (f, rest = '') => q('/api/v1/faq/' + encodeURIComponent(f.id) + rest);

// row is one entry's table row; with edit controls for admins and owners.
function row(f) {
  const tr = h('tr', { 'data-id': f.id, 'data-lang': f.lang, 'data-order': f.order, 'data-published': String(f.published) });
  const alts = f.alternatives || [];
  const admin = canEdit();
  tr.append(
    h('td.text', null, h('b', null, f.question), h('div.answer', null, f.answer), alts.length ? h('div.alts', null, alts.join(' · ')) : null),
    h('td', null, f.category || '—'),
    h('td', null, f.lang),
    h('td', null, admin ? publishButton(f, tr) : f.published ? t('faq.published') : t('faq.draft')),
    h('td.num.views', null, String(f.views || 0)),
    h('td.num.solved', null, String(f.solved || 0)),
    admin ? h('td.actions', null, actions(f, tr)) : null,
  );
  return tr;
}

// publishButton shows and flips whether visitors see the entry.
function publishButton(f, tr) {
  const flip = async (e) => {
    const button = e.currentTarget;
    button.disabled = true;
    const { lang, category, question, answer, alternatives } = f;
    const saved = await act(async () => {
      const res = await api('PUT', entryPath(f), { lang, category, question, answer, alternatives, published: !f.published });
      tr.replaceWith(row(res.faq));
    });
    if (!saved) button.disabled = false;
  };
  return h('button.publish', { type: 'button', 'aria-pressed': String(f.published), onclick: flip }, f.published ? t('faq.published') : t('faq.draft'));
}

// actions are an entry's edit, move and delete buttons. Delete asks
// first, in place of the buttons.
function actions(f, tr) {
  const move = (by, key) =>
    h('button.move', { type: 'button', 'data-move': by, title: t(key), 'aria-label': t(key), onclick: () => act(() => api('POST', entryPath(f, '/move'), { by })).then((ok) => ok && reload()) }, by < 0 ? '↑' : '↓');
  const buttons = [
    h('button.edit', { type: 'button', onclick: () => form.edit(f) }, t('faq.edit')),
    move(-1, 'faq.up'),
    move(1, 'faq.down'),
    h('button.delete', { type: 'button', onclick: confirm }, t('faq.delete')),
  ];
  function confirm() {
    askFirst(tr.querySelector('td.actions'), buttons, { question: t('faq.delete.confirm'), yes: t('faq.delete'), no: t('faq.cancel') }, remove);
  }
  async function remove() {
    if (await act(() => api('DELETE', entryPath(f)))) {
      tr.remove();
      empty.hidden = body.childElementCount > 0;
    }
  }
  return buttons;
}

// loadFAQ shows the tab: for the chosen site, with the controls the
// agent's role may use.
export function loadFAQ() {
  for (const el of document.querySelectorAll('#view-faq .faq-admin')) el.hidden = !canEdit();
  note(canEdit() ? '' : t('faq.readonly'));
  form.close();
  return load(false);
}
