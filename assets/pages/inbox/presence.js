// The agent's presence: online, away or offline (docs/inbox.md,
// Presence). The agent picks it in the top bar; this browser remembers the
// choice, and its other inbox tabs follow. An online agent who gives no
// input to the inbox for IDLE_MINUTES shows as away, and is online again
// at the next input. The server hears of it in the socket's auth frame
// and in presence frames, and tells back the presence of every agent of
// each of the agent's sites (docs/protocol.md).
import { $, h } from './dom.js';
import { t } from './i18n.js';
import { state } from './state.js';

const KEY = 'kefu-inbox-presence';
const STATES = ['online', 'away', 'offline'];
export const IDLE_MINUTES = 10;

function saved() {
  try {
    const v = localStorage.getItem(KEY);
    if (STATES.includes(v)) return v;
  } catch {
    // storage may be blocked: online, as without a choice
  }
  return 'online';
}

// bySite holds what the server last said: site → {agent id: presence}.
const bySite = new Map();

// presenceOf is an agent's presence on the chosen site; an agent with no
// inbox open is offline.
export function presenceOf(id) {
  const m = bySite.get(state.site);
  return (m && m[id]) || 'offline';
}

// presenceBadge shows an agent's presence, and follows it.
export function presenceBadge(id) {
  const p = presenceOf(id);
  return h('span.pres', { 'data-presence-of': id, 'data-presence': p }, t('presence.' + p));
}

// createPresence adds the menu to the top bar. sock is the inbox's
// socket; onChange runs when an agent's presence changed.
export function createPresence({ sock, onChange }) {
  let chosen = saved();
  let idle = false;
  let lastInput = Date.now();
  let told = ''; // what the server last heard
  let retry = 0;

  const pick = h(
    'select',
    { id: 'presence', 'aria-label': t('presence.label'), onchange: (e) => choose(e.target.value) },
    STATES.map((s) => h('option', { value: s }, t('presence.' + s))),
  );
  const box = h('span.presence', null, pick);
  $('conn').after(box);

  const current = () => (chosen === 'online' && idle ? 'away' : chosen);

  function draw() {
    pick.value = chosen;
    box.dataset.presence = current();
    box.title = current() !== chosen ? t('presence.idle', { n: IDLE_MINUTES }) : '';
  }

  // tell sends the presence when it changed; a frame refused for the
  // pace is sent again a second later, and one that finds the socket
  // down is not: the next auth frame carries the presence.
  function tell() {
    clearTimeout(retry);
    const now = current();
    if (now === told || !sock.online) return;
    if (sock.send({ type: 'presence', status: now })) told = now;
    else retry = setTimeout(tell, 1000);
  }

  function choose(v) {
    chosen = STATES.includes(v) ? v : 'online';
    try {
      localStorage.setItem(KEY, chosen);
    } catch {
      // the choice lasts in this tab only
    }
    input();
    draw();
    tell();
  }

  function input() {
    lastInput = Date.now();
    if (idle) {
      idle = false;
      draw();
      tell();
    }
  }
  for (const type of ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart', 'focus']) {
    addEventListener(type, input, { capture: true, passive: true });
  }
  setInterval(() => {
    if (!idle && Date.now() - lastInput >= IDLE_MINUTES * 6e4) {
      idle = true;
      draw();
      tell();
    }
  }, 15e3);
  // Another tab of this browser changed the choice.
  addEventListener('storage', (e) => {
    if (e.key !== KEY) return;
    chosen = saved();
    draw();
    tell();
  });
  draw();

  return {
    // auth is what the socket's auth frame carries.
    auth() {
      told = current();
      return { status: told };
    },
    // frame takes a presence frame of the server.
    frame(f) {
      if (!f.site || !f.agents) return;
      bySite.set(f.site, f.agents);
      for (const el of document.querySelectorAll('[data-presence-of]')) {
        const p = presenceOf(el.dataset.presenceOf);
        el.dataset.presence = p;
        el.textContent = t('presence.' + p);
      }
      onChange();
    },
  };
}
