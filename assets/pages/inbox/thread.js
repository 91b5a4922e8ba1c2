// The open conversation: its messages, the visitor's details, the reply
// box and the status and assign buttons.
//
// Replies go over the websocket with a client_id and show as pending until
// the server's ack. Without a socket, or without an ack in time, they go
// by REST with the same client_id, which the server stores only once.
import { activityLine } from './activity.js';
import { api } from './api.js';
import { $, h, safeURL, timeEl } from './dom.js';
import { dropTarget, fileList, sideList, upload } from './files.js';
import { createDrafts } from './drafts.js';
import { createFAQHint } from './faqhint.js';
import { t } from './i18n.js';
import { offlineReply } from './mailto.js';
import { scrollBack } from './scrollback.js';
import { createSlash } from './slash.js';
import { presenceOf } from './presence.js';
import { displayName, merge, q, state, topicLabel } from './state.js';
import { browserWords, visitorMore } from './visitor.js';

const ACK_WAIT = 8e3;
const TYPING_EVERY = 4e3; // resend typing:true at most this often
const TYPING_IDLE = 5e3; // typing:false after this long without a key
const THEIR_TYPING = 8e3; // forget a visitor's typing after this long
const PAGE = 50; // messages shown on opening, and fetched per scroll back

export function createThread({ sock, onMessage, changed }) {
  const section = $('thread');
  const log = $('log');
  const reply = $('reply');
  const faqHint = createFAQHint(reply);
  const drafts = createDrafts(reply);
  let asked = 0; // the seq of the visitor's last question shown to faqHint
  const priv = $('private');
  const problem = $('composer-error');
  const typingNote = $('typing');
  let msgs = new Map(); // seq → message of the open conversation
  const pending = new Map(); // client_id → reply not yet stored
  let gen = 0; // bumped by open: answers about an older one are dropped
  let from = 1; // the first seq of the open conversation that was loaded
  let filling = false; // catchUp is running
  let rerun = null; // null, or whether a catchUp asked for meanwhile wants newer messages too
  let typingOn = false;
  let typingAt = 0;
  let typingIdle = 0;
  let theirTyping = 0;

  const conv = () => state.convs.get(state.openId);
  const slash = createSlash({ box: reply, menu: $('canned-menu'), lang: () => (conv() || {}).lang });
  const frame = (f) => sock.send({ site: state.site, conversation_id: state.openId, ...f });
  const back = scrollBack(log, earlier);

  // ---- opening

  async function open(id) {
    if (id === state.openId && !section.hidden) {
      reply.focus();
      return;
    }
    stopTyping();
    slash.close();
    const g = ++gen;
    state.openId = id;
    msgs = new Map();
    from = 1;
    filling = false; // a catchUp of the conversation before ends on its own
    rerun = null;
    back.reset();
    drafts.show(id);
    log.replaceChildren();
    $('convfiles').replaceChildren();
    faqHint.clear();
    asked = 0;
    showTheirTyping(false);
    problem.textContent = '';
    history.replaceState(null, '', '#c/' + id);
    section.hidden = false;
    $('nothing').hidden = true;
    changed();
    let c = conv();
    if (c) show();
    if (!c || !c.visitor) {
      try {
        const data = await api('GET', q('/api/v1/conversations/' + encodeURIComponent(id)));
        if (g !== gen) return;
        c = merge(data.conversation);
      } catch (err) {
        if (g !== gen) return;
        if (err.status === 404 || err.status === 400) close();
        else problem.textContent = t('thread.error.load', { error: err.message });
        return;
      }
      changed();
      show();
    }
    from = Math.max(0, (c.last_seq || 0) - PAGE) + 1;
    await fetchMessages(g, from - 1);
    if (g !== gen) return;
    for (const p of pending.values()) if (p.conversation_id === id) log.append(pendingEl(p));
    log.scrollTop = log.scrollHeight;
    back.check(); // a page that does not fill the log
  }

  // earlier fetches the page before the first message loaded, for
  // scrollBack: the bubbles to draw, [] at the first message, or null.
  async function earlier() {
    const g = gen;
    if (!state.openId || from <= 1) return [];
    let data;
    try {
      data = await api('GET', q(`/api/v1/conversations/${encodeURIComponent(state.openId)}/messages?limit=${PAGE}&before_seq=${from}`));
    } catch (err) {
      if (g === gen) problem.textContent = t('thread.error.messages', { error: err.message });
      return null;
    }
    if (g !== gen) return null;
    from = data.messages.length ? data.messages[0].seq : 1;
    const page = data.messages.filter((m) => !msgs.has(m.seq));
    for (const m of page) msgs.set(m.seq, m);
    if (page.some((m) => m.attachments && m.attachments.length)) drawFiles();
    return page.map((m) => bubble(m));
  }

  function close() {
    stopTyping();
    slash.close();
    drafts.show('');
    gen++;
    state.openId = '';
    section.hidden = true;
    $('nothing').hidden = false;
    history.replaceState(null, '', location.pathname);
    changed();
  }

  // fetchMessages loads a page of messages after a seq and returns how
  // many came, or -1 when the request failed.
  async function fetchMessages(g, after) {
    let data;
    try {
      data = await api('GET', q(`/api/v1/conversations/${encodeURIComponent(state.openId)}/messages?limit=200&after_seq=${after}`));
    } catch (err) {
      if (g === gen) problem.textContent = t('thread.error.messages', { error: err.message });
      return -1;
    }
    if (g !== gen) return -1;
    for (const m of data.messages) received(m);
    markRead();
    return data.messages.length;
  }

  // top is the last seq up to which the open thread misses nothing.
  function top() {
    let s = from - 1;
    while (msgs.has(s + 1)) s++;
    return s;
  }

  // catchUp fetches what the open thread misses after a gap, page by page,
  // and with newer set, whatever is newer than what it holds. A gap that
  // opens while it runs makes it run again.
  async function catchUp(g, newer) {
    if (filling) {
      rerun = !!rerun || !!newer;
      return;
    }
    filling = true;
    try {
      for (;;) {
        const last = top();
        if (!newer && !(msgs.size && Math.max(...msgs.keys()) > last)) break;
        const n = await fetchMessages(g, last);
        // No progress means the rest is not there (or not reachable now).
        if (n < 0 || g !== gen || top() === last) break;
        newer = n === 200;
      }
    } finally {
      filling = false;
    }
    if (rerun !== null && g === gen) {
      const again = rerun;
      rerun = null;
      catchUp(g, again);
    }
  }

  // resync catches up after the socket reconnected: the messages missed,
  // the conversation's state, and the replies still waiting for an ack.
  async function resync() {
    const g = gen;
    const id = state.openId;
    if (!id) return;
    try {
      merge((await api('GET', q('/api/v1/conversations/' + encodeURIComponent(id)))).conversation);
    } catch {
      return;
    }
    if (g !== gen) return;
    show();
    changed();
    await catchUp(g, true);
    for (const p of pending.values()) if (p.state === 'sending') deliver(p);
  }

  // ---- messages

  // received shows a stored message if it belongs to the open
  // conversation, in seq order, and settles the reply it confirms.
  function received(m) {
    const p = m.client_id && pending.get(m.client_id);
    if (p && p.conversation_id === m.conversation_id) {
      clearTimeout(p.timer);
      pending.delete(m.client_id);
      if (p.el) p.el.remove();
    }
    if (m.conversation_id !== state.openId || msgs.has(m.seq)) return;
    msgs.set(m.seq, m);
    // A message past a gap means some were missed: fetch them.
    if (m.seq > top()) catchUp(gen, false);
    let before = null;
    for (const e of log.children) {
      if (!e.dataset.seq || +e.dataset.seq > m.seq) {
        before = e;
        break;
      }
    }
    const atEnd = log.scrollHeight - log.scrollTop - log.clientHeight < 60;
    log.insertBefore(m.event ? activityLine(m) : bubble(m), before);
    if (atEnd || p) log.scrollTop = log.scrollHeight;
    if (m.author.type === 'visitor') showTheirTyping(false);
    // The FAQ's answers to the visitor's latest question.
    if (m.author.type === 'visitor' && m.text && m.seq > asked) {
      asked = m.seq;
      faqHint.lookFor(m.text, (conv() || {}).lang);
    }
    if (m.attachments && m.attachments.length) drawFiles();
    markRead();
  }

  // drawFiles lists the open conversation's files in the visitor panel.
  function drawFiles() {
    const sorted = [...msgs.values()].sort((a, b) => a.seq - b.seq);
    const c = conv();
    const who = (m) => (m.author.type !== 'visitor' ? m.author.name || t('who.agent') : c ? displayName(c) : t('who.visitor'));
    const rows = sideList(sorted, who, timeEl);
    $('convfiles').replaceChildren(h('h4', null, t('info.files', { n: rows.length })), h('ul.sidefiles', null, rows));
  }

  function bubble(m, p) {
    const kind = m.author.type;
    const c = conv();
    const name = kind === 'visitor' ? (c ? displayName(c) : t('who.visitor')) : kind === 'agent' ? m.author.name || t('who.agent') : 'kefu';
    const cls = 'li.m.' + ({ visitor: 'v', agent: 'a' }[kind] || 's') + (m.private ? '.note' : '');
    let stamp;
    if (!p) stamp = timeEl(m.created_at);
    else if (p.state === 'failed')
      stamp = h('button.retry', { type: 'button', title: p.error || '', onclick: () => deliver(p) }, t('msg.retry'));
    else stamp = h('span.sending', null, t('msg.sending'));
    return h(
      cls,
      { 'data-seq': p ? null : String(m.seq), 'data-state': p ? p.state : 'sent' },
      h('div.meta', null, h('span.who', null, name), m.private && h('span.tag', null, t('composer.private')), stamp),
      m.text && h('div.bb', null, m.text),
      fileList(m.attachments),
    );
  }

  const pendingEl = (p) =>
    (p.el = bubble({ author: { type: 'agent', name: state.me.name }, text: p.text, private: p.private, attachments: p.files }, p));

  function setState(p, st) {
    p.state = st;
    if (p.el && p.el.isConnected) p.el.replaceWith(pendingEl(p));
  }

  function submit() {
    const text = reply.value.trim();
    if (!text || !state.openId) return;
    if ([...text].length > 4000) {
      problem.textContent = t('msg.toolong');
      return;
    }
    queue(text, null);
  }

  // queue shows a reply as pending and delivers it: text, files (their
  // attachments), or both.
  function queue(text, files) {
    const rnd = crypto.getRandomValues(new Uint32Array(2));
    const p = { conversation_id: state.openId, client_id: 'in-' + rnd[0].toString(36) + rnd[1].toString(36), text, files, private: priv.checked, state: 'sending' };
    pending.set(p.client_id, p);
    drafts.sent();
    problem.textContent = '';
    // The reply itself ends the visitor's typing indicator: no frame.
    clearTimeout(typingIdle);
    typingOn = false;
    log.append(pendingEl(p));
    log.scrollTop = log.scrollHeight;
    deliver(p);
  }

  function deliver(p) {
    setState(p, 'sending');
    clearTimeout(p.timer);
    const ok = sock.send({
      type: 'send', site: state.site, conversation_id: p.conversation_id, client_id: p.client_id, text: p.text, private: p.private,
      attachments: p.files && p.files.map((f) => f.id),
    });
    if (ok) p.timer = setTimeout(() => viaREST(p), ACK_WAIT);
    else viaREST(p);
  }

  async function viaREST(p) {
    clearTimeout(p.timer);
    if (!pending.has(p.client_id)) return;
    try {
      const data = await api('POST', q(`/api/v1/conversations/${encodeURIComponent(p.conversation_id)}/messages`), {
        text: p.text,
        client_id: p.client_id,
        private: p.private,
        attachments: p.files && p.files.map((f) => f.id),
      });
      onMessage(data.message);
    } catch (err) {
      if (!pending.has(p.client_id)) return;
      p.error = err.message;
      setState(p, 'failed');
    }
  }

  // refused handles an error frame about a send.
  function refused(f) {
    const p = pending.get(f.client_id);
    if (!p) return;
    clearTimeout(p.timer);
    if (f.retry) p.timer = setTimeout(() => viaREST(p), 1500);
    else {
      p.error = f.message;
      setState(p, 'failed');
    }
  }

  // ---- typing and read

  reply.addEventListener('input', () => {
    if (priv.checked || !state.openId) return;
    const now = Date.now();
    if (reply.value.trim() && (!typingOn || now - typingAt > TYPING_EVERY) && frame({ type: 'typing', typing: true })) {
      typingOn = true;
      typingAt = now;
    }
    clearTimeout(typingIdle);
    typingIdle = setTimeout(stopTyping, TYPING_IDLE);
  });

  function stopTyping() {
    clearTimeout(typingIdle);
    if (typingOn && state.openId) frame({ type: 'typing', typing: false });
    typingOn = false;
  }

  function typing(f) {
    if (f.conversation_id === state.openId && f.author && f.author.type === 'visitor') showTheirTyping(f.typing);
  }

  function showTheirTyping(on) {
    clearTimeout(theirTyping);
    const c = conv();
    typingNote.textContent = on && c ? t('thread.typing', { name: displayName(c) }) : '';
    if (on) theirTyping = setTimeout(() => showTheirTyping(false), THEIR_TYPING);
  }

  // markRead tells the server that the agents have read the open
  // conversation, while the page is visible. Agents' own messages and
  // activity lines need no read mark, which saves frames under the rate
  // limit.
  function markRead() {
    const c = conv();
    if (!c || document.visibilityState !== 'visible') return;
    let seq = 0;
    for (const m of msgs.values()) if (m.author.type === 'visitor' && m.seq > seq) seq = m.seq;
    if (seq > (c.agent_read_seq || 0) && frame({ type: 'read', seq })) {
      c.agent_read_seq = seq;
      changed();
    }
  }
  document.addEventListener('visibilitychange', markRead);

  // ---- header, details and actions

  function show() {
    const c = conv();
    if (!c) return;
    $('th-name').textContent = displayName(c);
    const st = $('th-status');
    st.textContent = t('status.' + c.status);
    st.dataset.status = c.status;
    const mine = !!c.assignee_id && c.assignee_id === state.me.id;
    const other = c.assignee_id && state.agents.get(c.assignee_id);
    $('th-assignee').textContent = !c.assignee_id
      ? t('thread.unassigned')
      : mine
        ? t('thread.mine')
        : other
          ? t('thread.assigned', { name: other.name || other.email })
          : t('thread.theirs');
    $('assign').hidden = mine;
    // Any agent of the site, or nobody.
    const pick = $('assignee');
    pick.replaceChildren(
      h('option', { value: '' }, t('thread.unassigned')),
      ...[...state.agents.values()].filter((a) => !a.disabled).map((a) => h('option', { value: a.id }, (a.name || a.email) + ' · ' + t('presence.' + presenceOf(a.id)))),
    );
    pick.value = c.assignee_id || '';
    $('pending').hidden = c.status !== 'open';
    $('resolve').hidden = c.status === 'resolved';
    $('reopen').hidden = c.status === 'open';
    details(c);
    offlineReply(c);
  }

  function details(c) {
    const v = c.visitor || {};
    const email = v.email || c.email;
    const link = (u) => (safeURL(u) ? h('a', { href: safeURL(u), target: '_blank', rel: 'noopener noreferrer' }, u) : u || '—');
    // Only what the site signed is marked verified: a hash proves the user
    // id, and the name and email beside it are the page's word.
    const said = (val, signed) =>
      !val ? '—' : signed ? [val, h('span.ok', null, ' ' + t('info.signed'))] : [val, h('small.unverified', null, ' ' + t('info.unsigned'))];
    const rows = [
      [t('info.name'), said(v.name, v.profile_verified)],
      // An email typed in the offline form is the visitor's word, whatever
      // the site signed.
      [t('info.email'), email ? said(h('a', { href: 'mailto:' + email }, email), v.profile_verified && email === v.email) : '—'],
      [t('info.identity'), v.verified ? h('span.ok', null, t('info.verified', { id: v.user_id })) : t('info.notverified')],
      c.kind === 'offline' && [t('info.kind'), t('info.offline')],
      c.topic && [t('info.topic'), topicLabel(c.topic)],
      [t('info.lang'), c.lang || '—'],
      [t('info.page'), link(c.page_url)],
      c.referrer && [t('info.referrer'), link(c.referrer)],
      [t('info.browser'), browserWords(c)],
      [t('info.started'), timeEl(c.created_at)],
      c.rating && [t('info.rating'), '★'.repeat(c.rating) + '☆'.repeat(5 - c.rating) + (c.rating_comment ? ' ' + c.rating_comment : '')],
      [t('info.visitorid'), h('code', null, c.visitor_id)],
    ].filter(Boolean);
    const dl = (pairs) => h('dl', null, pairs.map(([k, val]) => [h('dt', null, k), h('dd', null, val)]));
    const attrs = Object.entries(v.attributes || {}).sort(([a], [b]) => a.localeCompare(b));
    const extra = attrs.length ? [h('h4', null, t('info.attributes')), dl(attrs)] : [];
    $('info').replaceChildren(dl(rows), ...extra, visitorMore(c, open));
  }

  async function act(btn, path, body) {
    const id = state.openId;
    btn.disabled = true;
    problem.textContent = '';
    try {
      const data = await api('POST', q(`/api/v1/conversations/${encodeURIComponent(id)}/${path}`), body);
      merge(data.conversation);
      changed();
      if (id === state.openId) show();
    } catch (err) {
      if (id === state.openId) problem.textContent = t('thread.error.update', { error: err.message });
    } finally {
      btn.disabled = false;
    }
  }

  $('resolve').addEventListener('click', (e) => act(e.currentTarget, 'status', { status: 'resolved' }));
  $('reopen').addEventListener('click', (e) => act(e.currentTarget, 'status', { status: 'open' }));
  $('assign').addEventListener('click', (e) => act(e.currentTarget, 'assign', { agent_id: state.me.id }));
  $('assignee').addEventListener('change', (e) => act(e.currentTarget, 'assign', { agent_id: e.currentTarget.value }));
  $('pending').addEventListener('click', (e) => act(e.currentTarget, 'status', { status: 'pending' }));

  // ---- the reply box

  $('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    submit();
  });

  // Files: the attach button, a paste or a drop. Each is uploaded, then
  // one message carries them, with what the box holds as its text.
  async function sendFiles(files) {
    if (!state.openId || !files.length) return;
    const id = state.openId;
    problem.textContent = t('composer.uploading');
    const views = [];
    try {
      for (const f of files.slice(0, state.filesPerMessage)) views.push(await upload(f));
    } catch (err) {
      if (id === state.openId) problem.textContent = t('composer.upload.error', { error: err.message });
      return;
    }
    if (id !== state.openId) return;
    const text = reply.value.trim();
    queue([...text].length <= 4000 ? text : '', views);
  }
  const attach = $('attach');
  attach.addEventListener('change', () => {
    sendFiles([...attach.files]);
    attach.value = '';
  });
  dropTarget($('composer'), sendFiles);
  reply.addEventListener('keydown', (e) => {
    if (slash.key(e)) return; // the canned replies' menu took it
    // Enter sends, Shift+Enter adds a line; Enter that confirms an IME
    // composition (pinyin, for one) does neither.
    if (e.key !== 'Enter' || e.shiftKey || e.isComposing || e.keyCode === 229) return;
    e.preventDefault();
    submit();
  });
  // Enter's character may come apart from its keydown (DevTools input
  // does that); it must not leave a newline in the emptied box.
  reply.addEventListener('keypress', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) e.preventDefault();
  });
  priv.addEventListener('change', () => {
    section.classList.toggle('noting', priv.checked);
    reply.placeholder = t(priv.checked ? 'composer.placeholder.private' : 'composer.placeholder');
    if (priv.checked) stopTyping();
  });

  return {
    open,
    close,
    resync,
    received,
    refused,
    typing,
    // update redraws the header and details if id is the open conversation.
    update(id) {
      if (id === state.openId) show();
    },
  };
}
