// The panel's state and what changes it: server frames, the visitor's
// actions and the other tabs' news. Views read S and are redrawn by update().
import { lang } from './i18n.js';

export const S = {
  cfg: {},
  online: false, // an agent is online
  net: 'connecting', // connecting | online | reconnecting | closed
  conv: null, // the current conversation
  seqs: new Map(), // its messages by seq
  msgs: [], // the same, in seq order
  from: 1, // the first seq loaded; older() fetches the page before it
  loaded: false, // its first history arrived
  typing: false, // an agent is typing
  visible: false, // the panel is on screen
  view: 'chat', // chat | feedback
  cards: {}, // FAQ suggestions shown after a message, by its client_id
  page: {},
  known: false, // the server told us the visitor's conversations
  error: '', // a string key, shown briefly
  ups: [], // files being uploaded: {id, name, p (0..1), err, fatal, prev}
};

let ctx; // {api, hub, bridge, store, sess, reconfig}
let draw = () => {};
let queued = false;

export function setup(c, render) {
  ctx = c;
  draw = render;
  setInterval(tick, 5e3);
  document.addEventListener('visibilitychange', update);
}

// update redraws once, after the current task.
export function update() {
  if (queued) return;
  queued = true;
  queueMicrotask(() => {
    queued = false;
    draw();
    after();
  });
}

const newId = () =>
  crypto.randomUUID
    ? crypto.randomUUID()
    : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');

// ---- the outbox: {cid, c, text, files, at, bad}, shared by tabs in storage

export const outbox = () => ctx.store.get('outbox') || [];

function saveOut(list) {
  ctx.store.set('outbox', list);
  ctx.hub.local({ k: 'out' });
  update();
}

const patchOut = (cid, patch) => saveOut(outbox().map((x) => (x.cid === cid ? Object.assign(x, patch) : x)));

// due redraws when a message just sent or retried would turn failed.
const due = () => setTimeout(update, 1e4 + 50);

function dropOut(cid) {
  const list = outbox();
  const rest = list.filter((x) => x.cid !== cid);
  if (rest.length !== list.length) saveOut(rest);
}

const transmit = (it) =>
  ctx.hub.send({ type: 'send', conversation_id: it.c, client_id: it.cid, text: it.text, attachments: it.files && it.files.map((f) => f.id) });

// flush (re)sends unacknowledged messages, with their own client ids. The
// server stores each client id once.
export async function flush(olderThan = 0) {
  for (const it of outbox()) {
    if (Date.now() - it.at > 3 * 864e5) {
      dropOut(it.cid); // a message that could not be sent for days is stale
      continue;
    }
    if (it.bad || Date.now() - it.at < olderThan) continue;
    if (!it.c) {
      try {
        it.c = (await ensureConv()).id;
      } catch (e) {
        return;
      }
      patchOut(it.cid, { c: it.c });
    }
    transmit(it);
  }
}

// failed tells whether a pending message should show as not sent, with a
// retry: after 10 s without an ack, whatever the cause (no session, no
// socket, a server that refuses), so that nothing says "sending" forever.
// Until the visitor retries, it is resent by itself as before.
export const failed = (it) => it.bad || Date.now() - it.at > 1e4;

export function retry(cid) {
  const it = outbox().find((x) => x.cid === cid);
  if (!it) return;
  patchOut(cid, { bad: false, at: Date.now() });
  due();
  if (S.net !== 'online') ctx.hub.restart();
  if (it.c) transmit(it);
  else flush();
}

// ---- conversations

let convP = null;

// ensureConv returns the open conversation, starting one if needed. The
// server gives concurrent callers the same one.
export function ensureConv(topic) {
  if (S.conv && S.conv.status !== 'resolved') return Promise.resolve(S.conv);
  convP =
    convP ||
    ctx.api
      .post('/conversations', { topic, lang: lang(), page_url: S.page.url, referrer: S.page.referrer })
      .then((r) => {
        adopt(r.conversation);
        ctx.hub.local({ k: 'conv', c: r.conversation });
        return S.conv;
      })
      .finally(() => (convP = null));
  return convP;
}

// resumed is the conversation a link in a reply email opened: shown even
// when it is an offline message, or resolved.
const resumed = () => ctx.store.get('resumed');

function adopt(c, force) {
  if (!c || (c.kind === 'offline' && c.id !== resumed())) return;
  if (!S.conv || S.conv.id !== c.id) {
    force = true;
    S.conv = Object.assign({}, c);
    S.seqs = new Map();
    S.msgs = [];
    S.from = Math.max(1, (c.last_seq || 0) - 49);
    S.loaded = false;
    S.cards = {};
    S.typing = false;
    ctx.store.set('conv', c.id);
  } else {
    const o = S.conv;
    for (const k of ['last_seq', 'visitor_read_seq', 'agent_read_seq']) c[k] = Math.max(o[k] || 0, c[k] || 0);
    Object.assign(o, c);
  }
  if (force || S.conv.last_seq > top()) resume(top(), force);
  update();
}

// newChat leaves a resolved conversation for the start screen.
export function newChat(fromTab) {
  S.conv = null;
  ctx.store.set('resumed', null);
  S.seqs = new Map();
  S.msgs = [];
  S.cards = {};
  ctx.store.set('conv', null);
  if (!fromTab) ctx.hub.local({ k: 'new' });
  update();
}

// top is the last seq up to which nothing is missing.
function top() {
  let s = S.from - 1;
  while (S.seqs.has(s + 1)) s++;
  return s;
}

let lastResume = '';
function resume(seq, force) {
  const key = S.conv.id + ':' + seq;
  if (!force && key === lastResume) return;
  lastResume = key;
  setTimeout(() => lastResume === key && (lastResume = ''), 3e3);
  ctx.hub.send({ type: 'resume', conversation_id: S.conv.id, last_seq: seq });
}

// pub is a message as the page's kefu.on('message') listeners see it.
const pub = (m) => ({ text: m.text, author: { type: m.author.type, name: m.author.name }, seq: m.seq, created_at: m.created_at, conversation_id: m.conversation_id });

function merge(list, live) {
  let added = false;
  let seen = false; // a new seq, a placeholder's included
  for (const m of list || []) {
    if (!m || !(m.author || m.private)) continue;
    if (!S.conv || m.conversation_id !== S.conv.id) {
      if (live) refresh();
      continue;
    }
    if (m.client_id) dropOut(m.client_id);
    if (S.seqs.has(m.seq)) continue;
    S.seqs.set(m.seq, m);
    seen = true;
    if (m.seq > S.conv.last_seq) S.conv.last_seq = m.seq;
    // An agents' note: only its seq is known, so that no hole is left.
    if (m.private) continue;
    added = true;
    if (m.author.type !== 'visitor') S.typing = false;
    if (live) ctx.bridge.post({ type: 'event', name: 'message', data: pub(m) });
  }
  // A seq past a gap means some were missed: ask for them.
  if (seen && Math.max(...S.seqs.keys()) > top()) resume(top());
  if (!added) return;
  S.msgs = [...S.seqs.values()].filter((m) => !m.private).sort((a, b) => a.seq - b.seq);
}

// older loads the page before the first message loaded, as the visitor
// scrolls back through their conversation.
let paging;
export async function older() {
  const c = S.conv;
  if (paging || !c || S.from < 2 || !S.loaded) return;
  paging = 1;
  try {
    const r = await ctx.api.get('/conversations/' + c.id + '/messages?limit=50&before_seq=' + S.from, true);
    if (c === S.conv) {
      S.from = r.messages.length ? r.messages[0].seq : 1;
      merge(r.messages);
    }
  } catch (e) {}
  paging = 0;
  update();
}

// refresh looks for an open conversation this visitor has elsewhere, for
// example one started in another tab.
let refreshing = 0;
async function refresh() {
  if (Date.now() - refreshing < 5e3) return;
  refreshing = Date.now();
  try {
    const r = await ctx.api.get('/conversations', true);
    const list = r.conversations || [];
    const mine = S.conv && list.find((c) => c.id === S.conv.id);
    if (mine) adopt(mine);
    if (!S.conv) adopt(list.find((c) => c.id === resumed()));
    if (!S.conv || S.conv.status === 'resolved') adopt(list.find((c) => c.kind !== 'offline' && c.status !== 'resolved'));
  } catch (e) {}
}

// ---- frames from the server (see docs/protocol.md)

let typingTimer = 0;
const mine = (f) => S.conv && f.conversation_id === S.conv.id;

export function handle(f) {
  switch (f.type) {
    case 'ready': {
      S.online = !!f.agents_online;
      const list = (f.conversations || []).filter((c) => (c.kind !== 'offline' || c.id === resumed()) && c.status !== 'resolved');
      const want = ctx.store.get('conv');
      const c =
        list.find((x) => x.id === want) ||
        (S.conv && list.find((x) => x.id === S.conv.id)) ||
        list.sort((a, b) => (b.updated_at > a.updated_at ? 1 : -1))[0];
      S.known = true;
      // Where this tab is, for the agents' live visitors (kept in memory).
      ctx.hub.send({ type: 'page', url: S.page.url, title: S.page.title, referrer: S.page.referrer, lang: lang(), time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone, utc_offset: -new Date().getTimezoneOffset() });
      if (c) adopt(c, true);
      // A conversation we know of that the list lacks was resolved, or was
      // started after a relayed `ready` was sent: ask.
      else if (want || resumed() || (S.conv && S.conv.status !== 'resolved')) refresh();
      if (ctx.hub.leader()) flush();
      break;
    }
    case 'ack':
      merge([f.message], true);
      dropOut(f.client_id);
      break;
    case 'message':
      merge([f.message], true);
      break;
    case 'resync':
      // The server may have lost events: catch up as after a reconnect.
      if (S.conv) resume(top(), true);
      else refresh();
      break;
    case 'history':
      if (!mine(f)) break;
      if (f.state === 'reset') {
        S.seqs = new Map();
        S.from = 1;
      }
      merge(f.messages, S.loaded);
      S.loaded = true;
      if (f.state === 'limited' && f.messages && f.messages.length) resume(f.messages[f.messages.length - 1].seq, true);
      break;
    case 'typing':
      if (mine(f) && f.author && f.author.type !== 'visitor') {
        S.typing = !!f.typing;
        clearTimeout(typingTimer);
        typingTimer = setTimeout(() => ((S.typing = false), update()), 8e3);
      }
      break;
    case 'read':
      if (mine(f) && f.author && f.author.type !== 'visitor') S.conv.agent_read_seq = Math.max(S.conv.agent_read_seq || 0, f.seq);
      break;
    case 'status':
      if (mine(f)) S.conv.status = f.status;
      break;
    case 'conversation':
      if (f.conversation && (mine({ conversation_id: f.conversation.id }) || !S.conv || S.conv.status === 'resolved')) {
        if (S.conv || f.conversation.status !== 'resolved') adopt(f.conversation);
      }
      break;
    case 'suggestions':
      if (mine(f)) suggested(f);
      break;
    case 'invite':
      // An agent started this conversation: it opens in the visible tab.
      adopt(f.conversation);
      if (!document.hidden) ctx.bridge.post({ type: 'vis', open: true });
      break;
    case 'presence':
      S.online = !!f.agents_online;
      break;
    case 'settings':
      ctx.reconfig();
      break;
    case 'error':
      if (f.client_id && !f.retry && f.code !== 'rate_limited') patchOut(f.client_id, { bad: true });
      if (f.code === 'rate_limited') flashError('tooFast');
      if (f.code === 'unauthorized') ctx.sess.token(true).then(ctx.hub.restart, () => {});
      break;
  }
  update();
}

// local handles news from the other tabs of this browser.
export function local(m) {
  if (m.k === 'conv') adopt(m.c);
  else if (m.k === 'new' && S.conv && S.conv.status === 'resolved') newChat(true);
  else if (m.k === 'seen' && S.conv && S.conv.id === m.c) S.conv.visitor_read_seq = Math.max(S.conv.visitor_read_seq || 0, m.seq);
  else if (m.k === 'sess') reset();
  update();
}

// reset forgets the conversation, after the visitor changed.
export function reset() {
  newChat(true);
  ctx.store.set('outbox', null);
}

// reconnect tries the connection again at once, and resends what waits.
export function reconnect() {
  ctx.hub.restart();
  flush();
}

export function setNet(s) {
  S.net = s;
  update();
}

let errTimer = 0;
export function flashError(key) {
  S.error = key;
  clearTimeout(errTimer);
  errTimer = setTimeout(() => ((S.error = ''), update()), 6e3);
  update();
}

// ---- the visitor's actions

// sendText sends a message: text, or files uploaded already, or both.
export async function sendText(text, topic, files) {
  text = String(text || '').trim().slice(0, 4000);
  if (!text && !files) return;
  const it = { cid: newId(), c: '', text, files, at: Date.now() };
  saveOut(outbox().concat(it));
  due();
  stopTyping();
  try {
    it.c = (await ensureConv(topic)).id;
  } catch (e) {
    return; // stays pending; flush retries it
  }
  patchOut(it.cid, { c: it.c });
  transmit(it);
}

// suggested shows the FAQ answers that the server found for a message,
// under it, while no agent has replied; each answer shows once.
function suggested(f) {
  const shown = new Set(Object.values(S.cards).flat().map((x) => x.id));
  const fresh = (f.results || []).filter((x) => !shown.has(x.id));
  if (f.client_id && fresh.length && !S.msgs.some((m) => m.author.type === 'agent')) S.cards[f.client_id] = fresh;
}

let typingOn = false;
let typingAt = 0;
let typingIdle = 0;

// typed tells the agent the visitor is typing, at most every 4 s, and that
// they stopped after 5 s of quiet.
export function typed(busy) {
  if (!S.conv || S.conv.status === 'resolved') return;
  clearTimeout(typingIdle);
  if (!busy) return stopTyping();
  if (!typingOn || Date.now() - typingAt > 4e3) {
    typingOn = true;
    typingAt = Date.now();
    ctx.hub.send({ type: 'typing', conversation_id: S.conv.id, typing: true });
  }
  typingIdle = setTimeout(stopTyping, 5e3);
}

function stopTyping() {
  clearTimeout(typingIdle);
  if (typingOn && S.conv) ctx.hub.send({ type: 'typing', conversation_id: S.conv.id, typing: false });
  typingOn = false;
}

// ---- after each redraw: read receipts, and news for the loader

export const unread = () => {
  if (!S.conv) return 0;
  const r = S.conv.visitor_read_seq || 0;
  return S.msgs.filter((m) => m.seq > r && m.author.type !== 'visitor').length;
};

let told = { n: 0, on: null };

function after() {
  const c = S.conv;
  const last = S.msgs.length ? S.msgs[S.msgs.length - 1].seq : 0;
  if (c && S.visible && !document.hidden && unread() && last > (c.visitor_read_seq || 0)) {
    c.visitor_read_seq = last;
    ctx.hub.send({ type: 'read', conversation_id: c.id, seq: last });
    ctx.hub.local({ k: 'seen', c: c.id, seq: last });
  }
  const n = unread();
  if (n !== told.n) {
    // One tab rings: the visible one, or the leader when all are hidden.
    const ring = n > told.n && S.loaded && (!document.hidden || ctx.hub.leader());
    ctx.bridge.post({ type: 'unread', n, beep: ring });
    told.n = n;
  }
  const on = !!c && c.status !== 'resolved';
  if (S.known && on !== told.on) {
    ctx.bridge.post({ type: 'active', on });
    told.on = on;
  }
}

function tick() {
  const list = outbox();
  if (!list.length) return;
  if (ctx.hub.leader() && S.net === 'online') flush(1e4);
  update();
}
