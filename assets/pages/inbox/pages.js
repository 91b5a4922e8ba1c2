// The read-only Feedback and FAQ tabs.
import { api } from './api.js';
import { $, h, safeURL, timeEl } from './dom.js';
import { q } from './state.js';

const CATEGORY = { suggestion: 'Suggestion', complaint: 'Complaint', bug: 'Bug report', praise: 'Praise' };

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

export function loadFeedback() {
  return fill('feedback', '/api/v1/feedback?limit=100', 'feedback', 'No feedback yet.', (f) =>
    h(
      'tr',
      null,
      cell(timeEl(f.created_at)),
      cell(h('span.badge.cat', { 'data-cat': f.category }, CATEGORY[f.category] || f.category)),
      h('td.text', null, f.text),
      cell(f.email ? h('a', { href: 'mailto:' + f.email }, f.email) : '—'),
      cell(f.lang || '—'),
      cell(safeURL(f.page_url) ? h('a', { href: safeURL(f.page_url), target: '_blank', rel: 'noopener noreferrer' }, f.page_url) : f.page_url || '—'),
    ),
  );
}
