// Drafts: what an agent typed in the reply box stays with its
// conversation, in this browser, when they open another one or reload,
// until it is sent. They are kept per agent, and forgotten at log out and
// after a month.
import { state } from './state.js';

const PREFIX = 'kefu-draft.';
const MAX_AGE = 30 * 864e5;

const key = (id) => PREFIX + state.me.id + '.' + id;

// each calls f with the key and value of every draft in storage.
function each(f) {
  for (const k of Object.keys(localStorage)) if (k.startsWith(PREFIX)) f(k, localStorage.getItem(k));
}

// createDrafts keeps box's text per conversation. show(id) keeps the draft
// of the conversation shown before and puts id's in the box ('' empties it).
export function createDrafts(box) {
  let id = '';
  const save = () => {
    if (!id || !state.me) return;
    try {
      if (box.value.trim()) localStorage.setItem(key(id), JSON.stringify({ at: Date.now(), text: box.value }));
      else localStorage.removeItem(key(id));
    } catch {
      // storage may be full or blocked: the draft lasts until the box changes
    }
  };
  box.addEventListener('input', save);
  addEventListener('pagehide', save);
  try {
    each((k, v) => {
      let at = 0;
      try {
        at = JSON.parse(v).at;
      } catch {
        // not one of ours: dropped below
      }
      if (!(Date.now() - at < MAX_AGE)) localStorage.removeItem(k);
    });
  } catch {
    // no storage, no drafts
  }

  return {
    show(next) {
      save();
      id = next;
      let text = '';
      try {
        if (next && state.me) text = JSON.parse(localStorage.getItem(key(next)) || '{}').text || '';
      } catch {
        // a draft that cannot be read is no draft
      }
      box.value = text;
    },
    // sent forgets the draft of the conversation shown.
    sent() {
      box.value = '';
      save();
    },
  };
}

// forgetDrafts drops every draft of the agent logged in, at log out: the
// next person at this browser has no business with them.
export function forgetDrafts() {
  if (!state.me) return;
  try {
    each((k) => k.startsWith(PREFIX + state.me.id + '.') && localStorage.removeItem(k));
  } catch {
    // nothing kept, nothing to forget
  }
}
