// Small form parts shared by the settings, agents and account pages.
import { h } from './dom.js';
import { lang, t } from './i18n.js';

// LANGS are the languages kefu speaks (chat.Languages; assets_test.go
// checks that the two lists agree).
export const LANGS = ['en', 'zh-CN', 'zh-TW', 'ja', 'ko', 'es', 'fr', 'de', 'pt', 'ru', 'vi', 'th', 'id', 'ar'];

const names = (() => {
  try {
    return new Intl.DisplayNames([lang], { type: 'language' });
  } catch {
    return null;
  }
})();

// langName is a language's name in the inbox's language.
export const langName = (l) => (names && names.of(l)) || l;

// field is a labelled control; hint, if any, is shown under it.
export const field = (label, control, hint) =>
  h('label.field', null, h('span.lbl', null, label), control, hint && h('small.hint', null, hint));

// status shows the outcome of a save next to its button: ok, or the error.
export function status() {
  const el = h('span.save-status', { role: 'status' });
  return {
    el,
    busy: () => ((el.textContent = t('form.saving')), (el.dataset.state = 'busy')),
    ok: (text) => ((el.textContent = text || t('form.saved')), (el.dataset.state = 'ok')),
    fail: (err) => ((el.textContent = err.status === 409 ? t('form.conflict') : err.message), (el.dataset.state = 'error')),
  };
}

// copyButton copies the text that text() returns.
export const copyButton = (text) =>
  h(
    'button.copy',
    {
      type: 'button',
      onclick: async (e) => {
        const b = e.currentTarget;
        try {
          await navigator.clipboard.writeText(text());
          b.textContent = t('form.copied');
        } catch {
          b.textContent = t('form.copyfailed');
        }
        setTimeout(() => (b.textContent = t('form.copy')), 1500);
      },
    },
    t('form.copy'),
  );

// onSubmit is a form's submit handler: it shows progress in msg, calls
// fn(elements, form), and shows the error if fn throws. fn says msg.ok
// itself, or moves on to what follows.
export const onSubmit = (msg, fn) => async (e) => {
  e.preventDefault();
  const form = e.currentTarget;
  msg.busy();
  try {
    await fn(form.elements, form);
  } catch (err) {
    msg.fail(err);
  }
};

// askFirst shows, in cell, a question with a button that runs act and one
// that puts buttons back: a delete asks before it deletes.
export function askFirst(cell, buttons, { question, yes, no }, act) {
  cell.replaceChildren(
    h('span.ask', null, question),
    h('button.confirm.danger', { type: 'button', onclick: act }, yes),
    h('button.keep', { type: 'button', onclick: () => cell.replaceChildren(...buttons) }, no),
  );
}
