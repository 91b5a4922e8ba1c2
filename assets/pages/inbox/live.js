// Live visitors: who is on the site now (visitors with an open widget
// socket, from GET /api/v1/visitors/live), read again every 10 s while the
// page shows, and the proactive invite: an agent's first message starts a
// conversation that opens in the visitor's widget
// (POST /api/v1/visitors/{id}/invite). See docs/inbox.md.
import { api } from './api.js';
import { $, h, safeURL } from './dom.js';
import { t } from './i18n.js';
import { q, state } from './state.js';
import { browserWords } from './visitor.js';

const EVERY = 1e4;
let timer = 0;
let loads = 0;
let inviting = ''; // the visitor whose invite form is open

// createLive returns the page's loader; open shows a conversation that an
// invite started.
export function createLive(open) {
  const shown = () => !$('view-live').hidden;

  async function load() {
    clearTimeout(timer);
    const n = ++loads;
    const site = state.site;
    try {
      const { visitors } = await api('GET', q('/api/v1/visitors/live'));
      if (n !== loads || site !== state.site) return;
      // An invite being written is not redrawn away.
      if (!(document.activeElement && document.activeElement.closest('.live-invite'))) draw(visitors);
      $('live-note').textContent = '';
    } catch (err) {
      if (n === loads) $('live-note').textContent = t('live.error', { error: err.message });
    }
    if (n === loads && shown()) timer = setTimeout(load, EVERY);
  }

  function draw(visitors) {
    const rows = [];
    for (const v of visitors) {
      const page = (v.pages || [])[v.pages.length - 1];
      rows.push(
        h(
          'tr',
          { 'data-visitor': v.visitor_id },
          h('td', null, t('who.visitor') + ' ' + v.visitor_id.slice(-6)),
          h('td.live-page', null, page ? (safeURL(page.url) ? h('a', { href: safeURL(page.url), target: '_blank', rel: 'noopener noreferrer', title: page.url }, page.title || page.url) : page.url) : '—'),
          h('td', null, h('span', { 'data-since': v.since }, onSite(v.since))),
          h('td', null, v.lang || '—'),
          h('td', null, browserWords(v)),
          h('td', null, h('button', { type: 'button', onclick: () => ask(v.visitor_id) }, t('live.invite'))),
        ),
      );
      if (inviting === v.visitor_id) rows.push(form(v));
    }
    $('live').replaceChildren(...rows);
    $('live-empty').hidden = visitors.length > 0;
  }

  function ask(id) {
    inviting = inviting === id ? '' : id;
    load();
  }

  function form(v) {
    const box = h('textarea', { rows: 2, maxLength: 4000, 'aria-label': t('live.message') });
    box.value = t('live.greeting');
    const problem = h('span.err', { role: 'alert' });
    const send = h('button.pri', { type: 'submit' }, t('live.send'));
    const f = h(
      'form.live-invite',
      {
        onsubmit: async (e) => {
          e.preventDefault();
          send.disabled = true;
          problem.textContent = '';
          try {
            const { conversation } = await api('POST', q('/api/v1/visitors/' + encodeURIComponent(v.visitor_id) + '/invite'), { text: box.value });
            inviting = '';
            open(conversation);
          } catch (err) {
            problem.textContent = err.message;
            send.disabled = false;
          }
        },
      },
      box,
      send,
      problem,
    );
    queueMicrotask(() => box.focus());
    return h('tr', null, h('td', { colSpan: 6 }, f));
  }

  return load;
}

// onSite is how long a visitor has been on the site: "3 min".
function onSite(since) {
  const m = Math.max(0, Math.floor((Date.now() - new Date(since)) / 6e4));
  return m < 60 ? t('live.minutes', { n: m }) : t('live.hours', { h: Math.floor(m / 60), m: m % 60 });
}

setInterval(() => {
  for (const el of document.querySelectorAll('[data-since]')) el.textContent = onSite(el.dataset.since);
}, 3e4);
