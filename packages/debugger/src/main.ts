/**
 * The reqsign signature debugger: nog-v1 and nOps requests diagnosed in the page, with the WebCrypto builds of
 * @reqsign/nog and @reqsign/nops. It makes no request of its own (the page's Content-Security-Policy forbids any),
 * keeps nothing (no storage, no URL state: a secret never reaches the address bar or history), and submits no form.
 */
import { setUpNog } from './nog.js';
import { setUpNops } from './nops.js';

function setUpTabs(): void {
  const tabs = [...document.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
  for (const tab of tabs) {
    tab.addEventListener('click', () => {
      for (const t of tabs) {
        const selected = t === tab;
        t.setAttribute('aria-selected', String(selected));
        document.getElementById(t.getAttribute('aria-controls')!)!.hidden = !selected;
      }
    });
  }
}

setUpTabs();
setUpNog();
setUpNops();
document.documentElement.dataset['ready'] = 'true';
