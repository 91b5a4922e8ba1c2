// Scrolling back through a long conversation: near the top of the thread,
// the page before the first message loaded is fetched and drawn above it,
// and what the agent was reading stays where it was on the screen.
const NEAR = 120; // pixels from the top that count as the top

// scrollBack watches log. more() resolves to the nodes of the page before
// (drawn above the rest), [] when there is none, or null when it failed
// or the thread changed. check looks again (after opening a thread that
// does not fill the log); reset forgets a fetch of the thread before.
export function scrollBack(log, more) {
  let run = 0; // the fetch under way, if any; 0 when none
  let runs = 0;

  async function check() {
    // An empty log is a thread still opening, which calls check itself.
    if (run || log.scrollTop > NEAR || !log.firstElementChild) return;
    const me = (run = ++runs);
    let nodes = null;
    try {
      nodes = await more();
    } finally {
      if (run === me) run = 0;
    }
    if (run || me !== runs || !nodes || !nodes.length) return;
    // Keep the first message that was shown in place; a browser that
    // anchored the scroll by itself leaves nothing to correct.
    const anchor = log.firstElementChild;
    const y = anchor && anchor.getBoundingClientRect().top;
    log.prepend(...nodes);
    if (anchor) log.scrollTop += anchor.getBoundingClientRect().top - y;
    check(); // still at the top: a page of short messages, or a fast reader
  }
  log.addEventListener('scroll', check, { passive: true });

  return {
    check,
    reset() {
      run = 0;
      runs++;
    },
  };
}
