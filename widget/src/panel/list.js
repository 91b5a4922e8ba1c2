// The message list: confirmed messages in seq order, then the outbox's
// pending ones, with FAQ cards after the messages they answer. Nodes are
// keyed, so that a pending message that gets confirmed keeps its node.
import { h } from './dom.js';
import { linkify } from './linkify.js';
import { clock, initials } from './format.js';
import { lang, t } from './i18n.js';
import { S, failed, outbox, retry } from './app.js';
import { faqList } from './faq.js';
import { dropUp, fileList, retryUp } from './files.js';

// ids is a signature of a message's files.
const ids = (files) => (files || []).map((f) => f.id).join();

// items lists what the list shows, each with a key and a signature of
// everything its node depends on.
function items() {
  const out = [];
  const confirmed = new Set();
  const lastMine = [...S.msgs].reverse().find((m) => m.author.type === 'visitor');
  let prev = '';
  const card = (cid) => {
    const c = cid && S.cards[cid];
    if (c) out.push({ key: 'f' + cid, sig: 'f' + lang(), card: c });
  };
  for (const m of S.msgs) {
    if (m.seq < S.from) continue;
    const who = m.author.type === 'visitor' ? 'v' : m.author.type === 'agent' ? 'a' : 's';
    const name = who === 'a' && prev !== 'a' + m.author.name ? m.author.name || t('agent') : '';
    prev = who + m.author.name;
    const state = m === lastMine ? (m.seq <= (S.conv.agent_read_seq || 0) ? 'read' : 'sent') : '';
    if (m.client_id) confirmed.add(m.client_id);
    out.push({ key: m.client_id ? 'c' + m.client_id : 's' + m.seq, sig: [who, name, state, m.created_at, lang(), ids(m.attachments)].join('|'), who, name, state, text: m.text, files: m.attachments, at: m.created_at, m });
    card(m.client_id);
  }
  for (const it of outbox()) {
    if (confirmed.has(it.cid) || (it.c && (!S.conv || it.c !== S.conv.id))) continue;
    const state = failed(it) ? 'failed' : 'sending';
    out.push({ key: 'c' + it.cid, sig: ['v', state, lang(), ids(it.files)].join('|'), who: 'v', state, text: it.text, files: it.files, cid: it.cid });
    card(it.cid);
  }
  // Files on their way up, with their progress.
  for (const u of S.ups) out.push({ key: u.id, sig: [Math.round(u.p * 50), u.err, lang()].join('|'), who: 'v', up: u });
  return out;
}

// upNode shows a file being uploaded: its preview or name, a progress bar,
// and what went wrong, with a retry or a remove.
function upNode(u) {
  const max = ((S.cfg.files && S.cfg.files.max_bytes) || 10 << 20) >> 20;
  return h(
    'div.m.v.pend' + (u.err ? '.fail' : ''),
    null,
    h('div.bb', { dir: 'auto' }, u.prev ? h('img.pv', { src: u.prev, alt: u.name }) : u.name, !u.err && h('div.pg', { role: 'progressbar', 'aria-valuenow': Math.round(u.p * 100), 'aria-label': u.name }, h('i', { style: 'width:' + Math.round(u.p * 100) + '%' }))),
    h('div.mt', null, u.err && h('span.st', null, t(u.err, { n: max })), u.err && !u.fatal && h('button.link', { type: 'button', onclick: () => retryUp(u.id) }, t('retry')), u.err && h('button.link', { type: 'button', onclick: () => dropUp(u.id) }, t('remove'))),
  );
}

function node(it) {
  if (it.card) return h('div.m.s.cardm', null, h('p.cap', null, t('whileWait')), faqList(it.card));
  if (it.up) return upNode(it.up);
  const meta = [];
  if (it.at) {
    const [short, full] = clock(it.at, lang());
    meta.push(h('time', { dateTime: it.at, title: full }, short));
  }
  if (it.state) meta.push(h('span.st', null, t(it.state)));
  if (it.state === 'failed') meta.push(h('button.link', { type: 'button', onclick: () => retry(it.cid) }, t('retry')));
  return h(
    'div.m.' + it.who + (it.state === 'sending' ? '.pend' : it.state === 'failed' ? '.fail' : ''),
    null,
    it.name && h('div.who', null, it.who === 'a' && h('span.av', { 'aria-hidden': 'true' }, initials(it.name)), it.name),
    it.text && h('div.bb', { dir: 'auto' }, linkify(it.text)),
    it.files && it.files.length && fileList(it.files),
    meta.length && h('div.mt', null, meta),
  );
}

// renderList brings box's children in line with the state, keeping nodes
// that did not change. It follows new messages if the list was scrolled to
// the bottom, and always follows the visitor's own; else what was on screen
// stays there, when earlier messages come in above.
export function renderList(box, scroller) {
  const near = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
  const a = box.firstChild;
  const top = () => a.getBoundingClientRect().top;
  const y = a && top();
  const old = new Map([...box.children].map((n) => [n._key, n]));
  let at = box.firstChild;
  let grew = false;
  for (const it of items()) {
    let n = old.get(it.key);
    old.delete(it.key);
    if (!n || n._sig !== it.sig) {
      const fresh = node(it);
      fresh._key = it.key;
      fresh._sig = it.sig;
      if (n) {
        if (n === at) at = fresh;
        n.replaceWith(fresh);
      } else if (it.cid || it.up) grew = true; // the visitor's own, new
      n = fresh;
    }
    if (n !== at) box.insertBefore(n, at);
    else at = at.nextSibling;
  }
  old.forEach((n) => n.remove());
  if (near || grew) scroller.scrollTop = scroller.scrollHeight;
  else if (a && a.isConnected) scroller.scrollTop += top() - y;
}
