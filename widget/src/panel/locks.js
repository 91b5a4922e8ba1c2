// Web Locks, where the browser lets this frame use them. A browser that
// blocks third-party storage blocks them too in kefu's frame (every call
// rejects); then each tab works on its own.
let usable = null;

export function locksUsable() {
  usable = usable || (navigator.locks ? navigator.locks.query().then(() => true, () => false) : Promise.resolve(false));
  return usable;
}

// withLock runs fn holding the lock name, or alone where locks are blocked.
export async function withLock(name, fn) {
  return (await locksUsable()) ? navigator.locks.request(name, fn) : fn();
}
