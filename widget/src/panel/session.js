// Visitor session tokens, kept in storage under "session" as
// {token, vid, exp, at, uid, uk, ak}. uk and ak are digests of the user
// and attributes the page last set, to notice a change without keeping the
// user's identity proof in storage. A token is renewed by sending it back,
// once a day; tabs take a Web Lock so that two new tabs make one visitor.
import { withLock } from './locks.js';

export function sessions(site, store, api) {
  let user; // undefined: this page said nothing; null: logged out
  let attrs; // undefined: this page said nothing
  let pending = null;
  const DAY = 864e5;

  // uidOf returns the site's user id: the id, or a signed token's subject.
  const uidOf = (u) => {
    if (!u) return '';
    if (u.id != null) return String(u.id);
    try {
      return String(JSON.parse(atob(u.token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).sub);
    } catch (e) {
      return '';
    }
  };

  // digest is a 53-bit hash of s (cyrb53): enough to tell a change apart.
  const digest = (s) => {
    let a = 0xdeadbeef;
    let b = 0x41c6ce57;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 2654435761);
      b = Math.imul(b ^ c, 1597334677);
    }
    a = Math.imul(a ^ (a >>> 16), 2246822507) ^ Math.imul(b ^ (b >>> 13), 3266489909);
    b = Math.imul(b ^ (b >>> 16), 2246822507) ^ Math.imul(a ^ (a >>> 13), 3266489909);
    return (4294967296 * (2097151 & b) + (a >>> 0)).toString(36);
  };

  async function renew(force) {
    const s = store.get('session') || {};
    const now = Date.now();
    let uid = user === undefined ? s.uid || '' : uidOf(user);
    const uk = user === undefined ? s.uk : digest(JSON.stringify(user));
    const ak = attrs === undefined ? s.ak : digest(JSON.stringify(attrs));
    if (!force && s.token && s.uk === uk && s.ak === ak && s.at > now - DAY && s.exp > now + 36e5) return s.token;
    const body = {};
    // An anonymous visitor who logs in keeps the conversation; another
    // user, or a logout, starts afresh.
    if (s.token && (!s.uid || s.uid === uid)) body.token = s.token;
    if (user) body.user = user;
    if (attrs) body.attributes = attrs;
    // Refused proofs leave the visitor anonymous; a refused session token
    // (expired, or verified and renewed without proof) starts a new visitor.
    const tries = [body];
    if (body.user) tries.push(Object.assign({}, body, { user: undefined }));
    if (body.token) tries.push({ attributes: body.attributes });
    let r;
    for (let i = 0; !r; i++) {
      try {
        r = await api.post('/session', tries[i], false);
      } catch (err) {
        if (i === tries.length - 1 || !err.status || err.status >= 500) throw err;
        if (tries[i].user) console.warn('kefu: the user identity was refused (' + err.status + '); chatting anonymously');
      }
    }
    if (!r.verified && user) uid = '';
    store.set('session', { token: r.token, vid: r.visitor_id, exp: now + (r.expires_in || 2592e3) * 1e3, at: now, uid, uk, ak });
    return r.token;
  }

  // token returns a valid session token; force renews it.
  function token(force) {
    if (!pending) {
      pending = withLock('kefu:' + site + ':session', () => renew(force)).finally(() => (pending = null));
    }
    return pending;
  }

  return {
    token,
    visitor: () => (store.get('session') || {}).vid,
    setUser(u) {
      user = u && (u.id != null || u.token) ? u : null;
    },
    setAttrs(a) {
      attrs = a;
    },
  };
}
