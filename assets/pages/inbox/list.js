// The conversation list: status tabs, and one row per conversation of the
// chosen status, newest first; or, while the search box holds words, the
// conversations that match them, newest match first, of every status.
import { api } from './api.js';
import { $, h, select, tablist, timeEl } from './dom.js';
import { t } from './i18n.js';
import { displayName, merge, q, shown, state, topicLabel, unread } from './state.js';

export function createList({ onOpen }) {
  const ul = $('convs');
  const tabs = document.querySelector('.status-tabs');
  const more = $('more');
  let cursor = '';
  let loading = 0;
  let results = null; // ids found by the search box, in the server's order
  const search = $('search');
  const filters = [tabs, document.querySelector('.list .filter')];
  let typed = 0;
  search.addEventListener('input', () => {
    clearTimeout(typed);
    typed = setTimeout(() => load(), 250);
  });
  search.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && search.value) {
      search.value = '';
      load();
    }
  });

  tablist(tabs, (tab) => {
    select(tabs, tab);
    state.status = tab.dataset.status;
    load();
  });
  select(tabs, tabs.querySelector('[aria-selected=true]'));
  // Everyone's, mine, or nobody's.
  $('assignee-filter').addEventListener('change', (e) => {
    state.assignee = e.target.value;
    load();
  });

  // Up and Down move between rows; Enter and Space open one (buttons).
  ul.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const rows = [...ul.querySelectorAll('button.row')];
    const i = rows.indexOf(document.activeElement);
    if (i < 0) return;
    e.preventDefault();
    const next = rows[i + (e.key === 'ArrowDown' ? 1 : -1)];
    if (next) next.focus();
  });
  ul.addEventListener('click', (e) => {
    const b = e.target.closest('button.row');
    if (b) onOpen(b.dataset.id);
  });
  more.addEventListener('click', () => load(true));

  // load fetches the first page of the chosen status, or the next one.
  async function load(next) {
    const n = ++loading;
    const words = search.value.trim();
    let path = '/api/v1/conversations?limit=50';
    if (words) path += '&q=' + encodeURIComponent(words);
    else path += '&status=' + state.status + (state.assignee ? '&assignee=' + state.assignee : '');
    if (next && cursor) path += '&cursor=' + encodeURIComponent(cursor);
    let data;
    try {
      data = await api('GET', q(path));
    } catch (err) {
      if (n === loading && err.status !== 401) {
        const empty = $('convs-empty');
        empty.textContent = t('list.error', { error: err.message });
        empty.hidden = false;
      }
      return;
    }
    if (n !== loading) return; // a newer load wins
    const found = data.conversations.map((c) => c.id);
    results = words ? (next && results ? results.concat(found.filter((id) => !results.includes(id))) : found) : null;
    if (!next && !words) {
      // Forget what this tab showed: the server's page is the truth.
      for (const [id, c] of state.convs) if (shown(c) && id !== state.openId) state.convs.delete(id);
    }
    for (const c of data.conversations) merge(c);
    cursor = data.next_cursor || '';
    render();
  }

  function row(c) {
    const m = c.last_message;
    let who = '';
    if (m && m.private) who = t('list.note') + ': ';
    else if (m && m.author.type === 'agent') who = (m.author.name || t('who.agent')) + ': ';
    const offline = c.kind === 'offline';
    return h(
      'li',
      null,
      h(
        'button',
        {
          type: 'button',
          'data-id': c.id,
          'aria-current': c.id === state.openId ? 'true' : null,
          className: 'row' + (unread(c) ? ' unread' : '') + (offline ? ' offline' : ''),
        },
        h(
          'span.l1',
          null,
          unread(c) && h('span.dot', { title: t('list.unread') }, h('span.sr', null, t('list.unread') + '. ')),
          h('span.name', null, displayName(c)),
          timeEl(c.updated_at),
        ),
        h(
          'span.l2',
          null,
          offline && h('span.badge.off', null, t('list.offline')),
          offline && c.email && h('span.email', null, c.email),
          c.topic && h('span.badge.topic', { title: c.topic }, topicLabel(c.topic)),
        ),
        // A message of files alone has no text to preview.
        h('span.preview', null, m ? who + (m.text || t('list.file')) : t('list.nomessages')),
      ),
    );
  }

  function render() {
    const focused = document.activeElement && document.activeElement.closest && document.activeElement.closest('#convs button.row');
    const list = results
      ? results.map((id) => state.convs.get(id)).filter(Boolean)
      : [...state.convs.values()]
          .filter(shown)
          .sort((a, b) => (Date.parse(b.updated_at) || 0) - (Date.parse(a.updated_at) || 0) || b.id.localeCompare(a.id));
    ul.replaceChildren(...list.map(row));
    for (const f of filters) if (f) f.hidden = !!results;
    const empty = $('convs-empty');
    empty.textContent = t(results ? 'list.nomatch' : 'list.empty');
    empty.hidden = list.length > 0;
    more.hidden = !cursor;
    if (focused) {
      const again = ul.querySelector(`button.row[data-id="${CSS.escape(focused.dataset.id)}"]`);
      if (again) again.focus();
    }
    const n = [...state.convs.values()].filter((c) => c.status !== 'resolved' && unread(c)).length;
    document.title = (n ? `(${n}) ` : '') + t('login.title');
  }

  // step opens the conversation before (-1) or after (1) the open one.
  function step(d) {
    const rows = [...ul.querySelectorAll('button.row')];
    const i = rows.findIndex((b) => b.dataset.id === state.openId);
    const b = rows[i < 0 ? 0 : i + d];
    if (b) {
      onOpen(b.dataset.id);
      b.focus();
    }
  }

  return { load, render, step };
}
