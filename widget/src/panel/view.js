// The panel's shell: header, message area and composer. mount builds it in
// the current language; the returned draw() brings it in line with S.
import { h, icon } from './dom.js';
import { lang, t } from './i18n.js';
import { hours, initials } from './format.js';
import { S, older, outbox, reconnect, sendText, typed, update } from './app.js';
import { renderList } from './list.js';
import { endBlock, feedbackForm, leaveForm } from './forms.js';
import { suggester } from './faq.js';
import { dropZone, send } from './files.js';
import { LANGS, NAMES } from '../shared/lang.js';

const iconBtn = (name, label, onclick, cls) =>
  h('button.ib', { type: 'button', 'aria-label': label, title: label, onclick }, icon(name, cls));

// mount replaces the page's content with a new shell. env: {embed, close,
// popout}; draft is text to keep in the composer.
export function mount(env, draft) {
  const name = h('h1');
  // The site's logo, when it has one; hidden again if it fails to load.
  const logo = h('img.lg', { alt: '', hidden: true, onerror: () => (logo.hidden = true) });
  const dot = h('span.dot');
  const status = h('span');
  const hoursEl = h('p.hr');
  const replyEl = h('p.hr');
  const agentEl = h('span.ag');
  const fbBtn = iconBtn('fb', t('feedback'), () => setView('feedback'));
  const backBtn = iconBtn('back', t('back'), () => setView('chat'), 'flip');
  const net = h('p.net', { role: 'status' });
  // The language switcher: the site's languages, each in its own words.
  const langs = S.cfg.languages && S.cfg.languages.length ? S.cfg.languages : LANGS;
  const lsel = langs.length > 1 && h(
    'select.lng',
    { 'aria-label': t('language'), title: t('language'), onchange: () => env.setLang(lsel.value) },
    langs.map((l) => h('option', { value: l, lang: l, selected: l === lang() }, NAMES[l] || l)),
  );
  const header = h(
    'header.hd',
    null,
    backBtn,
    logo,
    h('div.ttl', null, name, h('p.st', null, dot, status, agentEl), replyEl, hoursEl),
    lsel,
    fbBtn,
    env.embed && iconBtn('out', t('popout'), env.popout),
    env.embed && iconBtn('close', t('close'), env.close),
  );

  const topics = h('div.topics');
  const log = h('div.log', { role: 'log', 'aria-label': t('messages') });
  const typing = h('p.typing', { role: 'status' });
  const end = h('div');
  // The leave-a-message form: the site's choice while nobody is online,
  // or the visitor's, from the note that says nobody is.
  const leave = h('div');
  const newLeave = () => {
    const box = h('div.sugg', { hidden: true });
    leave.replaceChildren(leaveForm(box, (el) => suggester(el, box), () => (newLeave(), setView('chat'))));
  };
  newLeave();
  const away = h('p.note.away', null, t('awayChat'), ' ', h('button.link', { type: 'button', onclick: () => setView('leave') }, t('leave')));
  const err = h('p.err', { role: 'alert' });
  const greet = h('div.m.a.greet', null, h('div.bb', { dir: 'auto' }));
  const chat = h('section.chat', null, greet, away, topics, log, typing, end, leave);
  const fb = h('section.fbv', { hidden: true });
  // Near the top, the messages before the first shown are fetched.
  const main = h('main.bd', { onscroll: () => main.scrollTop < 99 && older() }, chat, fb);

  const sugg = h('div.sugg', { hidden: true, 'aria-live': 'polite' });
  let sentByEnter = false;
  const ta = h('textarea', {
    rows: 1,
    dir: 'auto',
    maxLength: 4000,
    placeholder: t('placeholder'),
    'aria-label': t('placeholder'),
    enterKeyHint: 'send',
    value: draft || '',
    oninput: () => {
      grow();
      typed(!!ta.value.trim());
    },
    onkeydown: (e) => {
      // Enter sends, Shift+Enter is a new line, and Enter that ends an IME
      // composition (Chinese, Japanese, Korean input) only ends it.
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        sentByEnter = true;
        submit();
      }
    },
    // Some input paths deliver the Enter's line break separately from its
    // keydown; keep it out of the emptied box.
    onbeforeinput: (e) => {
      if (sentByEnter && /^insert(LineBreak|Paragraph)$/.test(e.inputType)) e.preventDefault();
      sentByEnter = false;
    },
    onkeyup: () => (sentByEnter = false),
  });
  const clearSugg = suggester(ta, sugg);
  // The attach button: image/* first, so that phones offer the camera.
  const fileIn = h('input', {
    type: 'file',
    multiple: true,
    hidden: true,
    accept: 'image/*,' + ((S.cfg.files && S.cfg.files.accept) || 'application/pdf,text/plain'),
    onchange: () => (send(fileIn.files), (fileIn.value = '')),
  });
  const composer = h(
    'form.cp',
    { onsubmit: (e) => (e.preventDefault(), submit()) },
    fileIn,
    iconBtn('clip', t('attach'), () => fileIn.click()),
    ta,
    h('button.snd', { type: 'submit', 'aria-label': t('send'), title: t('send') }, icon('send', 'flip')),
  );
  const footer = h('footer.ft', null, err, sugg, composer);
  const shell = h('div.app' + (env.embed ? '' : '.sa'), null, header, net, main, footer);
  document.body.replaceChildren(shell);
  dropZone(shell);

  function grow() {
    ta.style.height = 'auto';
    ta.style.height = Math.min(ta.scrollHeight, 120) + 'px';
  }

  function submit() {
    const v = ta.value;
    if (!v.trim()) return;
    ta.value = '';
    grow();
    clearSugg();
    sendText(v);
    ta.focus();
  }

  function setView(v) {
    S.view = v;
    if (v === 'feedback') fb.replaceChildren(feedbackForm(() => setView('chat')));
    update();
    draw();
    (v === 'feedback' ? fb.querySelector('input') : v === 'leave' ? leave.querySelector('textarea') : fbBtn).focus();
  }

  let endFor = '';
  let lost = 0;
  let topicsFor = null;

  function draw() {
    const c = S.conv;
    const resolved = !!c && c.status === 'resolved';
    const open = S.online && S.cfg.open_now !== false;
    const started = !!c || outbox().some((x) => !x.c);
    const offline = !open && !started;
    // The form when the visitor asked for it, or when the site offers it
    // instead of the chat while nobody is online.
    const leaving = S.view === 'leave' || (offline && S.cfg.offline === 'form');

    name.textContent = S.cfg.name || t('title');
    if ((S.cfg.logo || '') !== logo.getAttribute('src')) {
      logo.hidden = !S.cfg.logo;
      if (S.cfg.logo) logo.src = S.cfg.logo;
    }
    document.title = name.textContent;
    dot.className = 'dot' + (open ? ' on' : '');
    status.textContent = t(open ? 'online' : 'offline');
    const hs = hours(S.cfg.business_hours, lang());
    hoursEl.textContent = hs && t('hours', { h: hs });
    hoursEl.hidden = !hoursEl.textContent;
    replyEl.textContent = S.cfg.reply_minutes ? t('replyIn', { n: S.cfg.reply_minutes }) : '';
    replyEl.hidden = !replyEl.textContent;
    // Who answers: the agent of the last reply, with their initials.
    const ag = [...S.msgs].reverse().find((m) => m.author.type === 'agent' && m.author.name);
    const agName = ag ? ag.author.name : '';
    if (agentEl.dataset.name !== agName) {
      agentEl.dataset.name = agName;
      agentEl.replaceChildren(...(agName ? [' · ', h('span.av', { 'aria-hidden': 'true' }, initials(agName)), agName] : []));
    }

    if (S.net !== 'reconnecting' && S.net !== 'connecting') lost = 0;
    else if (!lost) {
      lost = Date.now();
      setTimeout(update, 1600);
    }
    net.hidden = !(S.net === 'closed' || (lost && Date.now() - lost > 1500));
    net.replaceChildren(t(S.net === 'closed' ? 'closed' : 'reconnecting'), S.net !== 'closed' && h('button.link', { type: 'button', onclick: reconnect }, t('retry')));

    const fbView = S.view === 'feedback';
    chat.hidden = fbView;
    fb.hidden = !fbView;
    backBtn.hidden = !fbView && S.view !== 'leave';
    fbBtn.hidden = fbView;

    greet.firstChild.textContent = S.cfg.greeting || t('hello');
    const list = S.cfg.topics || [];
    if (topicsFor !== list) {
      topicsFor = list;
      topics.replaceChildren(
        ...(list.length ? [h('p.cap', null, t('topics'))] : []),
        ...list.map((x) => h('button.chip', { type: 'button', dir: 'auto', onclick: () => sendText(x.label, x.id) }, x.label)),
      );
    }
    topics.hidden = started || leaving || !list.length;
    leave.hidden = !leaving;
    away.hidden = !offline || leaving;
    // Outside business hours, the site's own words, if it has some.
    away.firstChild.textContent = (S.cfg.open_now === false && S.cfg.offline_message) || t('awayChat');
    greet.hidden = leaving;
    if (!resolved) endFor = '';
    else if (endFor !== c.id) {
      endFor = c.id;
      end.replaceChildren(endBlock());
      // The rating is what the visitor does next: bring it into view.
      requestAnimationFrame(() => end.scrollIntoView({ block: 'end' }));
    }
    end.hidden = !resolved;
    typing.hidden = !S.typing || resolved;
    typing.textContent = S.typing ? t('typing') : '';

    renderList(log, main);
    err.textContent = S.error ? t(S.error) : '';
    footer.hidden = fbView || resolved || leaving;
  }

  return {
    draw,
    draft: () => ta.value,
    // focus puts the keyboard where the visitor will want it on opening.
    focus() {
      const target = !footer.hidden ? ta : main.querySelector('button, input, textarea, summary');
      if (target) target.focus({ preventScroll: true });
    },
    escape() {
      if (S.view !== 'chat') setView('chat');
      else env.close();
    },
  };
}
