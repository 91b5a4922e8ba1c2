// Per-site storage in the kefu origin's localStorage, shared by the tabs of
// one browser. Where storage is blocked it falls back to memory.
export function storage(site) {
  const prefix = 'kefu:' + site + ':';
  const mem = {};
  return {
    get(k) {
      let raw = mem[k];
      try {
        raw = localStorage.getItem(prefix + k);
      } catch (e) {}
      try {
        return JSON.parse(raw);
      } catch (e) {
        return null;
      }
    },
    set(k, v) {
      mem[k] = v == null ? null : JSON.stringify(v);
      try {
        if (v == null) localStorage.removeItem(prefix + k);
        else localStorage.setItem(prefix + k, mem[k]);
      } catch (e) {}
    },
  };
}
