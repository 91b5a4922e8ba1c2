// The chat panel: the page at /chat/{site}, inside the loader's iframe
// (?embed=1) or on its own as a shareable, pop-out page.
import { match, pick } from '../shared/lang.js';
import { color } from '../shared/color.js';
import { lang, t, useLang } from './i18n.js';
import { storage } from './store.js';
import { client } from './api.js';
import { sessions } from './session.js';
import { hub } from './hub.js';
import { bridge } from './bridge.js';
import { S, handle, local, reset, sendText, setNet, setup, update } from './app.js';
import { mount } from './view.js';
import { useApi as faqApi } from './faq.js';
import { useApi as formApi } from './forms.js';
import { useFiles } from './files.js';

(async () => {
  const site = document.body.dataset.site;
  const urlLang = new URLSearchParams(location.search).get('lang') || document.body.dataset.lang;
  const store = storage(site);
  // A pop-out hands its session over in the fragment, which no server sees.
  const handed = /[#&]s=([^&]+)/.exec(location.hash);
  if (handed) {
    store.set('session', { token: decodeURIComponent(handed[1]), at: 0, exp: Date.now() + 864e5 });
    history.replaceState(null, '', location.pathname + location.search);
  }
  const api = client(site, (force) => sess.token(force));
  // A link in a reply email carries a signed token in the fragment, which
  // gives the visitor a session again and opens that conversation.
  const link = /[#&]r=([^&]+)/.exec(location.hash);
  if (link) {
    history.replaceState(null, '', location.pathname + location.search);
    const r = await api.post('/session', { resume: decodeURIComponent(link[1]) }, false).catch((e) => console.warn('kefu: the link did not open the conversation:', e.message));
    if (r) {
      store.set('session', { token: r.token, vid: r.visitor_id, exp: Date.now() + r.expires_in * 1e3, at: Date.now() });
      store.set('conv', r.conversation_id);
      store.set('resumed', r.conversation_id);
    }
  }
  const sess = sessions(site, store, api);
  faqApi(api);
  formApi(api);
  useFiles({ token: (force) => sess.token(force), base: '/api/v1/widget/' + encodeURIComponent(site) });

  let view = null;
  let booted = false;
  let gotInit;
  const early = []; // loader messages that came before we were ready
  const br = bridge((m) => {
    if (m.type === 'init') gotInit(m);
    else if (booted) fromParent(m);
    else early.push(m);
  });
  S.visible = !br.embed;
  const env = {
    embed: br.embed,
    close: () => br.post({ type: 'vis', open: false }),
    // setLang is the visitor's choice: the loader remembers it on the
    // page's site and hands it back; a page of its own remembers it here.
    setLang(l) {
      if (br.embed) return br.post({ type: 'setlang', lang: l });
      store.set('lang', l);
      fromParent({ type: 'lang', lang: l });
    },
    popout: async () => {
      const tok = await sess.token().catch(() => '');
      window.open(location.pathname + '?lang=' + lang() + (tok ? '#s=' + encodeURIComponent(tok) : ''), '_blank', 'noopener,width=420,height=640');
      env.close();
    },
  };

  const cfgGet = (l) => api.get('/config' + (l ? '?lang=' + encodeURIComponent(l) : ''));
  const cfgP = cfgGet(urlLang);
  cfgP.catch(() => {}); // handled below, after the loader's init
  const init = br.embed ? await new Promise((r) => ((gotInit = r), br.post({ type: 'hello' }), setTimeout(r, 3e3, {}))) : {};
  gotInit = () => {};
  store.lend(init.store, (k, v) => br.post({ type: 'store', k, v }));
  S.page = init.page || { url: document.referrer || location.href, referrer: document.referrer };
  if (init.open) S.visible = true;
  if (init.user !== undefined) sess.setUser(init.user);
  if (init.attrs) sess.setAttrs(init.attrs);

  let cfg;
  try {
    cfg = await cfgP;
  } catch (e) {
    await useLang(pick(init.lang || urlLang));
    document.body.replaceChildren(Object.assign(document.createElement('p'), { className: 'fatal', textContent: t(e.status === 403 || e.status === 404 ? 'closed' : 'error') }));
    return;
  }
  const chosen = pick(init.lang || (!br.embed && match(store.get('lang'), cfg.languages)) || urlLang, cfg.lang, cfg.languages);
  if (!urlLang && chosen !== cfg.lang) cfg = await cfgGet(chosen).catch(() => cfg);
  await useLang(chosen);
  applyConfig(cfg);

  function applyConfig(c) {
    S.cfg = c;
    S.online = S.known ? S.online : !!c.agents_online;
    const [bg, fg] = color(c.color);
    document.documentElement.style.setProperty('--c', bg);
    document.documentElement.style.setProperty('--t', fg);
  }

  // A `settings` frame: the site's settings changed, and show at once.
  const reconfig = async () => {
    applyConfig(await cfgGet(lang()).catch(() => S.cfg));
    update();
  };
  const ctx = { api, bridge: br, store, sess, reconfig };
  setup(ctx, () => view.draw());
  const h = (ctx.hub = hub(site, sess.token, handle, setNet, local));
  view = mount(env, '');
  update();

  async function relogin() {
    const before = sess.visitor();
    try {
      await sess.token();
    } catch (e) {
      return;
    }
    if (before && sess.visitor() !== before) {
      reset();
      h.local({ k: 'sess' });
      h.restart();
    }
  }

  async function fromParent(m) {
    if (m.type === 'vis') {
      S.visible = !!m.open;
      update();
      if (m.open) view.focus();
    } else if (m.type === 'lang') {
      const l = await useLang(m.lang).catch(() => '');
      if (!l) return;
      applyConfig(await cfgGet(l).catch(() => S.cfg));
      const typing = document.activeElement && document.activeElement.tagName === 'TEXTAREA';
      view = mount(env, view.draft());
      update();
      if (typing) view.focus();
    } else if (m.type === 'user') {
      sess.setUser(m.user);
      relogin();
    } else if (m.type === 'attrs') {
      sess.setAttrs(m.attrs);
      relogin();
    } else if (m.type === 'send') sendText(m.text);
    else if (m.type === 'stored') {
      store.put(m.k, m.v);
      update();
    }
  }

  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && br.embed) view.escape();
  });

  booted = true;
  relogin();
  early.splice(0).forEach(fromParent);
  if (S.visible) view.focus();
})();
