// The Feedback page: what visitors said, filtered by category and status,
// and what the team makes of it. A status change saves at once; the
// internal note saves when it loses focus or on its button. Visitors never
// see the note.
import { api } from './api.js';
import { $, h, safeURL, timeEl, when } from './dom.js';
import { t } from './i18n.js';
import { q } from './state.js';

const CATEGORIES = ['suggestion', 'complaint', 'bug', 'praise'];
const STATUSES = ['new', 'planned', 'done', 'declined'];
// The server's limit on a note (chat.MaxFeedbackNoteRunes).
const NOTE_MAX = 2000;

// loaded counts the loads begun, so that the answer to an older one (the
// filters changed meanwhile) is dropped.
let loaded = 0;
let cursor = '';

// filters fills the two filter selects once, and reloads on a change.
function filters() {
  const cat = $('feedback-category');
  const status = $('feedback-status');
  if (cat.options.length) return;
  const all = () => h('option', { value: '' }, t('feedback.all'));
  cat.append(all(), ...CATEGORIES.map((c) => h('option', { value: c }, t('feedback.cat.' + c))));
  status.append(all(), ...STATUSES.map((s) => h('option', { value: s }, t('feedback.status.' + s))));
  cat.onchange = status.onchange = () => loadFeedback();
  $('feedback-more').onclick = () => load(true);
}

function path() {
  let p = '/api/v1/feedback?limit=100';
  for (const name of ['category', 'status']) {
    const v = $('feedback-' + name).value;
    if (v) p += '&' + name + '=' + encodeURIComponent(v);
  }
  if (cursor) p += '&cursor=' + encodeURIComponent(cursor);
  return q(p);
}

async function load(append) {
  const body = $('feedback');
  const empty = $('feedback-empty');
  const more = $('feedback-more');
  const mine = ++loaded;
  if (!append) cursor = '';
  more.disabled = true;
  try {
    const res = await api('GET', path());
    if (mine !== loaded) return;
    const rows = (res.feedback || []).map(row);
    if (append) body.append(...rows);
    else body.replaceChildren(...rows);
    cursor = res.next_cursor || '';
    more.hidden = !cursor;
    const filtered = $('feedback-category').value || $('feedback-status').value;
    empty.textContent = filtered ? t('feedback.none.filtered') : t('feedback.none');
    empty.hidden = body.childElementCount > 0;
  } catch (err) {
    if (mine !== loaded) return;
    if (!append) body.replaceChildren();
    more.hidden = true;
    empty.textContent = t('feedback.error.load', { error: err.message });
    empty.hidden = false;
  } finally {
    if (mine === loaded) more.disabled = false;
  }
}

// loadFeedback shows the first page of feedback under the chosen filters.
export function loadFeedback() {
  filters();
  return load(false);
}

// save sends a change of feedback f, shown in row tr, and keeps what the
// server answers; it returns that, or null after showing the error.
async function save(tr, f, change) {
  const err = tr.querySelector('.err');
  err.textContent = '';
  tr.setAttribute('aria-busy', 'true');
  try {
    const res = await api('PATCH', q('/api/v1/feedback/' + encodeURIComponent(f.id)), change);
    Object.assign(f, res.feedback);
    tr.dataset.status = f.status;
    tr.querySelector('.changed').replaceChildren(changed(f));
    return f;
  } catch (e) {
    err.textContent = t('feedback.error.save', { error: e.message });
    return null;
  } finally {
    tr.removeAttribute('aria-busy');
  }
}

const changed = (f) => (f.updated_at ? t('feedback.changed', { name: f.updated_by_name || '—', time: when(f.updated_at) }) : '');

function statusSelect(tr, f) {
  const sel = h(
    'select.fb-status',
    { 'aria-label': t('feedback.status') },
    STATUSES.map((s) => h('option', { value: s }, t('feedback.status.' + s))),
  );
  sel.value = f.status || 'new';
  sel.onchange = async () => {
    const before = f.status || 'new';
    sel.disabled = true;
    if (!(await save(tr, f, { status: sel.value }))) sel.value = before;
    sel.disabled = false;
  };
  return sel;
}

// noteEditor saves the note when it loses focus or on its button, once
// per change: a click on the button blurs the note first, and both share
// the one request.
function noteEditor(tr, f) {
  const area = h('textarea.fb-note', {
    rows: 2,
    maxLength: NOTE_MAX,
    placeholder: t('feedback.note.placeholder'),
    'aria-label': t('feedback.note'),
  });
  area.value = f.note || '';
  let pending = null;
  const send = async () => {
    if (area.value.trim() === (f.note || '')) return;
    if (await save(tr, f, { note: area.value })) area.value = f.note || '';
  };
  const saveNote = () => (pending ||= send().finally(() => (pending = null)));
  area.addEventListener('blur', saveNote);
  return [area, h('button.fb-save', { type: 'button', onclick: saveNote }, t('feedback.note.save'))];
}

const cell = (...kids) => h('td', null, ...kids);

function row(f) {
  const tr = h('tr', { 'data-id': f.id, 'data-status': f.status || 'new' });
  const url = safeURL(f.page_url);
  tr.append(
    cell(timeEl(f.created_at)),
    cell(h('span.badge.cat', { 'data-cat': f.category }, CATEGORIES.includes(f.category) ? t('feedback.cat.' + f.category) : f.category)),
    h('td.text', null, f.text),
    cell(f.email ? h('a', { href: 'mailto:' + f.email }, f.email) : '—'),
    cell(f.lang || '—'),
    cell(url ? h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, f.page_url) : f.page_url || '—'),
    cell(statusSelect(tr, f)),
    h('td.fb-team', null, noteEditor(tr, f), h('div.changed', null, changed(f)), h('p.err', { role: 'alert' })),
  );
  return tr;
}
