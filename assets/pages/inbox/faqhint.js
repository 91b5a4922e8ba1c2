// FAQ answers inside the composer: the site's FAQ is searched for the
// visitor's last question, and one click puts an answer into the reply
// box, where the agent can change it before sending.
import { api } from './api.js';
import { $, h } from './dom.js';
import { t } from './i18n.js';
import { q } from './state.js';

export function createFAQHint(reply) {
  const box = $('faqhint');
  let asked = 0;
  let timer = 0;

  // lookFor shows the answers to text, in lang, once calls pause: a thread
  // that loads its history calls it for each question.
  function lookFor(text, lang) {
    clearTimeout(timer);
    const n = ++asked;
    timer = setTimeout(() => show(n, text, lang), 150);
  }

  async function show(n, text, lang) {
    let data;
    try {
      data = await api('GET', q('/api/v1/faq/suggest?limit=3&q=' + encodeURIComponent(text.slice(0, 500)) + (lang ? '&lang=' + encodeURIComponent(lang) : '')));
    } catch {
      data = { results: [] };
    }
    if (n !== asked) return;
    const list = data.results || [];
    box.hidden = !list.length;
    box.replaceChildren(
      h('span.faqhint-cap', null, t('faqhint.title')),
      ...list.map((r) =>
        h(
          'button.faqhint-item',
          {
            type: 'button',
            title: r.answer,
            onclick: () => {
              reply.value = reply.value.trim() ? reply.value.trimEnd() + '\n' + r.answer : r.answer;
              reply.dispatchEvent(new Event('input'));
              reply.focus();
            },
          },
          t('faqhint.insert', { q: r.question }),
        ),
      ),
    );
  }

  return {
    lookFor,
    clear() {
      clearTimeout(timer);
      asked++;
      box.hidden = true;
      box.replaceChildren();
    },
  };
}
