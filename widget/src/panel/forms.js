// The forms: leave a message while nobody is online, feedback, and the
// rating after a conversation is resolved. Validation messages come from
// our own strings, so they match the panel's language.
import { field, h, icon } from './dom.js';
import { lang, t } from './i18n.js';
import { S, newChat, update } from './app.js';

let api;
export const useApi = (a) => (api = a);

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

// form builds a form whose submit checks the fields, posts, and replaces
// the form with a thank-you note and, given back, a way back to the chat.
function form(cls, kids, check, submit, done, back) {
  const err = h('p.err', { role: 'alert' });
  const btn = h('button.pri', { type: 'submit' }, t('submit'));
  const f = h('form.card.' + cls, {
    noValidate: true,
    onsubmit: async (e) => {
      e.preventDefault();
      const bad = check();
      err.textContent = bad ? t(bad[0]) : '';
      if (bad) return bad[1].focus();
      btn.disabled = true;
      try {
        await submit();
        const note = h('p.ok', { role: 'status', tabIndex: -1 }, t(done));
        f.replaceWith(h('div.done', null, note, back && h('button.pri', { type: 'button', onclick: back }, t('toChat'))));
        note.focus();
      } catch (x) {
        err.textContent = t(x.status === 429 ? 'tooFast' : 'error');
      }
      btn.disabled = false;
    },
  }, kids, err, btn);
  return f;
}

const input = (props) => h('input', Object.assign({ dir: 'auto' }, props));
const area = (props) => h('textarea', Object.assign({ dir: 'auto', rows: 4, maxLength: 4000 }, props));

// leaveForm asks for a message and an email while nobody is online. The
// FAQ answers to the message show right under it, where the visitor looks.
export function leaveForm(faqBox, suggest, back) {
  const name = input({ autocomplete: 'name', maxLength: 100 });
  const email = input({ type: 'email', autocomplete: 'email', maxLength: 254, dir: 'ltr' });
  const text = area({});
  suggest(text);
  return form(
    'leave',
    [h('h2', null, t('leave')), h('p', null, t('away')), field(t('message'), text), faqBox, field(t('email'), email), field(t('name'), name)],
    () => (!EMAIL.test(email.value.trim()) ? ['badEmail', email] : !text.value.trim() ? ['empty', text] : null),
    () => api.post('/offline', { email: email.value.trim(), name: name.value.trim() || undefined, text: text.value.trim(), lang: lang(), page_url: S.page.url }),
    'leaveDone',
    back,
  );
}

// feedbackForm takes a suggestion, complaint, bug report or praise.
export function feedbackForm(back) {
  const cats = ['suggestion', 'complaint', 'bug', 'praise'];
  const radios = cats.map((c, i) => h('input', { type: 'radio', name: 'cat', value: c, checked: i === 0 }));
  const text = area({});
  const email = input({ type: 'email', autocomplete: 'email', maxLength: 254, dir: 'ltr' });
  return form(
    'fb',
    [
      h('h2', null, t('feedback')),
      h('p', null, t('fbIntro')),
      h('fieldset.chips', null, h('legend', null, t('category')), cats.map((c, i) => h('label', null, radios[i], h('span', null, t(c))))),
      field(t('fbText'), text),
      field(t('emailOpt'), email),
    ],
    () => (!text.value.trim() ? ['empty', text] : email.value.trim() && !EMAIL.test(email.value.trim()) ? ['badEmail', email] : null),
    () =>
      api.post('/feedback', {
        category: radios.find((r) => r.checked).value,
        text: text.value.trim(),
        email: email.value.trim() || undefined,
        lang: lang(),
        page_url: S.page.url,
      }),
    'fbDone',
    back,
  );
}

// endBlock is shown once the conversation is resolved: a notice, a 1–5
// star rating with a comment, and a way to start again.
export function endBlock() {
  const c = S.conv;
  const stars = [1, 2, 3, 4, 5].map((n) =>
    h('label.star', null, h('input', { type: 'radio', name: 'rate', value: n }), icon('star'), h('span.sr', null, t('stars', { n }))),
  );
  const group = h('fieldset.stars', {
    onchange: () => {
      const v = +group.querySelector('input:checked').value;
      stars.forEach((s, i) => s.classList.toggle('on', i < v));
    },
  }, h('legend', null, t('rate')), h('div', null, stars));
  const comment = area({ rows: 2 });
  const rating = c.rating
    ? h('p.ok', null, t('rateDone'))
    : form(
      'rating',
      [group, field(t('comment'), comment)],
      () => (group.querySelector('input:checked') ? null : ['pickStar', stars[0].firstChild]),
      async () => {
        const v = +group.querySelector('input:checked').value;
        await api.post('/conversations/' + encodeURIComponent(c.id) + '/rating', { rating: v, comment: comment.value.trim() || undefined });
        c.rating = v;
      },
      'rateDone',
    );
  return h(
    'div.end',
    null,
    h('p.note', { role: 'status' }, t('resolved')),
    rating,
    h('button.pri', { type: 'button', onclick: () => (newChat(), update()) }, t('newChat')),
  );
}
