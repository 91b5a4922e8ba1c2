// What the inbox knows, shared by its parts. Conversations are those of
// the chosen site, by id, whatever their status; the list shows the ones
// of the chosen status tab.
export const state = {
  me: null, // the agent, from GET /api/v1/me
  site: '',
  status: 'open',
  assignee: '', // the list's filter: '' (all), 'me' or 'none'
  agents: new Map(), // id → agent, of the chosen site
  convs: new Map(),
  openId: '',
  topics: new Map(), // id → labels by language, of the chosen site
  filesPerMessage: 5, // how many files one message carries, on the chosen site
  twoFactor: false, // the agent logs in with two factors
  mustEnrol: false, // a site of theirs requires that, and they do not yet
  mail: false, // kefu emails replies to offline messages
};

// q appends the chosen site to an API path.
export const q = (path) => path + (path.includes('?') ? '&' : '?') + 'site=' + encodeURIComponent(state.site);

import { lang, t } from './i18n.js';

// topicLabel is how the inbox names a topic: its label in the inbox's
// language, or another of its labels; the id only for a topic the site no
// longer has.
export function topicLabel(id) {
  const labels = state.topics.get(id);
  if (!labels) return id;
  return labels[lang] || labels[lang.slice(0, 2)] || labels['zh-CN'] || labels.en || Object.values(labels)[0] || id;
}

// shown tells whether the list's filters keep a conversation.
export function shown(c) {
  if (c.status !== state.status) return false;
  if (state.assignee === 'me') return c.assignee_id === state.me.id;
  if (state.assignee === 'none') return !c.assignee_id;
  return true;
}

// displayName is how the inbox names a conversation's visitor.
export function displayName(c) {
  const v = c.visitor || {};
  return v.name || v.email || c.email || t('who.visitor') + ' ' + (c.visitor_id || c.id).slice(-6);
}

// unread tells that the visitor wrote last and no agent has read it
// (activities after it change neither).
export function unread(c) {
  const m = c.last_message;
  return !!m && m.author.type === 'visitor' && m.seq > (c.agent_read_seq || 0);
}

// merge updates a known conversation with a newer view of it, keeping
// what the newer one leaves out (conversation frames carry no visitor).
export function merge(c) {
  const old = state.convs.get(c.id);
  if (!old) {
    state.convs.set(c.id, c);
    return c;
  }
  const lm = old.last_message;
  const seq = Math.max(old.last_seq || 0, c.last_seq || 0);
  const read = Math.max(old.agent_read_seq || 0, c.agent_read_seq || 0);
  Object.assign(old, c, { visitor: c.visitor || old.visitor, last_seq: seq, agent_read_seq: read });
  // Fields the server leaves out when empty were cleared, not kept.
  if (!Object.hasOwn(c, 'assignee_id')) delete old.assignee_id;
  if (lm && (!c.last_message || c.last_message.seq < lm.seq)) old.last_message = lm;
  return old;
}
