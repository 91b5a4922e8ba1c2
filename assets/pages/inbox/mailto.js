// Answering a message left while nobody was online. When kefu sends email
// (GET /api/v1/me says mail: true), replies from the composer are emailed
// to the visitor, and a line above it says so. When it does not, a reply
// in the composer would reach no one: the composer gives way to a mailto:
// link to the address the visitor left, with their message quoted.
import { api } from './api.js';
import { $, h } from './dom.js';
import { t } from './i18n.js';
import { q, state } from './state.js';

let box;

// offlineReply fits the composer to conversation c, the one shown.
export async function offlineReply(c) {
  if (!box) {
    box = h('div.mailto', { id: 'mailto', hidden: true });
    $('composer').before(box);
  }
  const email = c && c.kind === 'offline' && (c.email || (c.visitor || {}).email);
  $('composer').hidden = !!email && !state.mail;
  box.hidden = !email;
  if (!email) return;
  if (state.mail) {
    box.replaceChildren(h('p', { id: 'mailto-emailed' }, t('mailto.emailed', { email })));
    return;
  }
  box.replaceChildren(h('p', null, t('mailto.why')));
  const id = c.id;
  let asked = [];
  try {
    const data = await api('GET', q(`/api/v1/conversations/${encodeURIComponent(id)}/messages?limit=20&after_seq=0`));
    asked = (data.messages || []).filter((m) => m.author && m.author.type === 'visitor' && m.text).map((m) => m.text);
  } catch (err) {
    // The link works without the quote.
  }
  if (state.openId !== id) return;
  const quote = asked.join('\n\n').split('\n').map((l) => '> ' + l).join('\n');
  const body = '\n\n' + t('mailto.quote') + '\n' + quote + '\n';
  // The address is encoded but for its @: a ? or & in its local part
  // (valid there) would start the link's own fields, such as cc=.
  const at = email.lastIndexOf('@');
  const to = encodeURIComponent(email.slice(0, at)) + '@' + encodeURIComponent(email.slice(at + 1));
  const href = 'mailto:' + to + '?subject=' + encodeURIComponent(t('mailto.subject')) + '&body=' + encodeURIComponent(body);
  box.replaceChildren(h('p', null, t('mailto.why')), h('a.button.pri', { id: 'mailto-link', href }, t('mailto.action', { email })));
}
