// Files in the chat: a message's attachments as thumbnails and links, a
// full-size view of an image, and the ways a visitor sends files (the
// attach button, a paste, a drop). The upload code itself is a separate
// script, fetched on first use (upload.js), so that opening the chat costs
// nothing for it.
import { h } from './dom.js';
import { t } from './i18n.js';
import { S, ensureConv, flashError, sendText, update } from './app.js';

// size formats a byte count as people read it.
export const size = (n) => (n >= 1 << 20 ? (n / (1 << 20)).toFixed(1) + ' MB' : n >= 1024 ? Math.round(n / 1024) + ' KB' : n + ' B');

// fileList shows files: images as thumbnails that open the full size,
// other files as links that download. URLs are kefu's own, signed for
// this visitor.
export const fileList = (files) =>
  h(
    'div.fs',
    null,
    files.map((f) =>
      f.thumbnail_url
        ? h('button.th', { type: 'button', title: f.name, onclick: () => full(f) }, h('img', { src: f.thumbnail_url, alt: f.name }))
        : h('a.fi', { href: f.url, download: f.name, target: '_blank', rel: 'noopener' }, f.name + ' · ' + size(f.size)),
    ),
  );

// full shows an image over the chat; a tap or Escape closes it.
function full(f) {
  const close = () => (box.remove(), removeEventListener('keydown', esc, true));
  const esc = (e) => e.key === 'Escape' && (e.stopPropagation(), close());
  const box = h('div.lb', { role: 'dialog', 'aria-label': f.name, tabIndex: -1, onclick: close }, h('img', { src: f.url, alt: f.name }));
  addEventListener('keydown', esc, true);
  document.body.append(box);
  box.focus();
}

let up; // the upload script's API, once loaded

// send uploads files and sends each in a message of its own.
export async function send(files) {
  files = [...files];
  if (!files.length) return;
  try {
    up =
      up ||
      (await new Promise((ok, fail) => {
        const s = h('script', { src: __ASSETS__ + __UPLOAD__, onerror: fail, onload: () => ok(self.kefuUpload({ S, ensureConv, sendText, update, token: ctx.token, base: ctx.base })) });
        document.head.append(s);
      }));
  } catch (e) {
    return flashError('error');
  }
  files.forEach(up.add);
}

let ctx;
// useFiles gives the uploads the session's token and the API's base path.
export const useFiles = (c) => (ctx = c);

// dropZone sends the files dropped on el or pasted into it.
export function dropZone(el) {
  const has = (e) => [...(e.dataTransfer?.types || [])].includes('Files');
  el.addEventListener('dragover', (e) => {
    if (has(e)) e.preventDefault(), el.classList.add('drop');
  });
  el.addEventListener('dragleave', (e) => e.target === el && el.classList.remove('drop'));
  el.addEventListener('drop', (e) => {
    el.classList.remove('drop');
    if (!has(e)) return;
    e.preventDefault();
    send(e.dataTransfer.files);
  });
  el.addEventListener('paste', (e) => {
    const f = e.clipboardData?.files;
    if (f && f.length) e.preventDefault(), send(f);
  });
}

// the uploads' retry and remove, for the list
export const retryUp = (id) => up && up.retry(id);
export const dropUp = (id) => up && up.drop(id);
