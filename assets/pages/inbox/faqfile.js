// The FAQ's import and export: a JSON or CSV file as the server reads and
// writes it (docs/api.md). An import is all or nothing; when it is
// refused, every bad line is listed.
import { api, download } from './api.js';
import { $, h } from './dom.js';
import { t } from './i18n.js';
import { q, state } from './state.js';

// setupFAQFiles wires the import input and the export buttons. note shows
// an outcome; reload shows the list again after an import.
export function setupFAQFiles({ note, reload }) {
  const input = $('faq-import');
  const problems = $('faq-problems');

  input.addEventListener('change', async () => {
    const file = input.files[0];
    if (!file) return;
    const format = /\.csv$/i.test(file.name) ? 'csv' : 'json';
    const typed = new Blob([file], { type: format === 'csv' ? 'text/csv' : 'application/json' });
    input.disabled = true;
    try {
      const res = await api('POST', q('/api/v1/faq/import?format=' + format), typed);
      note(t('faq.imported', { n: res.imported }));
      reload();
    } catch (err) {
      note(t('faq.import.failed', { error: err.message }));
      const rows = (err.details && err.details.rows) || [];
      problems.replaceChildren(...rows.map((r) => h('li', { 'data-line': r.line }, r.line ? t('faq.import.line', { line: r.line, message: r.message }) : r.message)));
      problems.hidden = rows.length === 0;
    } finally {
      input.disabled = false;
      input.value = ''; // the same file may be chosen again
    }
  });

  for (const format of ['json', 'csv']) {
    $('faq-export-' + format).addEventListener('click', async (e) => {
      const button = e.currentTarget;
      button.disabled = true;
      try {
        const blob = await download(q('/api/v1/faq/export?format=' + format));
        const name = 'faq-' + state.site + '.' + format;
        const url = URL.createObjectURL(blob);
        h('a', { href: url, download: name }).click();
        setTimeout(() => URL.revokeObjectURL(url), 6e4);
        note(t('faq.exported', { name }));
      } catch (err) {
        note(t('faq.error', { error: err.message }));
      } finally {
        button.disabled = false;
      }
    });
  }
}
