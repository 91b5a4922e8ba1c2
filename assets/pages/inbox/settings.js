// The site settings page, for admins and owners (docs/inbox.md): how the
// widget looks and greets, its topics, languages, hours, files and
// allowed origins, the snippet to paste and the identity secret. It edits the
// chosen site with PATCH /api/v1/sites/{key}.
import { api } from './api.js';
import { $, h } from './dom.js';
import { filesFields } from './filesettings.js';
import { LANGS, copyButton, field, langName, onSubmit, status } from './form.js';
import { t } from './i18n.js';
import { identity } from './identity.js';
import { state } from './state.js';

const DAYS = [1, 2, 3, 4, 5, 6, 0]; // Monday first
const dayName = (d) => new Intl.DateTimeFormat(document.documentElement.lang, { weekday: 'short' }).format(new Date(2024, 0, 7 + d));
const hhmm = (min) => String(Math.floor(min / 60)).padStart(2, '0') + ':' + String(min % 60).padStart(2, '0');
const minutes = (v) => {
  const [hh, mm] = v.split(':').map(Number);
  return hh * 60 + mm;
};

// loadSettings shows the chosen site's settings.
export async function loadSettings() {
  const root = $('settings');
  root.replaceChildren(h('p.empty', null, t('loading')));
  let site;
  try {
    site = (await api('GET', '/api/v1/sites/' + encodeURIComponent(state.site))).site;
  } catch (err) {
    root.replaceChildren(h('p.err', null, t('settings.error.load', { error: err.message })));
    return;
  }
  root.replaceChildren(widgetForm(site), install(site), identity(site));
}

function widgetForm(site) {
  const w = site.widget;
  const name = h('input', { name: 'name', value: site.name, maxLength: 100, required: true });
  const color = h('input', { name: 'color', type: 'color', value: w.color || '#1f6feb' });
  const position = h('select', { name: 'position' }, ['right', 'left'].map((p) => h('option', { value: p, selected: w.position === p }, t('settings.position.' + p))));
  const logo = logoField(site);
  const offline = h('select', { name: 'offline' }, ['chat', 'form'].map((o) => h('option', { value: o, selected: (w.offline || 'chat') === o }, t('settings.offline.' + o))));

  // Languages: the ones offered (none ticked: all of them), and the
  // default, or the visitor's browser.
  const offered = new Set(w.languages || []);
  const boxes = LANGS.map((l) => h('label.check', null, h('input', { type: 'checkbox', value: l, checked: offered.has(l) }), ' ' + langName(l)));
  const chosen = () => boxes.map((b) => b.firstChild).filter((c) => c.checked).map((c) => c.value);
  const defaultLang = h('select', { name: 'default_lang' }, h('option', { value: '' }, t('settings.lang.browser')),
    LANGS.map((l) => h('option', { value: l, selected: w.default_lang === l }, langName(l))));

  // Greetings, offline messages and topic labels are written in the
  // languages offered, or in zh-CN and en; any already written stay
  // editable.
  const greeting = byLang('greeting', w.greeting, 500);
  const offlineMsg = byLang('offline-message', w.offline_message, 500);
  const textLangs = () => {
    const ls = new Set(chosen().length ? chosen() : ['zh-CN', 'en']);
    for (const l of [...greeting.langs(), ...offlineMsg.langs()]) ls.add(l);
    return LANGS.filter((l) => ls.has(l));
  };
  const topicsBox = h('div.topics-edit');
  let topics = (w.topics || []).map((tp) => ({ id: tp.id, labels: { ...tp.labels } }));
  const drawTexts = () => {
    greeting.draw(textLangs());
    offlineMsg.draw(textLangs());
    drawTopics();
  };
  const drawTopics = () => {
    const ls = textLangs();
    topicsBox.replaceChildren(
      ...topics.map((tp, i) =>
        h(
          'fieldset.topic',
          { 'data-i': String(i) },
          h('legend', null, t('settings.topic', { n: i + 1 })),
          field(t('settings.topic.id'), h('input', { value: tp.id, maxLength: 32, pattern: '[A-Za-z0-9_\\-]+', oninput: (e) => (tp.id = e.target.value.trim()) })),
          ls.map((l) => field(langName(l), h('input', { value: tp.labels[l] || '', maxLength: 40, 'data-lang': l, oninput: (e) => (tp.labels[l] = e.target.value) }))),
          h('button.remove', { type: 'button', onclick: () => ((topics = topics.filter((x) => x !== tp)), drawTopics()) }, t('settings.topic.remove')),
        ),
      ),
      h('button.add', { type: 'button', disabled: topics.length >= 12, onclick: () => (topics.push({ id: '', labels: {} }), drawTopics()) }, t('settings.topic.add')),
    );
  };
  for (const b of boxes) b.firstChild.addEventListener('change', drawTexts);

  // Business hours: no spans means always open.
  const bh = w.business_hours || {};
  const zones = (Intl.supportedValuesOf && Intl.supportedValuesOf('timeZone')) || [];
  const tz = h('input', { name: 'timezone', value: bh.timezone || '', placeholder: 'Asia/Shanghai' });
  tz.setAttribute('list', 'tz-list'); // a read-only property: only the attribute sets it
  const spansBox = h('div.spans');
  let spans = (bh.days || []).map((d) => ({ ...d }));
  const drawSpans = () =>
    spansBox.replaceChildren(
      ...spans.map((sp) =>
        h(
          'div.span',
          null,
          h('select', { 'aria-label': t('settings.hours.day'), onchange: (e) => (sp.weekday = Number(e.target.value)) }, DAYS.map((d) => h('option', { value: d, selected: sp.weekday === d }, dayName(d)))),
          h('input', { type: 'time', value: hhmm(sp.from_min), 'aria-label': t('settings.hours.from'), onchange: (e) => (sp.from_min = minutes(e.target.value)) }),
          '–',
          h('input', { type: 'time', value: hhmm(Math.min(sp.until_min, 1439)), 'aria-label': t('settings.hours.until'), onchange: (e) => (sp.until_min = minutes(e.target.value)) }),
          h('button.remove', { type: 'button', onclick: () => ((spans = spans.filter((x) => x !== sp)), drawSpans()) }, t('settings.hours.remove')),
        ),
      ),
      h('button.add', { type: 'button', onclick: () => (spans.push({ weekday: 1, from_min: 540, until_min: 1080 }), drawSpans()) }, t('settings.hours.add')),
    );

  // Owners decide whether the site's agents need two-factor login.
  const owner = state.me.role === 'owner';
  const require2fa = h('input', { type: 'checkbox', name: 'require_two_factor', checked: !!site.require_two_factor, disabled: !owner });
  const files = filesFields(site);
  const origins = h('textarea', { name: 'allowed_origins', rows: 3, value: (site.allowed_origins || []).join('\n'), placeholder: 'https://www.example.com' });
  const saved = status();
  saved.el.id = 'settings-saved';
  const form = h(
    'form.settings',
    {
      id: 'settings-form',
      onsubmit: async (e) => {
        e.preventDefault();
        saved.busy();
        const body = {
          name: name.value,
          color: color.value,
          position: position.value,
          offline: offline.value,
          languages: chosen(),
          default_lang: defaultLang.value,
          greeting: greeting.read(),
          offline_message: offlineMsg.read(),
          topics: topics.map((tp) => ({ id: tp.id, labels: Object.fromEntries(Object.entries(tp.labels).filter(([, v]) => v.trim())) })),
          business_hours: spans.length ? { timezone: tz.value.trim(), days: spans } : { timezone: tz.value.trim() },
          allowed_origins: origins.value.split(/\s+/).filter(Boolean),
          files: files.read(),
        };
        if (owner && require2fa.checked !== !!site.require_two_factor) body.require_two_factor = require2fa.checked;
        // A logo URL goes only when changed: it replaces an uploaded logo.
        if (logo.url.value.trim() !== (w.logo || '')) body.logo = logo.url.value.trim();
        try {
          await api('PATCH', '/api/v1/sites/' + encodeURIComponent(state.site), body);
          saved.ok();
        } catch (err) {
          saved.fail(err);
        }
      },
    },
    h('h3', null, t('settings.widget')),
    field(t('settings.name'), name, t('settings.name.hint')),
    logo.el,
    h('div.row2', null, field(t('settings.color'), color), field(t('settings.position'), position)),
    field(t('settings.offline'), offline, t('settings.offline.hint')),
    h('h3', null, t('settings.languages')),
    h('fieldset.checks', null, h('legend', null, t('settings.languages.offered')), boxes),
    field(t('settings.lang.default'), defaultLang),
    h('h3', null, t('settings.greeting')),
    greeting.el,
    h('h3', null, t('settings.topics')),
    topicsBox,
    h('h3', null, t('settings.hours')),
    field(t('settings.hours.tz'), tz, t('settings.hours.hint')),
    h('datalist', { id: 'tz-list' }, zones.map((z) => h('option', { value: z }))),
    spansBox,
    h('h4', null, t('settings.hours.message')),
    h('p.hint', null, t('settings.hours.message.hint')),
    offlineMsg.el,
    files.el,
    h('h3', null, t('settings.origins')),
    field(t('settings.origins.list'), origins, t('settings.origins.hint')),
    h('h3', null, t('settings.security')),
    h('label.check', null, require2fa, ' ', t('settings.require2fa')),
    h('p.hint', null, t(owner ? 'settings.require2fa.hint' : 'settings.require2fa.owner')),
    h('div.save', null, h('button.pri', { type: 'submit' }, t('form.save')), saved.el),
  );
  drawTexts();
  drawSpans();
  return form;
}

// logoField shows the site's logo and changes it: an upload is saved at
// once; a URL is saved with the form.
function logoField(site) {
  const msg = status();
  const preview = h('span.logo-preview');
  const show = (src) =>
    preview.replaceChildren(!src ? t('settings.logo.none') : src.startsWith('/') ? h('img', { src, alt: t('settings.logo'), id: 'logo-preview' }) : h('code', null, src));
  show(site.logo_url);
  const url = h('input', { name: 'logo', type: 'url', value: site.widget.logo || '', placeholder: 'https://www.example.com/logo.png' });
  const file = h('input', { type: 'file', id: 'logo-file', accept: 'image/png,image/jpeg,image/gif' });
  const path = '/api/v1/sites/' + encodeURIComponent(site.key);
  file.addEventListener('change', () => {
    const f = file.files[0];
    if (!f) return;
    const r = new FileReader();
    r.onload = async () => {
      msg.busy();
      try {
        const res = await api('POST', path + '/logo', { image: r.result });
        show(res.site.logo_url);
        url.value = '';
        site.widget.logo = '';
        msg.ok(t('settings.logo.saved'));
      } catch (err) {
        msg.fail(err);
      }
    };
    r.readAsDataURL(f);
  });
  const remove = h(
    'button',
    {
      type: 'button',
      onclick: async () => {
        msg.busy();
        try {
          await api('PATCH', path, { logo: '' });
          show('');
          url.value = site.widget.logo = '';
          msg.ok(t('settings.logo.removed'));
        } catch (err) {
          msg.fail(err);
        }
      },
    },
    t('settings.logo.remove'),
  );
  return {
    url,
    el: h(
      'fieldset.logo',
      null,
      h('legend', null, t('settings.logo')),
      h('div.secret-row', null, preview, h('label.button', null, t('settings.logo.upload'), file), remove, msg.el),
      field(t('settings.logo.url'), url, t('settings.logo.hint')),
    ),
  };
}

// byLang is a text per language, such as the greeting: a textarea for
// each language drawn, keeping what was typed in one that is no longer
// drawn.
function byLang(id, initial, max) {
  const values = { ...(initial || {}) };
  const el = h('div.langs', { id });
  const keep = () => {
    for (const a of el.querySelectorAll('textarea')) values[a.dataset.lang] = a.value.trim();
  };
  return {
    el,
    langs: () => Object.keys(values),
    draw(langs) {
      keep();
      el.replaceChildren(...langs.map((l) => field(langName(l), h('textarea', { rows: 2, maxLength: max, 'data-lang': l, value: values[l] || '' }))));
    },
    read() {
      keep();
      return Object.fromEntries(Object.entries(values).filter(([, v]) => v));
    },
  };
}

function install(site) {
  return h(
    'section.install',
    null,
    h('h3', null, t('settings.install')),
    h('p', null, t('settings.install.hint')),
    h('pre.snippet', null, h('code', { id: 'snippet' }, site.snippet)),
    copyButton(() => site.snippet),
  );
}

// newSite is the owners' form that creates a site; created(key) follows.
export function newSite(created) {
  const msg = status();
  return h(
    'details.new-site',
    null,
    h('summary', null, t('sites.new')),
    h(
      'form',
      {
        id: 'new-site-form',
        onsubmit: onSubmit(msg, async (el) => {
          const res = await api('POST', '/api/v1/sites', { name: el.name.value.trim(), key: el.key.value.trim() });
          msg.ok(t('sites.created', { key: res.site.key }));
          await created(res.site.key);
        }),
      },
      h(
        'div.row2',
        null,
        field(t('settings.name'), h('input', { name: 'name', required: true, maxLength: 100 })),
        field(t('sites.key'), h('input', { name: 'key', pattern: '[a-z0-9][a-z0-9\\-]{1,31}', maxLength: 32 }), t('sites.key.hint')),
      ),
      h('div.save', null, h('button.pri', { type: 'submit' }, t('sites.create')), msg.el),
    ),
  );
}
