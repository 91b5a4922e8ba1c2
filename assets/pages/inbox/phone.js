// The phone layout's two controls (inbox.css, "phone layout"): the menu
// button that opens the rest of the top bar (sections, site, language and
// Log out), and the thread's way back to the list of conversations.
import { $ } from './dom.js';

export function setupPhone({ back }) {
  const top = document.querySelector('header.top');
  const menu = $('menu');
  const set = (open) => {
    top.classList.toggle('open', open);
    menu.setAttribute('aria-expanded', String(open));
  };
  menu.addEventListener('click', () => set(!top.classList.contains('open')));
  // Choosing a section closes the menu; so does Escape.
  top.addEventListener('click', (e) => e.target.closest('[role=tab]') && set(false));
  addEventListener('keydown', (e) => e.key === 'Escape' && top.classList.contains('open') && set(false));
  $('back').addEventListener('click', back);
}
