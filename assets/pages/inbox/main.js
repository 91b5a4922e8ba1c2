// The agents' inbox: login, the live socket, and its sections.
// See docs/inbox.md for what agents see, docs/api.md and docs/protocol.md
// for what it calls.
import { acceptInvite, accessToken, api, login, logout, onSessionEnd, refresh } from './api.js';
import { $, h, select, tablist } from './dom.js';
import { loadCanned } from './canned.js';
import { forgetDrafts } from './drafts.js';
import { loadFAQ } from './faq.js';
import { loadFeedback } from './feedback.js';
import { loadReports } from './reports.js';
import { lang, languages, setLang, t, translate } from './i18n.js';
import { createCollision } from './collision.js';
import { createList } from './list.js';
import { createLive } from './live.js';
import { shortcuts } from './keys.js';
import { setupPhone } from './phone.js';
import { createAlerts } from './notify.js';
import { createPresence } from './presence.js';
import { loadAccount } from './account.js';
import { loadAgents } from './agents.js';
import { loadSettings, newSite } from './settings.js';
import { socket } from './socket.js';
import { merge, q, state } from './state.js';
import { createThread } from './thread.js';

translate(document);

const sock = socket({
  token: (fresh) =>
    accessToken(fresh).catch((err) => {
      if (err.status === 401) ended();
      throw err;
    }),
  onFrame,
  auth: () => presence.auth(),
  onState(s) {
    const el = $('conn');
    el.dataset.state = s;
    el.textContent = t('conn.' + s);
    document.body.dataset.conn = s;
  },
});
const collision = createCollision({ sock });
const list = createList({ onOpen: (id) => thread.open(id) });
const thread = createThread({
  sock,
  onMessage,
  changed: () => {
    list.render();
    collision.follow();
  },
});
setupPhone({ back: () => thread.close() });
const presence = createPresence({ sock, onChange: () => state.openId && thread.update(state.openId) });
const alerts = createAlerts({ open: (id) => (show('conversations'), thread.open(id)) });

// ---- frames

function onFrame(f) {
  switch (f.type) {
    case 'ready':
    case 'resync':
      // Whatever happened while the socket was down, or the server lost,
      // is fetched again.
      list.load();
      thread.resync();
      collision.follow(f.type === 'ready');
      break;
    case 'conversation':
      if (f.conversation.site === state.site) {
        const fresh = !state.convs.has(f.conversation.id) && !f.conversation.last_seq;
        known(merge(f.conversation));
        if (fresh) alerts.conversation(state.convs.get(f.conversation.id));
      }
      break;
    case 'message':
      alertMessage(f.message);
      onMessage(f.message);
      break;
    case 'presence':
      presence.frame(f);
      break;
    case 'ack':
      onMessage(f.message);
      break;
    case 'status':
      withConversation(f.conversation_id, (c) => (c.status = f.status));
      break;
    case 'read':
      withConversation(f.conversation_id, (c) => {
        const k = f.author.type === 'visitor' ? 'visitor_read_seq' : 'agent_read_seq';
        c[k] = Math.max(c[k] || 0, f.seq);
      });
      break;
    case 'typing':
      thread.typing(f);
      collision.frame(f);
      break;
    case 'viewing':
      collision.frame(f);
      break;
    case 'error':
      if (f.client_id) thread.refused(f);
      else console.warn('kefu inbox:', f.code, f.message);
      break;
  }
}

// onMessage takes a stored message from the socket or a REST answer.
function onMessage(m) {
  withConversation(m.conversation_id, (c) => {
    if (!c.last_message || m.seq >= c.last_message.seq) {
      // An activity line is not what the list previews.
      if (!m.event) c.last_message = m;
      c.updated_at = m.created_at;
    }
    c.last_seq = Math.max(c.last_seq || 0, m.seq);
  });
  thread.received(m);
}

// alertMessage alerts of a visitor's live message that the inbox did
// not have, once its conversation is known.
function alertMessage(m) {
  if (m.author.type !== 'visitor' || m.private) return;
  const c = state.convs.get(m.conversation_id);
  if (c) {
    if (m.seq > (c.last_seq || 0)) alerts.message(c, m);
    return;
  }
  fetchConversation(m.conversation_id).then(() => {
    const c = state.convs.get(m.conversation_id);
    if (c) alerts.message(c, m);
  });
}

// known redraws what shows a conversation that changed; one that arrived
// without its visitor is fetched whole.
function known(c) {
  list.render();
  thread.update(c.id);
  if (!c.visitor) fetchConversation(c.id);
}

const missing = new Set(); // ids that are not of the chosen site
const fetching = new Map(); // id → the fetch under way

// withConversation applies a change to a known conversation, or fetches
// one that the list does not have yet (a new one, or one of another tab).
function withConversation(id, change) {
  const c = state.convs.get(id);
  if (!c) return fetchConversation(id);
  change(c);
  list.render();
  thread.update(id);
}

function fetchConversation(id) {
  if (missing.has(id)) return Promise.resolve();
  if (!fetching.has(id)) fetching.set(id, fetchOnce(id));
  return fetching.get(id);
}

async function fetchOnce(id) {
  const site = state.site;
  try {
    const data = await api('GET', q('/api/v1/conversations/' + encodeURIComponent(id)));
    if (site === state.site) {
      merge(data.conversation);
      list.render();
      thread.update(id);
    }
  } catch (err) {
    if (err.status === 404) missing.add(id);
  } finally {
    fetching.delete(id);
  }
}

// ---- sections

const views = document.querySelector('.views');
tablist(views, (t) => show(t.dataset.view));

// Pages for admins and owners only; the server refuses the rest to agents.
const ADMIN_VIEWS = ['feedback', 'agents', 'settings'];
const LOADERS = { feedback: loadFeedback, faq: loadFAQ, canned: loadCanned, reports: loadReports, agents: loadAgents, settings: showSettings, account: loadAccount };
// Live visitors; an invite opens the conversation it started.
LOADERS.live = createLive((c) => {
  merge(c);
  show('conversations');
  list.render();
  thread.open(c.id);
});

function show(view) {
  select(views, views.querySelector(`[data-view="${view}"]`));
  for (const v of ['conversations', ...Object.keys(LOADERS)]) $('view-' + v).hidden = v !== view;
  if (view !== 'conversations') history.replaceState(null, '', '#' + view);
  else if (!state.openId) history.replaceState(null, '', location.pathname);
  if (ADMIN_VIEWS.includes(view) && state.me.role === 'agent') {
    $(view).replaceChildren(h('p.err', { id: 'denied' }, t('denied')));
    return;
  }
  if (LOADERS[view]) LOADERS[view]();
}

function showSettings() {
  loadSettings();
  // Owners create sites; the new one is chosen at once.
  if (state.me.role === 'owner') $('new-site').replaceChildren(newSite((key) => sites(key)));
  else $('new-site').replaceChildren();
}

// Alt+Up and Alt+Down open the previous and next conversation.
addEventListener('keydown', (e) => {
  if (!e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') || $('view-conversations').hidden || $('app').hidden) return;
  e.preventDefault();
  list.step(e.key === 'ArrowUp' ? -1 : 1);
});

shortcuts({ step: (d) => list.step(d) });

$('site').addEventListener('change', (e) => choose(e.target.value));

// sites reads the agent's sites again, after one was created, and
// chooses key.
async function sites(key) {
  const { agent } = await api('GET', '/api/v1/me');
  state.me = agent;
  fillSites();
  choose(key);
}

function fillSites() {
  const pick = $('site');
  pick.replaceChildren(...state.me.sites.map((s) => h('option', { value: s, selected: s === state.site }, s)));
  pick.closest('label').hidden = state.me.sites.length < 2;
}

// loadTopics reads the chosen site's topics, to show their labels, how
// many files a message carries, and its agents, to assign conversations
// to.
async function loadTopics() {
  const site = state.site;
  try {
    const [res, team] = await Promise.all([
      api('GET', '/api/v1/sites/' + encodeURIComponent(site)),
      api('GET', '/api/v1/agents?site=' + encodeURIComponent(site)),
    ]);
    if (site !== state.site) return;
    state.topics = new Map((res.site.widget.topics || []).map((tp) => [tp.id, tp.labels]));
    state.filesPerMessage = res.site.files.per_message;
    state.agents = new Map(team.agents.map((a) => [a.id, a]));
    list.render();
    if (state.openId) thread.update(state.openId);
  } catch {
    // The ids stay shown, and only "assign to me" works.
  }
}

function choose(site) {
  state.site = site;
  loadTopics();
  $('site').value = site;
  state.convs.clear();
  missing.clear();
  thread.close();
  list.load();
  show(views.querySelector('[aria-selected=true]').dataset.view);
}

// ---- session

function screen(name) {
  document.body.dataset.view = name;
  $('loading').hidden = name !== 'loading';
  $('login').hidden = name !== 'login';
  $('invite').hidden = name !== 'invite';
  $('app').hidden = name !== 'app';
}

async function start() {
  const me = await api('GET', '/api/v1/me');
  const agent = me.agent;
  state.me = agent;
  state.twoFactor = me.two_factor;
  state.mustEnrol = me.two_factor_required;
  state.mail = !!me.mail;
  state.site = agent.sites[0] || '';
  fillSites();
  $('me').textContent = agent.name || agent.email;
  $('me').title = agent.email;
  for (const v of ADMIN_VIEWS) document.querySelector(`.views [data-view=${v}]`).hidden = agent.role === 'agent';
  screen('app');
  if (state.mustEnrol) {
    // A site of theirs requires two-factor login: enrolment first, and
    // nothing else (the server refuses the rest).
    for (const b of views.querySelectorAll('[role=tab]')) b.hidden = b.dataset.view !== 'account';
    show('account');
    $('account').prepend(h('p.err', { id: 'must-enrol' }, t('account.2fa.required')));
    return;
  }
  const page = location.hash.slice(1);
  const m = /^c\/([A-Za-z0-9_-]{1,64})$/.exec(page);
  show(Object.hasOwn(LOADERS, page) ? page : 'conversations');
  loadTopics();
  list.load();
  sock.start();
  if (m) thread.open(m[1]);
  else $('nothing').hidden = false;
}

function reset() {
  sock.stop();
  thread.close();
  state.me = null;
  state.convs.clear();
  missing.clear();
}

function ended() {
  if (!state.me) return;
  reset();
  showLogin(t('login.ended'));
}
onSessionEnd(ended);

function showLogin(message) {
  const form = $('login-form');
  form.reset();
  $('totp-field').hidden = true;
  $('login-error').textContent = message || '';
  screen('login');
  form.elements.email.focus();
}

$('login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = e.currentTarget;
  const el = form.elements;
  const errEl = $('login-error');
  const button = form.querySelector('button[type=submit]');
  if (!el.email.value.trim() || !el.password.value) {
    errEl.textContent = t('login.missing');
    return;
  }
  button.disabled = true;
  errEl.textContent = '';
  try {
    await login(el.email.value.trim(), el.password.value, el.totp.value.trim());
    await start();
  } catch (err) {
    if (err.message === 'two-factor code required') {
      $('totp-field').hidden = false;
      el.totp.focus();
      errEl.textContent = t('login.codeneeded');
    } else errEl.textContent = err.message || t('login.failed');
  } finally {
    button.disabled = false;
  }
});

$('logout').addEventListener('click', async () => {
  thread.close(); // it keeps the draft shown, which forgetDrafts drops with the rest
  forgetDrafts();
  reset();
  await logout();
  showLogin(t('login.loggedout'));
});

// An invite link, /inbox#invite/TOKEN, sets the new agent's password,
// then leads to the login.
const invite = /^#invite\/([0-9a-f]{16,128})$/.exec(location.hash);

$('invite-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const password = e.currentTarget.elements.password.value;
  const errEl = $('invite-error');
  if (password.length < 8) {
    errEl.textContent = t('invite.short');
    return;
  }
  try {
    const { email } = await acceptInvite(invite[1], password);
    history.replaceState(null, '', location.pathname);
    showLogin(t('invite.done'));
    $('login-form').elements.email.value = email;
    $('login-form').elements.password.focus();
  } catch (err) {
    errEl.textContent = err.status === 404 ? t('invite.expired') : err.message;
  }
});

if (invite) {
  screen('invite');
  $('invite-form').elements.password.focus();
} else {
  // A reload keeps the agent logged in: the refresh cookie gives a new token.
  refresh().then(
    () => start().catch((err) => showLogin(t('login.error.open', { error: err.message }))),
    () => showLogin(),
  );
}

// The language menu: the choice is kept in this browser.
$('lang').replaceChildren(...Object.entries(languages).map(([v, name]) => h('option', { value: v, selected: v === lang }, name)));
$('lang').addEventListener('change', (e) => setLang(e.target.value));
