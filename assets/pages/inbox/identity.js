// The identity secret on the settings page: shown on request, rotated
// with a confirmation, with the hash a site's server computes for a user
// id (docs/identity.md) and the code to compute it.
import { api } from './api.js';
import { h } from './dom.js';
import { copyButton, field, status } from './form.js';
import { t } from './i18n.js';
import { state } from './state.js';

const SNIPPETS = {
  Go: `mac := hmac.New(sha256.New, []byte(os.Getenv("KEFU_IDENTITY_SECRET")))
mac.Write([]byte(userID))
hash := hex.EncodeToString(mac.Sum(nil))`,
  PHP: `$hash = hash_hmac('sha256', $userId, getenv('KEFU_IDENTITY_SECRET'));`,
  'Node.js': `const hash = require('crypto').createHmac('sha256', process.env.KEFU_IDENTITY_SECRET).update(userId).digest('hex');`,
  Python: `hash = hmac.new(os.environ["KEFU_IDENTITY_SECRET"].encode(), user_id.encode(), hashlib.sha256).hexdigest()`,
};

// hmacHex is the hex HMAC-SHA256 of text keyed with secret. Web Crypto
// exists on HTTPS pages and on localhost only.
async function hmacHex(secret, text) {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const sig = new Uint8Array(await crypto.subtle.sign('HMAC', key, enc.encode(text)));
  return [...sig].map((b) => b.toString(16).padStart(2, '0')).join('');
}

// identity is the identity secret's section for site, as the API gave it.
export function identity(site) {
  let secret = site.identity_secret || '';
  const shown = h('code.secret', { id: 'identity-secret', 'data-shown': 'false' }, '••••••••••••••••');
  const reveal = h('button', { type: 'button', id: 'secret-show', onclick: () => show(shown.dataset.shown !== 'true') }, t('identity.show'));
  const show = (on) => {
    shown.dataset.shown = String(on);
    shown.textContent = on ? secret : '••••••••••••••••';
    reveal.textContent = t(on ? 'identity.hide' : 'identity.show');
  };
  const rotated = status();
  const rotate = h(
    'button.danger',
    {
      type: 'button',
      id: 'secret-rotate',
      onclick: async () => {
        if (!confirm(t('identity.rotate.confirm'))) return;
        rotated.busy();
        try {
          const res = await api('POST', '/api/v1/sites/' + encodeURIComponent(state.site) + '/identity-secret');
          secret = res.site.identity_secret;
          show(true);
          compute();
          rotated.ok(t('identity.rotated'));
        } catch (err) {
          rotated.fail(err);
        }
      },
    },
    t('identity.rotate'),
  );
  const userID = h('input', { id: 'hash-user', placeholder: 'user-42', oninput: () => compute() });
  const out = h('code', { id: 'hash-out' });
  const compute = async () => {
    if (!userID.value) return void (out.textContent = '');
    try {
      out.textContent = await hmacHex(secret, userID.value);
    } catch {
      out.textContent = t('identity.nocrypto');
    }
  };
  return h(
    'section.identity',
    null,
    h('h3', null, t('identity.title')),
    h('p', null, t('identity.intro')),
    h('div.secret-row', null, shown, reveal, copyButton(() => secret), rotate, rotated.el),
    h('h4', null, t('identity.try')),
    field(t('identity.userid'), userID),
    h('p.hash', null, t('identity.hash'), ' ', out),
    h('h4', null, t('identity.code')),
    Object.entries(SNIPPETS).map(([name, code]) => h('details', null, h('summary', null, name), h('pre', null, h('code', null, code)))),
  );
}
