// The collision hint: which other agents have the open conversation open,
// or are typing in it, so that two of them do not answer one visitor at
// once. The inbox says what it has open with viewing frames
// (docs/protocol.md): when a conversation opens or closes, and every
// VIEW_EVERY while it stays open. What is not repeated is forgotten:
// another agent's viewing after VIEW_TTL, their typing after TYPING_TTL.
import { $ } from './dom.js';
import { t } from './i18n.js';
import { state } from './state.js';

const VIEW_EVERY = 30e3;
const VIEW_TTL = 60e3;
const TYPING_TTL = 8e3;
const TICK = 5e3;

export function createCollision({ sock }) {
  const el = $('collision');
  // conversation id → agent id → { name, viewing, typing }: until when.
  const seen = new Map();
  let told = null; // { site, id, at }: what this inbox last said it has open

  const say = (site, id, viewing) => sock.send({ type: 'viewing', site, conversation_id: id, viewing });

  // follow tells the other agents what this inbox has open: at once when
  // that changed, again when it is due, or now with force (after the
  // socket reconnected).
  function follow(force) {
    const id = state.me && !$('thread').hidden ? state.openId : '';
    if (told && (told.id !== id || told.site !== state.site)) {
      say(told.site, told.id, false);
      told = null;
    }
    if (id && (!told || force || Date.now() - told.at >= VIEW_EVERY) && say(state.site, id, true)) {
      told = { site: state.site, id, at: Date.now() };
    }
    render();
  }

  // frame takes another agent's viewing or typing frame.
  function frame(f) {
    const a = f.author;
    if (!a || a.type !== 'agent' || !a.id || !state.me || a.id === state.me.id) return;
    if (!seen.has(f.conversation_id)) seen.set(f.conversation_id, new Map());
    const them = seen.get(f.conversation_id);
    const e = them.get(a.id) || { name: '', viewing: 0, typing: 0 };
    const now = Date.now();
    e.name = a.name || e.name || t('who.agent');
    if (f.type === 'viewing') {
      e.viewing = f.viewing ? now + VIEW_TTL : 0;
      if (!f.viewing) e.typing = 0;
    } else {
      e.typing = f.typing ? now + TYPING_TTL : 0;
      if (f.typing) e.viewing = Math.max(e.viewing, now + TYPING_TTL);
    }
    them.set(a.id, e);
    render();
  }

  // render shows who else is there, and forgets who is gone.
  function render() {
    const now = Date.now();
    for (const [conv, them] of seen) {
      for (const [id, e] of them) if (e.viewing <= now && e.typing <= now) them.delete(id);
      if (!them.size) seen.delete(conv);
    }
    const them = [...(seen.get(state.openId) || new Map()).values()];
    const text = [
      ...them.filter((e) => e.typing > now).map((e) => t('collision.typing', { name: e.name })),
      ...them.filter((e) => e.typing <= now).map((e) => t('collision.viewing', { name: e.name })),
    ].join(' · ');
    if (el.textContent !== text) el.textContent = text;
    el.hidden = !text;
  }

  setInterval(() => follow(false), TICK);
  return { follow, frame };
}
