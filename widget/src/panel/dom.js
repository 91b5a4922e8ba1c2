// Small DOM helpers. Text always goes in as text nodes: nothing here parses
// HTML.

// h builds an element. tag may carry classes ('button.pri'); props set
// properties, `on…` listeners, or attributes (names with a dash, and
// aria-/data- ones); children are nodes or strings.
export function h(tag, props, ...kids) {
  const [name, ...cls] = tag.split('.');
  const e = document.createElement(name || 'div');
  if (cls.length) e.className = cls.join(' ');
  for (const k in props) {
    const v = props[k];
    if (v == null || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k.includes('-') || !(k in e)) e.setAttribute(k, v === true ? '' : v);
    else e[k] = v;
  }
  e.append(...kids.flat(9).filter((x) => x != null && x !== false));
  return e;
}

const PATHS = {
  close: 'M6 6l12 12M18 6L6 18',
  send: 'M4 12l16-8-6 16-3-7z',
  back: 'M15 18l-6-6 6-6',
  out: 'M14 4h6v6M20 4l-9 9M19 14v6H4V5h6',
  fb: 'M4 4h16v12H9l-5 4zM8 9h8M8 12h5',
  clip: 'M20 11l-8 8a5 5 0 01-7-7l8.5-8.5a3.3 3.3 0 014.7 4.7L9.6 16.8a1.7 1.7 0 01-2.4-2.4L15 6.6',
  star: 'M12 3l2.7 5.6 6.1.8-4.5 4.2 1.1 6.1L12 16.8 6.6 19.7l1.1-6.1-4.5-4.2 6.1-.8z',
};

// icon returns a decorative SVG icon.
export function icon(name, cls) {
  const NS = 'http://www.w3.org/2000/svg';
  const s = document.createElementNS(NS, 'svg');
  const p = document.createElementNS(NS, 'path');
  s.setAttribute('viewBox', '0 0 24 24');
  s.setAttribute('aria-hidden', 'true');
  s.setAttribute('class', 'ic ' + (cls || ''));
  p.setAttribute('d', PATHS[name]);
  s.append(p);
  return s;
}

// field wraps a control in its label, which names it for screen readers.
export const field = (label, control) => h('label.fl', null, h('span', null, label), control);
