// The read-only Feedback and FAQ tabs.
import { api } from './api.js';
import { $, h, safeURL, timeEl } from './dom.js';
import { q } from './state.js';

const CATEGORY = { suggestion: 'Suggestion', complaint: 'Complaint', bug: 'Bug report', praise: 'Praise' };

// fill replaces the rows of table body id with those of the list under
// key in the answer of path.
async function fill(id, path, key, none, row) {
  const body = $(id);
  const empty = $(id + '-empty');
  try {
    const list = (await api('GET', q(path)))[key] || [];
    body.replaceChildren(...list.map(row));
    empty.textContent = none;
    empty.hidden = list.length > 0;
  } catch (err) {
    body.replaceChildren();
    empty.textContent = 'Could not load: ' + err.message;
    empty.hidden = false;
  }
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

export function loadFAQ() {
  return fill('faq', '/api/v1/faq', 'faq', 'No FAQ entries.', (f) =>
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
