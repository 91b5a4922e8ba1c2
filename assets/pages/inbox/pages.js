// The read-only FAQ tab.
import { api } from './api.js';
import { $, h } from './dom.js';
import { q } from './state.js';

// fill replaces the rows of table body id with the first page of the
// list under key in the answer of path; its "Load more" button appends
// the next pages.
async function fill(id, path, key, none, row) {
  const body = $(id);
  const empty = $(id + '-empty');
  const more = $(id + '-more');
  let cursor = '';
  const load = async (append) => {
    more.disabled = true;
    try {
      const res = await api('GET', q(cursor ? path + '&cursor=' + encodeURIComponent(cursor) : path));
      const rows = (res[key] || []).map(row);
      if (append) body.append(...rows);
      else body.replaceChildren(...rows);
      cursor = res.next_cursor || '';
      more.hidden = !cursor;
      empty.textContent = none;
      empty.hidden = body.childElementCount > 0;
    } catch (err) {
      if (!append) body.replaceChildren();
      more.hidden = true;
      empty.textContent = 'Could not load: ' + err.message;
      empty.hidden = false;
    } finally {
      more.disabled = false;
    }
  };
  more.onclick = () => load(true);
  await load(false);
}

const cell = (...kids) => h('td', null, ...kids);

export function loadFAQ() {
  return fill('faq', '/api/v1/faq?limit=100', 'faq', 'No FAQ entries.', (f) =>
    h(
      'tr',
      null,
      h('td.text', null, h('b', null, f.question), h('div.answer', null, f.answer)),
      cell(f.category || '—'),
      cell(f.lang),
      cell(f.published ? 'Yes' : 'No'),
      h('td.num', null, String(f.views || 0)),
      h('td.num', null, String(f.solved || 0)),
    ),
  );
}
