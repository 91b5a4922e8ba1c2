// Alerts for a new conversation and a visitor's new message (docs/inbox.md,
// Notifications): a short tone made with WebAudio, which the agent can
// turn off, and a desktop notification while the inbox's tab is hidden.
// Permission for those is asked only when the agent clicks for it. The
// title's count of unread conversations is the list's (list.js).
import { $, h } from './dom.js';
import { t } from './i18n.js';
import { displayName, state, topicLabel } from './state.js';

const SOUND = 'kefu-inbox-sound';
const ASKED = 'kefu-inbox-notify-dismissed';

function load(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function save(key, v) {
  try {
    localStorage.setItem(key, v);
  } catch {
    // the choice lasts in this tab only
  }
}

const canNotify = () => 'Notification' in window;

// createAlerts adds the sound switch and the permission banner. open
// shows a conversation, for a click on a notification.
export function createAlerts({ open }) {
  let sound = load(SOUND) !== 'off';
  let audio = null;
  let toned = 0;
  const alerted = new Set(); // conversation ids and "id:seq" already alerted

  const toggle = h('button', {
    type: 'button',
    id: 'sound',
    'aria-pressed': String(sound),
    onclick() {
      sound = !sound;
      save(SOUND, sound ? 'on' : 'off');
      toggle.setAttribute('aria-pressed', String(sound));
      toggle.title = t(sound ? 'notify.sound.on' : 'notify.sound.off');
      if (sound) tone(true);
    },
  }, t('notify.sound'));
  toggle.title = t(sound ? 'notify.sound.on' : 'notify.sound.off');
  $('me').before(toggle);

  // The banner asks, politely and once, for desktop notifications.
  const banner = h(
    'div.notify-ask',
    { id: 'notify-ask', role: 'region', 'aria-label': t('notify.ask.label') },
    h('span', null, t('notify.ask')),
    h('button.pri', { type: 'button', id: 'notify-enable', onclick: () => Notification.requestPermission().then(drawBanner, drawBanner) }, t('notify.enable')),
    h('button', { type: 'button', id: 'notify-dismiss', onclick: () => (save(ASKED, '1'), drawBanner()) }, t('notify.dismiss')),
  );
  document.querySelector('#view-conversations .list').prepend(banner);
  function drawBanner() {
    banner.hidden = !canNotify() || Notification.permission !== 'default' || load(ASKED) === '1';
  }
  drawBanner();

  // A browser plays sound only after the page had an input: the audio
  // starts with the first one.
  const unlock = () => {
    try {
      audio = audio || new AudioContext();
      if (audio.state === 'suspended') audio.resume();
    } catch {
      // no WebAudio: no tone
    }
  };
  addEventListener('pointerdown', unlock, { capture: true, once: true });
  addEventListener('keydown', unlock, { capture: true, once: true });

  // tone plays two short notes, at most once in 1.5 s.
  function tone(force) {
    const now = Date.now();
    if (!audio || (!force && (!sound || now - toned < 1500))) return;
    toned = now;
    const t0 = audio.currentTime;
    const gain = audio.createGain();
    gain.connect(audio.destination);
    gain.gain.setValueAtTime(0.0001, t0);
    gain.gain.exponentialRampToValueAtTime(0.25, t0 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + 0.4);
    [880, 1320].forEach((hz, i) => {
      const o = audio.createOscillator();
      o.frequency.value = hz;
      o.connect(gain);
      o.start(t0 + i * 0.12);
      o.stop(t0 + i * 0.12 + 0.25);
    });
  }

  // desktop shows a notification while the tab is hidden; a click on it
  // brings the tab forward with the conversation open.
  function desktop(c, title, body) {
    if (!document.hidden || !canNotify() || Notification.permission !== 'granted') return;
    try {
      const n = new Notification(title, { body, tag: 'kefu-' + c.id, lang: document.documentElement.lang });
      n.onclick = () => {
        window.focus();
        open(c.id);
        n.close();
      };
    } catch {
      // a browser that allows notifications only from a service worker
    }
  }

  // Only what the agent would want to answer: not conversations that
  // another agent took.
  const forMe = (c) => c.site === state.site && c.status !== 'resolved' && (!c.assignee_id || c.assignee_id === state.me.id);

  function raise(key, c, title, body) {
    if (alerted.has(key) || !forMe(c)) return;
    alerted.add(key);
    if (alerted.size > 1000) alerted.clear();
    // The agent sees what arrives in the open conversation.
    if (document.hidden || c.id !== state.openId) tone();
    desktop(c, title, body);
  }

  return {
    // conversation alerts of a conversation that the inbox sees for the
    // first time.
    conversation(c) {
      if (c.kind === 'offline') return; // its message alerts
      const topic = c.topic ? topicLabel(c.topic) : '';
      raise(c.id, c, t('notify.new'), displayName(c) + (topic ? ' · ' + topic : ''));
    },
    // message alerts of a visitor's new message in c.
    message(c, m) {
      raise(c.id + ':' + m.seq, c, displayName(c), m.text || t('list.file'));
      alerted.add(c.id); // its conversation needs no alert of its own
    },
  };
}
