// Per-site storage, shared by the tabs of one browser. It is kefu's own
// localStorage where the browser allows it. In a browser that blocks
// third-party storage in kefu's frame, it is the host page's storage,
// kept by the loader: the loader hands over what it holds when the panel
// starts, and each change goes back to it. Failing both, it is memory.
export function storage(site) {
  const prefix = 'kefu:' + site + ':';
  let ls = null;
  try {
    localStorage.setItem(prefix + '?', '1');
    localStorage.removeItem(prefix + '?');
    ls = localStorage;
  } catch (e) {}
  const mem = {};
  let send = null; // sends a change to the loader
  return {
    get(k) {
      let raw = mem[k];
      try {
        if (ls) raw = ls.getItem(prefix + k);
        return JSON.parse(raw);
      } catch (e) {
        return null;
      }
    },
    set(k, v) {
      const raw = v == null ? null : JSON.stringify(v);
      mem[k] = raw;
      try {
        if (ls && raw == null) ls.removeItem(prefix + k);
        else if (ls) ls.setItem(prefix + k, raw);
      } catch (e) {}
      if (send) send(k, raw);
    },
    // lend makes the loader's storage this one's, where kefu's own is
    // blocked: held is what the loader keeps, post sends it a change.
    lend(held, post) {
      if (ls || !held) return;
      Object.assign(mem, held);
      send = post;
    },
    // put takes a change that another tab made through its loader. Tabs
    // write the outbox whole, so two of them can cross: the outbox is
    // merged, so that a message one tab added is not lost to the other's
    // older copy. (A message both hold once acked is resent, and the
    // server answers it as a duplicate.)
    put(k, raw) {
      if (!send) return;
      if (k === 'outbox') {
        const mine = this.get('outbox') || [];
        let theirs = [];
        try {
          theirs = JSON.parse(raw) || [];
        } catch (e) {}
        const have = new Set(theirs.map((x) => x.cid));
        raw = JSON.stringify(theirs.concat(mine.filter((x) => !have.has(x.cid))));
      }
      mem[k] = raw;
    },
  };
}
