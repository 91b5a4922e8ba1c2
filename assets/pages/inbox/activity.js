// Activity lines: what a thread records of who resolved, reopened or
// assigned it. The server stores each as a private system message with an
// event (docs/api.md); visitors never see one. The inbox draws it as a
// centred grey line in its own language, with the time.
import { h, timeEl } from './dom.js';
import { t } from './i18n.js';

// who names a person of an activity: an agent by the name they had then,
// or the visitor.
const who = (p) => (!p ? '' : p.type === 'visitor' ? t('who.visitor') : p.name || t('who.agent'));

// activityText says what an activity did, or '' for a kind this inbox
// does not know.
export function activityText(ev) {
  const by = who(ev.by);
  if (ev.kind === 'status' && ['open', 'pending', 'resolved'].includes(ev.status)) return t('activity.' + ev.status, { by });
  if (ev.kind === 'assign' && ev.to && ev.by && ev.to.id === ev.by.id) return t('activity.took', { by });
  if (ev.kind === 'assign') return ev.to ? t('activity.assigned', { by, to: who(ev.to) }) : t('activity.unassigned', { by });
  return '';
}

// activityLine is the log's line for a message that carries an event.
export function activityLine(m) {
  return h('li.act', { 'data-seq': String(m.seq), 'data-kind': m.event.kind }, h('span', null, activityText(m.event) || t('activity.other')), ' · ', timeEl(m.created_at));
}
