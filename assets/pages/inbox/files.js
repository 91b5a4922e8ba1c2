// Files in the thread: a message's attachments as thumbnails and links,
// and the agent's own files, sent by the attach button, a paste or a drop
// (docs/api.md, Attachments).
import { api } from './api.js';
import { h } from './dom.js';
import { q, state } from './state.js';

// size formats a byte count as people read it.
const size = (n) => (n >= 1 << 20 ? (n / (1 << 20)).toFixed(1) + ' MB' : n >= 1024 ? Math.round(n / 1024) + ' KB' : n + ' B');

// fileList shows a message's files: images as thumbnails that open the
// full size, other files as links that download. URLs are kefu's own,
// signed for this reader.
export function fileList(files) {
  if (!files || !files.length) return null;
  return h(
    'div.files',
    null,
    files.map((f) =>
      f.thumbnail_url
        ? h('a.thumb', { href: f.url, target: '_blank', rel: 'noopener', title: f.name }, h('img', { src: f.thumbnail_url, alt: f.name, loading: 'lazy' }))
        : h('a.file', { href: f.url, download: f.name }, f.name + ' (' + size(f.size) + ')'),
    ),
  );
}

// sideList lists the files of a conversation's messages, newest first,
// for the visitor panel: each a link that opens (an image) or downloads
// (any other file), with its size, sender and time.
export function sideList(msgs, who, when) {
  const rows = [];
  for (const m of msgs)
    for (const f of m.attachments || [])
      rows.unshift(
        h(
          'li',
          null,
          f.thumbnail_url ? h('a', { href: f.url, target: '_blank', rel: 'noopener' }, f.name) : h('a', { href: f.url, download: f.name }, f.name),
          h('small', null, ' ' + size(f.size) + ' · ' + who(m) + ' · ', when(m.created_at)),
        ),
      );
  return rows;
}

// upload sends one file to the open conversation and returns its
// attachment.
export async function upload(file) {
  const form = new FormData();
  form.append('file', file, file.name || 'file');
  const res = await api('POST', q(`/api/v1/conversations/${encodeURIComponent(state.openId)}/attachments`), form);
  return res.attachment;
}

// dropTarget calls take with the files dropped on el or pasted into it.
export function dropTarget(el, take) {
  el.addEventListener('dragover', (e) => {
    if ([...(e.dataTransfer?.types || [])].includes('Files')) e.preventDefault();
  });
  el.addEventListener('drop', (e) => {
    const files = [...(e.dataTransfer?.files || [])];
    if (!files.length) return;
    e.preventDefault();
    take(files);
  });
  el.addEventListener('paste', (e) => {
    const files = [...(e.clipboardData?.files || [])];
    if (!files.length) return;
    e.preventDefault();
    take(files);
  });
}
