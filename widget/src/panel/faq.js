// FAQ answers: suggested while the visitor types, and shown after a
// message while no agent has replied. Each opens inline.
import { h } from './dom.js';
import { linkify } from './linkify.js';
import { lang, t } from './i18n.js';
import { NAMES } from '../shared/lang.js';

let api;
export const useApi = (a) => (api = a);

const event = (id, type) => api.post('/faq/' + encodeURIComponent(id) + '/events', { type }).catch(() => {});

// faqList renders results as disclosure widgets: the question opens the
// answer, with a "this solved my problem" button. An answer in another
// language than the visitor's says which.
export function faqList(results) {
  return h(
    'ul.faq',
    null,
    results.map((r) => {
      let opened = false;
      const solved = h('button.link', {
        type: 'button',
        onclick: () => {
          event(r.id, 'solved');
          solved.replaceWith(h('p.ok', { role: 'status' }, t('glad')));
        },
      }, t('solved'));
      return h(
        'li',
        null,
        h('details', {
          ontoggle: (e) => {
            if (e.target.open && !opened) {
              opened = true;
              event(r.id, 'open');
            }
          },
        },
        h('summary', { dir: 'auto', lang: r.lang }, r.question, r.lang && h('small.fl', { lang: lang() }, NAMES[r.lang] || r.lang)),
        h('div.ans', { lang: r.lang }, h('p', { dir: 'auto' }, linkify(r.answer)), solved)),
      );
    }),
  );
}

// suggester fills box with answers matching what is typed in input,
// 250 ms after the last keystroke.
export function suggester(input, box) {
  let timer = 0;
  let ctl = null;
  let last = '';
  const clear = () => {
    last = '';
    box.replaceChildren();
    box.hidden = true;
  };
  async function run() {
    const q = input.value.trim();
    if (q === last) return;
    last = q;
    if (ctl) ctl.abort();
    // One CJK character is a word; elsewhere wait for two letters.
    if (q.length < 2 && !/[\u3040-\u9fff\uac00-\ud7af]/.test(q)) return clear();
    ctl = new AbortController();
    try {
      const r = await api.get('/faq?limit=3&lang=' + lang() + '&q=' + encodeURIComponent(q), true, ctl.signal);
      const res = r.results || [];
      if (input.value.trim() !== q) return;
      box.replaceChildren(...(res.length ? [h('p.cap', { id: 'sg' }, t('suggested')), faqList(res)] : []));
      box.hidden = !res.length;
    } catch (e) {}
  }
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(run, 250);
  });
  return clear;
}
