// The loader, served at /widget.js. It draws only the bubble, in a closed
// shadow root, defines the one global `kefu`, and creates the chat panel's
// iframe on first interaction, or at once when this site has an active
// conversation so that unread messages arrive.
import css from './bubble.css';
import { dir, match, pick } from '../shared/lang.js';
import { color } from '../shared/color.js';

// __LABELS__ is defined at build time from the string tables:
// {lang: [bubble label, close label]}.
const LABELS = __LABELS__;

(() => {
  const w = window;
  const d = document;
  const prev = w.kefu;
  if (prev && prev.v) return; // loaded twice: the first copy stays in charge
  const me = d.currentScript;
  const data = (me && me.dataset) || {};
  const site = data.site;
  if (!site) return console.warn('kefu: the script tag needs data-site');
  const ORIGIN = new URL(me.src, location.href).origin;
  const KEY = 'kefu:' + site;
  const store = (k, v) => {
    try {
      if (v === undefined) return localStorage.getItem(k);
      if (v === null) localStorage.removeItem(k);
      else localStorage.setItem(k, v);
    } catch (e) {
      // storage blocked: the widget works without it
    }
  };
  // The panel's data, kept here when the browser blocks storage in kefu's
  // frame (third-party storage): under KEY:p:NAME, handed over at init.
  const P = KEY + ':p:';
  const held = () => {
    const o = {};
    try {
      for (const k of Object.keys(localStorage)) if (k.startsWith(P)) o[k.slice(P.length)] = localStorage.getItem(k);
    } catch (e) {}
    return o;
  };
  let cfg = {};
  try {
    cfg = JSON.parse(store(KEY + ':cfg')) || {};
  } catch (e) {}
  const explicit = match(data.lang);
  let called = ''; // the last kefu.setLanguage(), which wins for this page view
  // The visitor's own choice, from the panel's switcher, beats data-lang.
  const mine = () => called || match(store(KEY + ':lang'), cfg.languages) || explicit;
  let lang = pick(mine(), cfg.lang, cfg.languages);
  let isOpen = false;
  let booted = false; // the API is live and queued calls replayed
  let frame = null;
  let ready = false; // the frame said hello
  let dead = false; // the site refused this page
  let unread = 0;
  let user, attrs, audio;
  let title = null; // the page's own title while we prefix it
  let titled = '';
  const queue = [];
  const listeners = {};

  const el = (tag, cls, parent) => {
    const e = d.createElement(tag);
    if (cls) e.className = cls;
    parent.append(e);
    return e;
  };
  const svg = (cls, path, parent) => {
    const NS = 'http://www.w3.org/2000/svg';
    const s = d.createElementNS(NS, 'svg');
    const p = d.createElementNS(NS, 'path');
    s.setAttribute('viewBox', '0 0 24 24');
    s.setAttribute('class', cls);
    s.setAttribute('aria-hidden', 'true');
    p.setAttribute('d', path);
    s.append(p);
    parent.append(s);
  };

  // A custom element, not a div, so that rules like `div {display:none}`
  // miss it; inline !important beats the page's own !important rules.
  const host = d.createElement('kefu-widget');
  host.style.cssText = 'all:initial!important;display:block!important;position:static!important';
  const root = host.attachShadow({ mode: 'closed' });
  if (root.adoptedStyleSheets && w.CSSStyleSheet) {
    // A constructed sheet is not subject to the page's style-src CSP.
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } else {
    el('style', '', root).textContent = css;
  }
  const wrap = el('div', 'k', root);
  const panel = el('div', 'f', wrap);
  const btn = el('button', 'b', wrap);
  btn.type = 'button';
  btn.setAttribute('aria-expanded', 'false');
  svg('s', 'M21 12a9 8 0 0 1-13 7.2L3 21l1.5-4.3A9 8 0 0 1 3 12a9 8 0 0 1 18 0z', btn);
  svg('c', 'M6 6l12 12M18 6L6 18', btn);
  const label = el('span', 't', btn);
  const badge = el('span', 'n', btn);
  badge.hidden = true;
  badge.setAttribute('aria-hidden', 'true');

  function relabel() {
    const [open, close] = LABELS[lang] || LABELS.en;
    label.textContent = open;
    btn.lang = lang;
    btn.dir = dir(lang);
    btn.setAttribute('aria-label', isOpen ? close : unread ? open + ' (' + unread + ')' : open);
    if (frame) frame.title = open;
  }

  function paint() {
    const [c, t] = color(cfg.color);
    wrap.style.setProperty('--c', c);
    wrap.style.setProperty('--t', t);
    wrap.classList.toggle('l', (data.position || cfg.position) === 'left');
  }

  function ensureFrame() {
    if (frame || dead) return;
    frame = el('iframe', '', panel);
    relabel();
    frame.src = ORIGIN + '/chat/' + encodeURIComponent(site) + '?embed=1&lang=' + lang +
      '&origin=' + encodeURIComponent(location.origin);
  }

  // post sends a message to the frame, naming its origin. Before the frame
  // says hello only sends are queued: the rest travels in the init message.
  function post(m) {
    if (ready) frame.contentWindow.postMessage(Object.assign({ kefu: 1 }, m), ORIGIN);
    else if (m.type === 'send') queue.push(m);
  }

  function emit(ev, arg) {
    (listeners[ev] || []).slice().forEach((f) => {
      try {
        f(arg);
      } catch (err) {
        console.error(err);
      }
    });
  }

  function setOpen(v) {
    if (v) ensureFrame();
    if (!frame || v === isOpen) return;
    const inside = root.activeElement === frame;
    isOpen = v;
    wrap.classList.toggle('o', v);
    btn.setAttribute('aria-expanded', v);
    relabel();
    fit();
    post({ type: 'vis', open: v });
    if (v) frame.focus();
    else if (inside) btn.focus();
    emit(v ? 'open' : 'close');
  }

  // fit keeps the full-screen panel above a phone's on-screen keyboard.
  const phone = w.matchMedia('(max-width: 480px)');
  function fit() {
    const vv = w.visualViewport;
    const s = panel.style;
    if (isOpen && vv && phone.matches) {
      s.top = vv.offsetTop + 'px';
      s.height = vv.height + 'px';
    } else {
      s.top = s.height = '';
    }
  }
  if (w.visualViewport) {
    visualViewport.addEventListener('resize', fit);
    visualViewport.addEventListener('scroll', fit);
  }

  function setUnread(n, ring) {
    n = Math.max(0, n | 0);
    if (ring && n > unread) beep();
    const changed = n !== unread;
    unread = n;
    badge.hidden = !n;
    badge.textContent = n > 99 ? '99+' : n;
    relabel();
    retitle();
    if (changed) emit('unread', n);
  }

  // retitle puts "(N) " before the page's title while the page is hidden.
  function retitle() {
    if (d.hidden && unread) {
      if (title === null || d.title !== titled) title = d.title;
      titled = d.title = '(' + unread + ') ' + title;
    } else if (title !== null) {
      if (d.title === titled) d.title = title;
      title = null;
    }
  }
  d.addEventListener('visibilitychange', retitle);

  // beep plays a soft two-tone chime, made with WebAudio, once the visitor
  // has interacted with the page (browsers refuse sound before that).
  function beep() {
    const ua = navigator.userActivation;
    const AC = w.AudioContext || w.webkitAudioContext;
    if (!AC || (ua && !ua.hasBeenActive)) return;
    try {
      audio = audio || new AC();
      audio.resume();
      const t = audio.currentTime;
      [660, 880].forEach((f, i) => {
        const o = audio.createOscillator();
        const g = audio.createGain();
        o.frequency.value = f;
        g.gain.setValueAtTime(0.0001, t + i * 0.12);
        g.gain.exponentialRampToValueAtTime(0.06, t + i * 0.12 + 0.02);
        g.gain.exponentialRampToValueAtTime(0.0001, t + i * 0.12 + 0.3);
        o.connect(g).connect(audio.destination);
        o.start(t + i * 0.12);
        o.stop(t + i * 0.12 + 0.32);
      });
    } catch (e) {}
  }

  w.addEventListener('message', (e) => {
    const m = e.data;
    if (e.origin !== ORIGIN || !frame || e.source !== frame.contentWindow || !m || m.kefu !== 1) return;
    if (m.type === 'hello') {
      ready = true;
      post({ type: 'init', open: isOpen, lang, user, attrs, store: held(), page: { url: location.href, title: d.title, referrer: d.referrer } });
      queue.splice(0).forEach(post);
    } else if (m.type === 'unread') setUnread(m.n, m.beep);
    else if (m.type === 'active') store(KEY, m.on ? '1' : null);
    else if (m.type === 'vis') setOpen(m.open);
    else if (m.type === 'event') emit(m.name, m.data);
    else if (m.type === 'store' && /^\w+$/.test(m.k)) store(P + m.k, typeof m.v === 'string' ? m.v : null);
    else if (m.type === 'setlang' && match(m.lang)) {
      store(KEY + ':lang', (called = match(m.lang)));
      setLang(called);
    }
  });
  // Another tab's panel changed the data kept here.
  w.addEventListener('storage', (e) => e.key && e.key.startsWith(P) && post({ type: 'stored', k: e.key.slice(P.length), v: e.newValue }));

  btn.addEventListener('click', () => setOpen(!isOpen));
  // Warm the panel up on intent, so that it is ready by the click.
  btn.addEventListener('pointerenter', ensureFrame);
  btn.addEventListener('focus', ensureFrame);
  wrap.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && isOpen) setOpen(false);
  });
  const opener = (e) => e.target instanceof Element && e.target.closest('[data-kefu-open]');
  d.addEventListener('click', (e) => {
    if (opener(e)) {
      e.preventDefault();
      setOpen(true);
    }
  });
  d.addEventListener('pointerover', (e) => opener(e) && ensureFrame(), { passive: true });

  function setLang(l) {
    if (l && l !== lang) {
      lang = l;
      relabel();
      post({ type: 'lang', lang });
    }
  }

  // JSON round trips drop what postMessage cannot clone, such as functions.
  const clone = (v) => (v == null ? null : JSON.parse(JSON.stringify(v)));

  const api = {
    open: () => setOpen(true),
    close: () => setOpen(false),
    toggle: () => setOpen(!isOpen),
    show: () => wrap.classList.remove('h'),
    hide: () => wrap.classList.add('h'),
    isOpen: () => isOpen,
    setLanguage(l) {
      called = match(l);
      setLang(called);
    },
    setUser(u) {
      user = clone(u);
      post({ type: 'user', user });
    },
    // Attribute values are sent as strings; objects as their JSON.
    setAttributes(a) {
      attrs = attrs || {};
      for (const k in a) attrs[k] = a[k] !== null && typeof a[k] === 'object' ? JSON.stringify(a[k]) : String(a[k]);
      post({ type: 'attrs', attrs });
    },
    send(text) {
      text = String(text == null ? '' : text).trim();
      if (text) {
        ensureFrame();
        post({ type: 'send', text });
      }
    },
    on(ev, fn) {
      (listeners[ev] = listeners[ev] || []).push(fn);
      if (ev === 'ready' && booted) fn();
    },
    off(ev, fn) {
      listeners[ev] = (listeners[ev] || []).filter((f) => f !== fn);
    },
  };
  // kefu('open') and kefu.open() both work, as calls queued by the stub do.
  function kefu(method, ...args) {
    const f = api[method];
    if (typeof f === 'function') return f(...args);
    console.warn('kefu: unknown method ' + method);
  }
  Object.assign(kefu, api, { v: 1 });
  w.kefu = kefu;

  paint();
  relabel();
  d.documentElement.append(host);
  ((prev && prev.q) || []).forEach((args) => kefu(...args));

  fetch(ORIGIN + '/api/v1/widget/' + encodeURIComponent(site) + '/config', { credentials: 'omit' })
    .then((r) => (r.status === 403 || r.status === 404 ? Promise.reject(r.status) : r.ok && r.json()))
    .then(
      (c) => {
        if (!c) return;
        cfg = { color: c.color, lang: c.lang, languages: c.languages, position: c.position };
        store(KEY + ':cfg', JSON.stringify(cfg));
        paint();
        setLang(pick(mine(), cfg.lang, cfg.languages));
      },
      (status) => {
        if (typeof status !== 'number') return; // offline: keep the bubble
        dead = true;
        host.remove();
        console.warn('kefu: site ' + site + ' does not allow this page (' + status + ')');
      },
    );

  if (store(KEY)) ensureFrame();
  if (data.open != null && data.open !== 'false') setOpen(true);
  booted = true;
  emit('ready');
})();
