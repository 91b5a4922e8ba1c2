// The FAQ editor's form, for a new entry or an edit. It sends no order:
// the server puts a new entry after its language's last and keeps an
// edited entry's place (docs/api.md).
import { api } from './api.js';
import { $, h } from './dom.js';
import { lang as inboxLang, t } from './i18n.js';
import { q } from './state.js';

// createFAQForm wires the form; saved is called after a save, and lang
// gives the language filter's choice, the default for a new entry.
export function createFAQForm({ saved, lang }) {
  const form = $('faq-form');
  const el = form.elements;
  const problem = $('faq-form-error');
  let editing = null; // the entry being edited, or null for a new one

  function open(f) {
    editing = f;
    $('faq-form-title').textContent = t(f ? 'faq.form.edit' : 'faq.form.new');
    el.question.value = f ? f.question : '';
    el.answer.value = f ? f.answer : '';
    el.alternatives.value = f ? (f.alternatives || []).join('\n') : '';
    el.category.value = f ? f.category : '';
    el.lang.value = f ? f.lang : lang() || inboxLang;
    el.published.checked = f ? f.published : true;
    problem.textContent = '';
    form.hidden = false;
    el.question.focus();
  }

  function close() {
    editing = null;
    form.hidden = true;
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const entry = {
      question: el.question.value.trim(),
      answer: el.answer.value.trim(),
      alternatives: el.alternatives.value
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean),
      category: el.category.value.trim(),
      lang: el.lang.value,
      published: el.published.checked,
    };
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    problem.textContent = '';
    try {
      if (editing) await api('PUT', q('/api/v1/faq/' + encodeURIComponent(editing.id)), entry);
      else await api('POST', q('/api/v1/faq'), entry);
      close();
      saved();
    } catch (err) {
      problem.textContent = err.message;
    } finally {
      button.disabled = false;
    }
  });
  $('faq-cancel').addEventListener('click', close);
  $('faq-new').addEventListener('click', () => open(null));

  return {
    edit: open,
    close,
    // languages fills the language menu, once.
    languages(list) {
      if (!el.lang.options.length) el.lang.append(...list.map((l) => h('option', { value: l }, l)));
    },
  };
}
