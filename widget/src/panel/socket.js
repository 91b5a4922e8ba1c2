// The websocket to /ws (see docs/protocol.md). It authenticates with an
// `auth` frame, reconnects with jittered exponential backoff, notices a dead
// link by its silence, and paces frames under the server's rate limit.
export function socket(token, onFrame, onState) {
  const url = location.origin.replace(/^http/, 'ws') + '/ws';
  const q = [];
  let ws = null;
  let authed = false;
  let stopped = false;
  let tries = 0;
  let timer = 0;
  let pinger = 0;
  let heard = 0;
  let budget = 8;
  let filled = Date.now();
  let drip = 0;

  function open() {
    clearTimeout(timer);
    timer = 0;
    if (stopped || ws) return;
    const s = (ws = new WebSocket(url));
    heard = Date.now();
    s.onopen = () =>
      token().then(
        (tk) => s === ws && s.send(JSON.stringify({ type: 'auth', token: tk })),
        () => s.close(),
      );
    s.onmessage = (e) => {
      heard = Date.now();
      let f;
      try {
        f = JSON.parse(e.data);
      } catch (err) {
        return;
      }
      if (f.type === 'ready') {
        tries = 0;
        authed = true;
        onState('online');
      }
      if (f.type !== 'pong') onFrame(f);
      pump();
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
    q.length = 0;
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
    timer = setTimeout(() => (code === 4001 ? token(true).then(open, open) : open()), wait);
  }

  // pump sends queued frames within a token bucket: 8 at once, then one
  // per 600 ms, under the server's 10 at once and one per 500 ms.
  function pump() {
    const now = Date.now();
    budget = Math.min(8, budget + (now - filled) / 600);
    filled = now;
    while (q.length && authed && budget >= 1) {
      budget--;
      ws.send(q.shift());
    }
    if (q.length && authed && !drip) drip = setTimeout(() => ((drip = 0), pump()), 600);
  }

  // send queues a frame; it returns false while not authenticated.
  function send(f) {
    if (!authed) return false;
    if (f.type !== 'typing' || !q.length) q.push(JSON.stringify(f));
    pump();
    return true;
  }

  addEventListener('online', () => {
    if (timer) {
      tries = 0;
      open();
    }
  });

  return {
    open,
    send,
    // restart reconnects at once, for example with a new token.
    restart() {
      tries = 0;
      if (ws) ws.close();
      else open();
    },
  };
}
