// The account page: the agent's own password and two-factor login. Turning
// two-factor login on shows a QR code that kefu made (drawn on a canvas)
// and ten recovery codes, then asks for a code to confirm.
import { api, useLogin } from './api.js';
import { $, h } from './dom.js';
import { field, onSubmit, status } from './form.js';
import { t } from './i18n.js';
import { state } from './state.js';

// loadAccount shows the account page.
export function loadAccount() {
  $('account').replaceChildren(password(), twoFactor());
}

const pwInput = (name, auto) => h('input', { name, type: 'password', autocomplete: auto, required: true, minLength: name === 'new_password' ? 8 : 1, maxLength: 72 });

function password() {
  const saved = status();
  return h(
    'form.card-form',
    {
      id: 'password-form',
      onsubmit: onSubmit(saved, async (el, f) => {
        // The answer is a new login for this browser; every other one ends.
        useLogin(await api('POST', '/api/v1/me/password', { current_password: el.current_password.value, new_password: el.new_password.value }));
        f.reset();
        saved.ok(t('account.password.changed'));
      }),
    },
    h('h3', null, t('account.password')),
    field(t('account.password.current'), pwInput('current_password', 'current-password')),
    field(t('account.password.new'), pwInput('new_password', 'new-password'), t('account.password.hint')),
    h('div.save', null, h('button.pri', { type: 'submit' }, t('account.password.change')), saved.el),
  );
}

function twoFactor() {
  const box = h('section.card-form', { id: 'twofactor' });
  const draw = (on) => {
    box.dataset.on = String(on);
    box.replaceChildren(h('h3', null, t('account.2fa')), h('p', { id: 'twofactor-state' }, t(on ? 'account.2fa.on' : 'account.2fa.off')), on ? turnOff() : start());
  };
  const start = () => {
    const msg = status();
    return h(
      'form',
      {
        id: 'totp-start',
        onsubmit: onSubmit(msg, async (el) => {
          const res = await api('POST', '/api/v1/me/totp', { current_password: el.current_password.value });
          box.replaceChildren(h('h3', null, t('account.2fa')), enrol(res, () => draw(true)));
        }),
      },
      field(t('account.password.current'), pwInput('current_password', 'current-password'), t('account.2fa.why')),
      h('div.save', null, h('button.pri', { type: 'submit' }, t('account.2fa.start')), msg.el),
    );
  };
  const turnOff = () => {
    const msg = status();
    return h(
      'form',
      {
        id: 'totp-off',
        onsubmit: onSubmit(msg, async (el) => {
          await api('DELETE', '/api/v1/me/totp', { current_password: el.current_password.value, code: el.code.value.trim() });
          state.twoFactor = false;
          draw(false);
        }),
      },
      field(t('account.password.current'), pwInput('current_password', 'current-password')),
      field(t('account.2fa.code.or'), h('input', { name: 'code', autocomplete: 'one-time-code', required: true, maxLength: 16 })),
      h('div.save', null, h('button.danger', { type: 'submit' }, t('account.2fa.off.button')), msg.el),
    );
  };
  draw(!!state.twoFactor);
  return box;
}

// enrol shows the QR code, the secret and the recovery codes, and confirms
// with a code from the app.
function enrol(res, done) {
  const msg = status();
  return h(
    'form',
    {
      id: 'totp-confirm',
      onsubmit: onSubmit(msg, async (el) => {
        useLogin(await api('POST', '/api/v1/me/totp/confirm', { code: el.code.value.trim() }));
        state.twoFactor = true;
        // An agent held here by a site's policy may now use the inbox.
        if (state.mustEnrol) location.reload();
        else done();
      }),
    },
    h('p', null, t('account.2fa.scan')),
    qrCanvas(res.qr),
    h('p', null, t('account.2fa.manual'), ' ', h('code', { id: 'totp-secret' }, res.secret)),
    h('p', null, t('account.2fa.recovery')),
    h('ol.recovery', { id: 'recovery-codes' }, res.recovery_codes.map((c) => h('li', null, h('code', null, c)))),
    field(t('account.2fa.code'), h('input', { name: 'code', inputMode: 'numeric', autocomplete: 'one-time-code', required: true, maxLength: 6 })),
    h('div.save', null, h('button.pri', { type: 'submit' }, t('account.2fa.confirm')), msg.el),
  );
}

// qrCanvas draws rows of '0' and '1' modules, 4 pixels each.
function qrCanvas(rows) {
  const px = 4;
  const c = h('canvas.qr', { width: rows.length * px, height: rows.length * px, role: 'img', 'aria-label': t('account.2fa.qr') });
  const g = c.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, c.width, c.height);
  g.fillStyle = '#000';
  rows.forEach((r, y) => [...r].forEach((bit, x) => bit === '1' && g.fillRect(x * px, y * px, px, px)));
  return c;
}
