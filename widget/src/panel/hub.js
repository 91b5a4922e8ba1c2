// One websocket per browser: the tab that holds a Web Lock leads, owns the
// socket and relays frames to the other tabs over a BroadcastChannel; the
// others send through it. Without Web Locks each tab has its own socket,
// and the channel carries only app events.
//
// Channel messages: {t:'f', f} a server frame; {t:'st', s} the connection
// state; {t:'tx', f} a frame for the leader to send; {t:'hi'} a new tab
// asking for the state; {t:'re'} reconnect; {t:'x', …} app events.
import { socket } from './socket.js';
import { locksUsable } from './locks.js';

export function hub(site, token, onFrame, onState, onLocal) {
  const bc = self.BroadcastChannel ? new BroadcastChannel('kefu:' + site) : null;
  let sock = null;
  let ready = null;
  let state = 'connecting';
  let solo = false; // every tab leads: no frames on the channel
  const cast = (m) => bc && !(solo && m.t !== 'x') && bc.postMessage(m);

  function setState(s) {
    state = s;
    onState(s);
    if (sock) cast({ t: 'st', s });
  }

  function lead() {
    sock = socket(
      token,
      (f) => {
        if (f.type === 'ready') ready = f;
        onFrame(f);
        cast({ t: 'f', f });
      },
      setState,
    );
    sock.open();
  }

  if (bc) {
    bc.onmessage = ({ data: m }) => {
      if (!m) return;
      if (m.t === 'x') onLocal(m);
      else if (solo) return;
      else if (m.t === 'f') onFrame(m.f);
      else if (!sock) {
        if (m.t === 'st') setState(m.s);
      } else if (m.t === 'tx') sock.send(m.f);
      else if (m.t === 're') sock.restart();
      else if (m.t === 'hi') {
        cast({ t: 'st', s: state });
        if (ready && state === 'online') cast({ t: 'f', f: ready });
      }
    };
  }
  locksUsable().then((ok) => {
    if (!bc || !ok) {
      solo = true;
      return lead();
    }
    navigator.locks.request('kefu:' + site + ':socket', () => {
      lead();
      return new Promise(() => {}); // held until the tab goes away
    });
    cast({ t: 'hi' });
  });

  return {
    send: (f) => (sock ? sock.send(f) : (cast({ t: 'tx', f }), state === 'online')),
    local: (m) => cast(Object.assign({ t: 'x' }, m)),
    restart: () => (sock ? sock.restart() : cast({ t: 're' })),
    leader: () => !!sock,
  };
}
