// Keeps keyboard focus on the page when a control disables itself (Start
// while it runs, Stream while it streams, ...): a disabled element loses
// focus, which would fall to <body> and send a keyboard user back to the
// top. Focus moves instead to the next control that can take it: first in
// the same group of controls (Start -> Stop), else in the same panel, else
// the panel's heading.

const CONTROLS = 'button, select, input, textarea, a[href]';

function usable(control) {
  return !control.disabled && control.getClientRects().length > 0;
}

function moveFocusFrom(control) {
  const group = control.closest('.controls, .control-row, form, fieldset');
  const panel = control.closest('section') ?? document.body;
  const next = [group, panel]
    .filter(Boolean)
    .map((scope) => [...scope.querySelectorAll(CONTROLS)].find((other) => other !== control && usable(other)))
    .find(Boolean);
  if (next) {
    next.focus();
    return;
  }
  const heading = panel.querySelector('h2');
  if (heading) {
    heading.tabIndex = -1;
    heading.focus();
  }
}

export function keepFocusOnDisable() {
  let focused = null;
  document.addEventListener('focusin', (event) => { focused = event.target; });
  new MutationObserver((records) => {
    for (const { target } of records) {
      if (target === focused && target.disabled) moveFocusFrom(target);
    }
  }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['disabled'] });
}
