// The visitor panel's parts that the conversation alone does not tell: the
// browser in words, the visitor's local time, the pages of this visit and
// their earlier conversations. The visit comes from
// GET /api/v1/visitors/{id}/live, which kefu keeps in memory only; the
// conversations from GET /api/v1/conversations?visitor=. See docs/inbox.md.
import { api } from './api.js';
import { h, safeURL, timeEl } from './dom.js';
import { t } from './i18n.js';
import { q, state } from './state.js';

// browserWords names a browser and system as people say them, such as
// "Chrome 131 · Windows 10" or "Safari 18 · iPhone iOS 18"; the raw header
// is the title.
export function browserWords(v) {
  if (!v.browser && !v.os) return v.user_agent || '—';
  let b = v.browser || '';
  if (b.startsWith('WeChat')) b = t('ua.wechat') + b.slice(6);
  const dev = v.device === 'iPhone' || v.device === 'iPad' ? v.device + ' ' : '';
  const words = [b, dev + (v.os || '')].filter((s) => s.trim()).join(' · ');
  return h('span', { title: v.user_agent || '' }, words);
}

// utc names an offset in minutes east: UTC+8, UTC+5:30, UTC−3.
const utc = (m) => 'UTC' + (m < 0 ? '−' : '+') + Math.floor(Math.abs(m) / 60) + (Math.abs(m) % 60 ? ':' + String(Math.abs(m) % 60).padStart(2, '0') : '');

const two = (n) => String(n).padStart(2, '0');

// localTime is the time now at offset minutes east of UTC: "14:02 (UTC+8)".
export function localTime(offset) {
  const d = new Date(Date.now() + offset * 6e4);
  return two(d.getUTCHours()) + ':' + two(d.getUTCMinutes()) + ' (' + utc(offset) + ')';
}

// Every shown local time ticks.
setInterval(() => {
  for (const el of document.querySelectorAll('[data-offset]')) el.textContent = localTime(Number(el.dataset.offset));
}, 1e4);

const FRESH = 15e3;
const cache = new Map(); // visitor id → { at, live, convs }
const asking = new Set(); // visitor ids being fetched

// visitorMore returns the panel's part for conversation c, and fills it
// when what it shows arrives; open opens another conversation.
export function visitorMore(c, open) {
  const box = h('div.visitor-more', { id: 'visitor-more' });
  const id = c.visitor_id;
  const known = cache.get(id);
  if (known) fill(box, c, known, open);
  if ((!known || Date.now() - known.at > FRESH) && !asking.has(id)) fetchAbout(c, open);
  return box;
}

async function fetchAbout(c, open) {
  const id = c.visitor_id;
  const site = state.site;
  asking.add(id);
  const [live, convs] = await Promise.all([
    api('GET', q('/api/v1/visitors/' + encodeURIComponent(id) + '/live')).then((r) => r.visitor, () => null),
    api('GET', q('/api/v1/conversations?limit=20&visitor=' + encodeURIComponent(id))).then((r) => r.conversations, () => []),
  ]).finally(() => asking.delete(id));
  if (site !== state.site) return;
  const about = { at: Date.now(), live, convs };
  cache.set(id, about);
  const box = document.getElementById('visitor-more');
  if (box && state.openId === c.id) fill(box, c, about, open);
}

function fill(box, c, { live, convs }, open) {
  const parts = [];
  const dl = (pairs) => h('dl', null, pairs.map(([k, val]) => [h('dt', null, k), h('dd', null, val)]));
  if (live) {
    const rows = [[t('info.online'), live.online ? h('span.ok', null, t('info.online.now')) : t('info.online.gone')]];
    if (live.utc_offset != null) rows.push([t('info.localtime'), h('span', { 'data-offset': live.utc_offset, title: live.time_zone || '' }, localTime(live.utc_offset))]);
    parts.push(dl(rows));
    const pages = (live.pages || []).slice().reverse();
    parts.push(
      h('h4', null, t('info.trail', { n: pages.length })),
      h(
        'ol.trail',
        null,
        pages.map((p) => h('li', null, safeURL(p.url) ? h('a', { href: safeURL(p.url), target: '_blank', rel: 'noopener noreferrer', title: p.url }, p.title || p.url) : p.url, ' ', timeEl(p.at))),
      ),
    );
  }
  const others = (convs || []).filter((x) => x.id !== c.id);
  parts.push(h('h4', null, t('info.history', { n: others.length })));
  parts.push(
    others.length
      ? h(
          'ul.history',
          null,
          others.map((x) =>
            h(
              'li',
              null,
              h('button.link', { type: 'button', onclick: () => open(x.id) }, timeEl(x.created_at), ' ', t('status.' + x.status), ' ', h('span', null, first(x))),
            ),
          ),
        )
      : h('p.empty', null, t('info.history.none')),
  );
  box.replaceChildren(...parts);
}

// first is the last words of a conversation, clipped.
const first = (x) => {
  const m = x.last_message;
  const s = (m && m.text) || '';
  return s.length > 40 ? s.slice(0, 40) + '…' : s;
};
