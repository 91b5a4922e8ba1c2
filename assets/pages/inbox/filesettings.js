// The Files part of the settings page: a site's file policy (docs/api.md,
// Sites), saved with the rest of the form as its "files" field.
import { h } from './dom.js';
import { field } from './form.js';
import { t } from './i18n.js';

// The extra kinds a site may take (chat.ExtraFileKinds).
const KINDS = ['zip', 'audio', 'video'];

// filesFields shows the site's file policy, which the server sends with
// the defaults filled in, and reads it back for the PATCH.
export function filesFields(site) {
  const f = site.files || {};
  const num = (name, value, max) => h('input', { name, type: 'number', min: 1, max, step: 1, value: String(value), required: true });
  const maxMB = num('files_max_mb', f.max_mb || 10, 10);
  const perMessage = num('files_per_message', f.per_message || 5, 10);
  const perHour = num('files_per_hour', f.per_hour || 30, 120);
  const taken = new Set(f.extra_types || []);
  const boxes = KINDS.map((k) => h('label.check', null, h('input', { type: 'checkbox', name: 'files_extra', value: k, checked: taken.has(k) }), ' ' + t('settings.files.kind.' + k)));
  return {
    el: [
      h('h3', null, t('settings.files')),
      h('p.hint', null, t('settings.files.hint')),
      h('div.row3.even', null, field(t('settings.files.max'), maxMB), field(t('settings.files.per_message'), perMessage), field(t('settings.files.per_hour'), perHour)),
      h('fieldset.checks', null, h('legend', null, t('settings.files.extra')), boxes),
      h('p.hint', null, t('settings.files.extra.hint')),
    ],
    read: () => ({
      max_mb: Number(maxMB.value),
      per_message: Number(perMessage.value),
      per_hour: Number(perHour.value),
      extra_types: boxes.map((b) => b.firstChild).filter((c) => c.checked).map((c) => c.value),
    }),
  };
}
