// Canned replies: the site's list, read once per site for the reply box
// (slash.js) and read again after an edit, and the tab where admins and
// owners add, edit and delete them. Agents see the list only; the server
// refuses them the rest anyway. See docs/inbox.md.
import { api } from './api.js';
import { $, h, timeEl } from './dom.js';
import { askFirst, langName } from './form.js';
import { t } from './i18n.js';
import { q, state } from './state.js';

const lists = new Map(); // site → promise of { canned, languages }

// replies returns the site's canned replies and the languages a reply
// may have, as GET /api/v1/canned gives them. A failed read is tried
// again next time.
export function replies(site = state.site) {
  if (!lists.has(site)) {
    const p = api('GET', '/api/v1/canned?site=' + encodeURIComponent(site));
    p.catch(() => lists.get(site) === p && lists.delete(site));
    lists.set(site, p);
  }
  return lists.get(site);
}

const body = $('canned');
const empty = $('canned-empty');
const form = $('canned-form');
const el = form.elements;
const problem = $('canned-form-error');
let editing = null; // the reply being edited, or null for a new one
let loads = 0; // bumped by every load: an older answer is dropped

const canEdit = () => !!state.me && state.me.role !== 'agent';
const langLabel = (l) => (l ? langName(l) : t('canned.lang.any'));

function note(text) {
  $('canned-note').textContent = text;
}

// load shows the site's replies, read again when fresh is set.
async function load(fresh) {
  const n = ++loads;
  if (fresh) lists.delete(state.site);
  try {
    const res = await replies();
    if (n !== loads) return;
    languages(res.languages || []);
    body.replaceChildren(...(res.canned || []).map(row));
    empty.textContent = t('canned.empty');
    empty.hidden = body.childElementCount > 0;
  } catch (err) {
    if (n !== loads) return;
    body.replaceChildren();
    empty.textContent = t('canned.error.load', { error: err.message });
    empty.hidden = false;
  }
}

// languages fills the form's menu: any language, then the site's.
function languages(list) {
  const keep = el.lang.value;
  el.lang.replaceChildren(...['', ...list].map((l) => h('option', { value: l }, langLabel(l))));
  el.lang.value = keep;
}

function row(c) {
  const tr = h('tr', { 'data-id': c.id, 'data-shortcut': c.shortcut, 'data-lang': c.lang });
  tr.append(
    h('td.shortcut', null, '/' + c.shortcut),
    h('td.canned-lang', null, langLabel(c.lang)),
    h('td.text', null, c.text),
    h('td', null, timeEl(c.updated_at), c.updated_by_name && h('span.by', null, c.updated_by_name)),
    canEdit() ? h('td.actions', null, actions(c, tr)) : null,
  );
  return tr;
}

// actions are a reply's edit and delete buttons. Delete asks first, in
// place of the buttons.
function actions(c, tr) {
  const buttons = [
    h('button.edit', { type: 'button', onclick: () => open(c) }, t('canned.edit')),
    h('button.delete', { type: 'button', onclick: confirm }, t('canned.delete')),
  ];
  function confirm() {
    askFirst(tr.querySelector('td.actions'), buttons, { question: t('canned.delete.confirm'), yes: t('canned.delete'), no: t('canned.cancel') }, remove);
  }
  async function remove() {
    try {
      await api('DELETE', q('/api/v1/canned/' + encodeURIComponent(c.id)));
      if (editing && editing.id === c.id) close();
      note('');
      load(true);
    } catch (err) {
      note(t('canned.error', { error: err.message }));
    }
  }
  return buttons;
}

function open(c) {
  editing = c;
  $('canned-form-title').textContent = t(c ? 'canned.form.edit' : 'canned.form.new');
  el.shortcut.value = c ? c.shortcut : '';
  el.lang.value = c ? c.lang : '';
  el.text.value = c ? c.text : '';
  problem.textContent = '';
  form.hidden = false;
  el.shortcut.focus();
}

function close() {
  editing = null;
  form.hidden = true;
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const reply = { shortcut: el.shortcut.value.trim(), lang: el.lang.value, text: el.text.value.trim() };
  const button = form.querySelector('button[type=submit]');
  button.disabled = true;
  problem.textContent = '';
  try {
    if (editing) await api('PUT', q('/api/v1/canned/' + encodeURIComponent(editing.id)), reply);
    else await api('POST', q('/api/v1/canned'), reply);
    close();
    load(true);
  } catch (err) {
    problem.textContent = err.message;
  } finally {
    button.disabled = false;
  }
});
$('canned-cancel').addEventListener('click', close);
$('canned-new').addEventListener('click', () => open(null));

// loadCanned shows the tab for the chosen site, with the controls the
// agent's role may use, and the list as the server has it now.
export function loadCanned() {
  for (const x of document.querySelectorAll('#view-canned .canned-admin')) x.hidden = !canEdit();
  note(canEdit() ? t('canned.intro') : t('canned.readonly'));
  close();
  return load(true);
}
