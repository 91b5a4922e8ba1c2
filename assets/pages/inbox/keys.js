// Keyboard shortcuts of the conversations view, and the dialog that lists
// them, behind `?`. A key typed into a field is the field's: shortcuts
// act only when no input, textarea, select or editable element has focus.
// The actions press the thread's own buttons, so a shortcut does only
// what a click could (e resolves only a conversation not resolved yet).
import { $, h } from './dom.js';
import { t } from './i18n.js';

// KEYS are the shortcuts, in the dialog's order: the key and what it does.
const KEYS = [
  ['j', 'keys.next'],
  ['k', 'keys.prev'],
  ['r', 'keys.reply'],
  ['e', 'keys.resolve'],
  ['p', 'keys.pending'],
  ['o', 'keys.reopen'],
  ['a', 'keys.assign'],
  ['/', 'keys.search'],
  ['?', 'keys.help'],
  ['Esc', 'keys.close'],
];

// typingIn tells whether keys at el go into a field.
const typingIn = (el) => !!el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));

export function shortcuts({ step }) {
  let dialog = null;

  function help() {
    if (!dialog) {
      dialog = h(
        'dialog.keys',
        { id: 'keys', 'aria-labelledby': 'keys-title' },
        h('h2', { id: 'keys-title' }, t('keys.title')),
        h('dl', null, KEYS.map(([k, what]) => [h('dt', null, h('kbd', null, k)), h('dd', null, t(what))])),
        h('form', { method: 'dialog' }, h('button', { type: 'submit' }, t('keys.done'))),
      );
      document.body.append(dialog);
    }
    // A modal dialog closes on Esc by itself.
    if (!dialog.open) dialog.showModal();
  }

  // press clicks one of the open thread's buttons, if it shows.
  function press(id) {
    const b = $(id);
    if (!$('thread').hidden && b && !b.hidden && !b.disabled) b.click();
  }

  const ACTIONS = {
    j: () => step(1),
    k: () => step(-1),
    r: () => !$('thread').hidden && $('reply').focus(),
    e: () => press('resolve'),
    p: () => press('pending'),
    o: () => press('reopen'),
    a: () => press('assign'),
    '/': () => {
      const box = document.querySelector('#view-conversations input[type=search]');
      if (box && !box.closest('[hidden]')) box.focus();
    },
  };

  // A key that moves the focus into a field acts when it is released:
  // its character, which may come apart from the keydown, must not land
  // in the field.
  const ON_RELEASE = new Set(['r', '/']);
  let armed = '';

  addEventListener('keydown', (e) => {
    armed = '';
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing || typingIn(e.target)) return;
    if ($('app').hidden || (dialog && dialog.open)) return;
    if (e.key === '?') {
      e.preventDefault();
      help();
      return;
    }
    const act = ACTIONS[e.key];
    if (!act || $('view-conversations').hidden) return;
    e.preventDefault();
    if (ON_RELEASE.has(e.key)) armed = e.key;
    else act();
  });
  addEventListener('keyup', (e) => {
    if (!armed || e.key !== armed) return;
    armed = '';
    ACTIONS[e.key]();
  });
}
