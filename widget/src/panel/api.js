// The widget's REST endpoints, /api/v1/widget/{site}/…

export function client(site, token) {
  const base = '/api/v1/widget/' + encodeURIComponent(site);
  async function call(method, path, body, auth, signal, again) {
    const headers = {};
    if (body) headers['Content-Type'] = 'application/json';
    if (auth) headers.Authorization = 'Bearer ' + (await token(again));
    const r = await fetch(base + path, {
      method,
      headers,
      body: body ? JSON.stringify(body) : undefined,
      credentials: 'omit',
      signal,
    });
    if (r.status === 401 && auth && !again) return call(method, path, body, auth, signal, true);
    const j = await r.json().catch(() => ({}));
    if (!r.ok) {
      const err = new Error((j.error && j.error.message) || 'HTTP ' + r.status);
      err.status = r.status;
      err.code = j.error && j.error.code;
      throw err;
    }
    return j;
  }
  return {
    get: (path, auth, signal) => call('GET', path, null, auth, signal),
    post: (path, body, auth = true) => call('POST', path, body, auth),
  };
}
