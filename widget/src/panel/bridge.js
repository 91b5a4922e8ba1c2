// The link to the loader on the host page. Messages are objects with
// kefu: 1 and a type; they always name the target origin, and only
// messages from the parent window and its origin are accepted.
export function bridge(onMessage) {
  const p = new URLSearchParams(location.search);
  let origin = p.get('origin') || '';
  // Where the browser tells the embedding origin, trust it over the URL.
  const anc = location.ancestorOrigins;
  if (anc && anc.length) origin = anc[0];
  const embed = p.get('embed') === '1' && parent !== window && /^https?:\/\/[^/]+$/.test(origin);
  if (embed) {
    addEventListener('message', (e) => {
      const m = e.data;
      if (e.source === parent && e.origin === origin && m && m.kefu === 1) onMessage(m);
    });
  }
  return {
    embed,
    post(m) {
      if (embed) parent.postMessage(Object.assign({ kefu: 1 }, m), origin);
    },
  };
}
