// The agent API (docs/api.md) and the access token. The token lives in
// memory only; the refresh token is an HttpOnly cookie that the server
// rotates on every refresh, so a reload restores the session without any
// secret in storage.

export class APIError extends Error {
  constructor(status, code, message, details) {
    super(message || code || 'HTTP ' + status);
    this.status = status;
    this.code = code;
    this.details = details; // such as the bad rows of an import
  }
}

let token = '';
let expires = 0; // ms since the epoch
let timer = 0;
let inflight = null;
let onLogout = () => {};

// onSessionEnd registers what to do when the session cannot be renewed.
export function onSessionEnd(fn) {
  onLogout = fn;
}

// call sends body as JSON, a Blob (a file) as it is, with its type, or
// FormData as multipart, which the browser frames itself.
async function call(method, path, body, bearer) {
  const headers = { Accept: 'application/json' };
  const form = body instanceof FormData;
  const file = body instanceof Blob || form;
  if (body !== undefined && !form) headers['Content-Type'] = file ? body.type || 'application/octet-stream' : 'application/json';
  if (bearer) headers.Authorization = 'Bearer ' + bearer;
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined || file ? body : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (err) {
    throw new APIError(0, 'network', 'The server cannot be reached.');
  }
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) {
    const e = (data && data.error) || {};
    throw new APIError(res.status, e.code, e.message, e.details);
  }
  return data;
}

// acceptInvite sets an invited agent's password with the link's token.
export const acceptInvite = (inviteToken, password) =>
  call('POST', '/api/v1/invites/' + encodeURIComponent(inviteToken), { password });

function keep(data) {
  token = data.access_token;
  expires = Date.now() + data.expires_in * 1000;
  clearTimeout(timer);
  // Renew at four fifths of the lifetime, well before the token expires.
  timer = setTimeout(renewSoon, Math.max(5e3, data.expires_in * 800));
}

function renewSoon() {
  refresh().catch((err) => {
    if (err.status === 401) end();
    else timer = setTimeout(renewSoon, 1e4); // offline: try again
  });
}

function end() {
  clearTimeout(timer);
  token = '';
  expires = 0;
  onLogout();
}

// useLogin keeps the new login that a password change or a two-factor
// enrolment answers with: every other login of the agent ended.
export const useLogin = (data) => keep(data);

export async function login(email, password, totp) {
  keep(await call('POST', '/api/v1/auth/login', { email, password, totp }));
}

// refresh trades the refresh cookie for a new access token. Refreshes are
// serialised, across tabs too where the browser has Web Locks: a refresh
// token is good once, and sending it twice revokes the whole login.
export function refresh() {
  if (!inflight) {
    const run = () => call('POST', '/api/v1/auth/refresh').then(keep);
    const p = navigator.locks ? navigator.locks.request('kefu-inbox-refresh', run) : run();
    inflight = p.finally(() => (inflight = null));
  }
  return inflight;
}

export async function logout() {
  clearTimeout(timer);
  token = '';
  expires = 0;
  await call('POST', '/api/v1/auth/logout').catch(() => {});
}

// accessToken returns a token that is good for at least 30 more seconds.
export async function accessToken(fresh) {
  if (fresh || !token || Date.now() > expires - 3e4) await refresh();
  return token;
}

// api calls an agent endpoint. On 401 it renews the token once and
// retries; if that fails, the session is over.
export async function api(method, path, body) {
  try {
    return await call(method, path, body, await accessToken());
  } catch (err) {
    if (err.status !== 401) throw err;
  }
  try {
    await refresh();
  } catch (err) {
    if (err.status === 401) end();
    throw err;
  }
  return call(method, path, body, token);
}

// download fetches a file from an agent endpoint, such as an export, as
// a Blob: a link cannot carry the access token.
export async function download(path) {
  let res;
  try {
    res = await fetch(path, { headers: { Authorization: 'Bearer ' + (await accessToken()) }, credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw new APIError(0, 'network', 'The server cannot be reached.');
  }
  if (!res.ok) {
    const e = ((await res.json().catch(() => null)) || {}).error || {};
    throw new APIError(res.status, e.code, e.message);
  }
  return res.blob();
}
