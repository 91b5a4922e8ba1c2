// The inbox's websocket to /ws (docs/protocol.md). It authenticates with an
// `auth` frame carrying the access token (and what auth() adds), reconnects with jittered
// exponential backoff (with a fresh token after an auth failure), notices
// a dead link by its silence, and paces frames under the rate limit.
export function socket({ token, onFrame, onState, auth }) {
  const url = location.origin.replace(/^http/, 'ws') + '/ws';
  let ws = null;
  let authed = false;
  let stopped = true;
  let tries = 0;
  let timer = 0;
  let pinger = 0;
  let heard = 0;
  // A token bucket: 8 frames at once, then one per 600 ms, under the
  // server's 10 at once and one per 500 ms.
  let budget = 8;
  let filled = Date.now();

  function open() {
    clearTimeout(timer);
    timer = 0;
    if (stopped || ws) return;
    onState('connecting');
    const s = (ws = new WebSocket(url));
    heard = Date.now();
    s.onopen = () =>
      token(tries > 0).then(
        (tk) => s === ws && s.send(JSON.stringify({ type: 'auth', token: tk, ...(auth ? auth() : {}) })),
        () => s.close(),
      );
    s.onmessage = (e) => {
      if (s !== ws) return;
      heard = Date.now();
      let f;
      try {
        f = JSON.parse(e.data);
      } catch {
        return;
      }
      if (f.type === 'ready') {
        tries = 0;
        authed = true;
        onState('online');
      }
      if (f.type !== 'pong') onFrame(f);
    };
    s.onclose = (e) => gone(s, e.code);
    clearInterval(pinger);
    pinger = setInterval(() => {
      if (Date.now() - heard > 6e4) {
        s.onclose = null;
        s.close();
        gone(s, 1006);
      } else if (authed) send({ type: 'ping' });
    }, 25e3);
  }

  function gone(s, code) {
    if (s !== ws) return;
    ws = null;
    authed = false;
    clearInterval(pinger);
    if (stopped) return;
    if (code === 4003 || code === 1008 || code === 1009) {
      stopped = true;
      onState('closed');
      return;
    }
    onState('reconnecting');
    const base = Math.min(3e4, 500 * 2 ** tries++);
    const wait = code === 4008 ? 3e4 : base / 2 + (Math.random() * base) / 2;
    // After 4001 the token was refused: open() asks for a fresh one,
    // since tries is no longer 0.
    timer = setTimeout(open, wait);
  }

  // send writes a frame now if the bucket allows; it returns false when
  // the frame was not sent, so that the caller can fall back to REST.
  function send(f) {
    if (!authed || ws.readyState !== WebSocket.OPEN) return false;
    const now = Date.now();
    budget = Math.min(8, budget + (now - filled) / 600);
    filled = now;
    if (budget < 1) return false;
    budget--;
    ws.send(JSON.stringify(f));
    return true;
  }

  addEventListener('online', () => {
    if (timer) {
      tries = 0;
      open();
    }
  });

  function close() {
    clearTimeout(timer);
    clearInterval(pinger);
    const s = ws;
    ws = null;
    authed = false;
    if (s) {
      s.onclose = null;
      s.close(1000);
    }
  }

  // A page the browser keeps in its back/forward cache would keep its
  // socket, and the agent would look online after leaving: the socket
  // closes when the page is hidden for good, and opens again if it comes
  // back.
  addEventListener('pagehide', () => {
    if (!stopped) close();
  });
  addEventListener('pageshow', (e) => {
    if (e.persisted && !stopped) {
      tries = 0;
      open();
    }
  });

  return {
    send,
    get online() {
      return authed;
    },
    start() {
      stopped = false;
      tries = 0;
      open();
    },
    stop() {
      stopped = true;
      close();
    },
  };
}
