// The agents page: the chosen site's agents. Owners invite agents, change
// their name, role and sites, and disable them; admins see the list.
import { api } from './api.js';
import { $, h } from './dom.js';
import { copyButton, field, onSubmit, status } from './form.js';
import { t } from './i18n.js';
import { presenceBadge } from './presence.js';
import { state } from './state.js';

const ROLES = ['agent', 'admin', 'owner'];
const roleSelect = (value, props) => h('select', props, ROLES.map((r) => h('option', { value: r, selected: r === value }, t('role.' + r))));

// loadAgents shows the chosen site's agents.
export async function loadAgents() {
  const root = $('agents');
  const owner = state.me.role === 'owner';
  root.replaceChildren(h('p.empty', null, t('loading')));
  let agents;
  try {
    agents = (await api('GET', '/api/v1/agents?site=' + encodeURIComponent(state.site))).agents;
  } catch (err) {
    root.replaceChildren(h('p.err', null, t('agents.error.load', { error: err.message })));
    return;
  }
  root.replaceChildren(
    owner ? invite() : h('p.hint', null, t('agents.owneronly')),
    h(
      'table',
      null,
      h('thead', null, h('tr', null, ['agents.name', 'agents.email', 'agents.role', 'agents.sites', 'agents.state'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', { id: 'agents-list' }, agents.map((a) => row(a, owner))),
    ),
  );
}

function invite() {
  const msg = status();
  const link = h('div.invite-link', { hidden: true });
  return h(
    'form.card-form',
    {
      id: 'invite-agent',
      onsubmit: onSubmit(msg, async (el, f) => {
        const res = await api('POST', '/api/v1/agents?site=' + encodeURIComponent(state.site), {
          email: el.email.value.trim(),
          name: el.name.value.trim(),
          role: el.role.value,
          sites: [state.site],
        });
        msg.ok(t('agents.invited', { email: res.agent.email }));
        link.hidden = false;
        link.replaceChildren(h('p', null, t('agents.invite.send')), h('code', { id: 'invite-url' }, res.invite_url), copyButton(() => res.invite_url));
        f.reset();
        loadAgentsSoon();
      }),
    },
    h('h3', null, t('agents.invite')),
    h(
      'div.row3',
      null,
      field(t('agents.email'), h('input', { name: 'email', type: 'email', required: true })),
      field(t('agents.name'), h('input', { name: 'name', required: true, maxLength: 100 })),
      field(t('agents.role'), roleSelect('agent', { name: 'role' })),
    ),
    h('div.save', null, h('button.pri', { type: 'submit' }, t('agents.invite.button')), msg.el),
    link,
  );
}

// The list under the invite form is redrawn after an invite, leaving the
// link shown.
function loadAgentsSoon() {
  api('GET', '/api/v1/agents?site=' + encodeURIComponent(state.site)).then(
    (res) => $('agents-list') && $('agents-list').replaceChildren(...res.agents.map((a) => row(a, state.me.role === 'owner'))),
    () => {},
  );
}

function row(a, owner) {
  const self = a.id === state.me.id;
  const msg = status();
  const patch = async (body, control) => {
    msg.busy();
    control.disabled = true;
    try {
      const res = await api('PATCH', '/api/v1/agents/' + encodeURIComponent(a.id) + '?site=' + encodeURIComponent(state.site), body);
      Object.assign(a, res.agent);
      msg.ok();
    } catch (err) {
      msg.fail(err);
    } finally {
      control.disabled = false;
    }
  };
  const state_ = t(a.disabled ? 'agents.disabled' : 'agents.active');
  const mySites = state.me.sites;
  return h(
    'tr',
    { 'data-agent': a.email, 'data-disabled': String(!!a.disabled) },
    h('td', null, a.name, ' ', presenceBadge(a.id)),
    h('td', null, a.email),
    h('td', null, owner && !self ? roleSelect(a.role, { 'aria-label': t('agents.role'), onchange: (e) => patch({ role: e.target.value }, e.target) }) : t('role.' + a.role)),
    h(
      'td',
      null,
      owner && !self && mySites.length > 1
        ? mySites.map((s) =>
            h('label.check', null, h('input', {
              type: 'checkbox',
              value: s,
              checked: a.sites.includes(s),
              onchange: (e) => {
                const boxes = [...e.target.closest('td').querySelectorAll('input')];
                patch({ sites: boxes.filter((b) => b.checked).map((b) => b.value) }, e.target);
              },
            }), ' ' + s),
          )
        : a.sites.join(', '),
    ),
    h(
      'td',
      null,
      owner && !self
        ? h('button', {
            type: 'button',
            className: a.disabled ? '' : 'danger',
            onclick: async (e) => {
              const b = e.currentTarget;
              if (!a.disabled && !confirm(t('agents.disable.confirm', { name: a.name || a.email }))) return;
              await patch({ disabled: !a.disabled }, b);
              b.closest('tr').dataset.disabled = String(!!a.disabled);
              b.textContent = t(a.disabled ? 'agents.enable' : 'agents.disable');
              b.className = a.disabled ? '' : 'danger';
            },
          }, t(a.disabled ? 'agents.enable' : 'agents.disable'))
        : state_,
      msg.el,
    ),
  );
}
