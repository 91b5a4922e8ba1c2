// The panel's upload code, a script of its own that files.js fetches the
// first time a visitor sends a file. Each file goes up with a progress bar
// (XMLHttpRequest reports upload progress; fetch does not), then into a
// message of its own through the outbox, like any text. A failed upload
// stays in the list with a retry, or with a remove when retrying cannot
// help (too large, a type the site does not take).
self.kefuUpload = ({ S, ensureConv, sendText, update, token, base }) => {
  // 400 to an upload says the file is refused as it is (empty, or a type
  // the site does not take), as 415 does: retrying cannot help.
  const codes = { 400: 'badType', 413: 'tooBig', 415: 'badType', 429: 'tooMany' };
  let n = 0;

  function post(cid, it, again) {
    return token(again)
      .then(
        (tok) =>
          new Promise((ok, fail) => {
            const x = new XMLHttpRequest();
            x.open('POST', base + '/conversations/' + encodeURIComponent(cid) + '/attachments');
            x.setRequestHeader('Authorization', 'Bearer ' + tok);
            x.upload.onprogress = (e) => e.lengthComputable && ((it.p = e.loaded / e.total), update());
            x.onload = () => {
              let j = {};
              try {
                j = JSON.parse(x.responseText);
              } catch (e) {}
              x.status < 300 && j.attachment ? ok(j.attachment) : fail({ status: x.status });
            };
            x.onerror = x.ontimeout = () => fail({ status: 0 });
            const f = new FormData();
            f.append('file', it.file, it.name);
            x.send(f);
          }),
      )
      .catch((e) => (e.status === 401 && !again ? post(cid, it, true) : Promise.reject(e)));
  }

  async function go(it) {
    Object.assign(it, { p: 0, err: '', fatal: false });
    const max = (S.cfg.files && S.cfg.files.max_bytes) || 10 << 20;
    try {
      if (it.file.size > max) throw { status: 413 };
      const a = await post((await ensureConv()).id, it);
      drop(it.id);
      sendText('', undefined, [a]);
    } catch (e) {
      it.err = codes[e.status] || 'upFailed';
      it.fatal = e.status === 400 || e.status === 413 || e.status === 415;
    }
    update();
  }

  function drop(id) {
    const it = S.ups.find((x) => x.id === id);
    if (it && it.prev) URL.revokeObjectURL(it.prev);
    S.ups = S.ups.filter((x) => x !== it);
    update();
  }

  return {
    add(file) {
      const it = { id: 'u' + ++n, name: file.name || 'file', file };
      if (/^image\//.test(file.type)) it.prev = URL.createObjectURL(file);
      S.ups.push(it);
      go(it);
    },
    retry: (id) => {
      const it = S.ups.find((x) => x.id === id);
      if (it) go(it);
    },
    drop,
  };
};
