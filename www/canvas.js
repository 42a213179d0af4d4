// Drawing on the page's canvases: the theme's colours, and a canvas sized to
// its box in device pixels.

/** The value of the CSS custom property `name` (light or dark, as shown). */
export function cssColor(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/**
 * Sizes `canvas` to its CSS box times the device pixel ratio and clears it;
 * returns its 2D context, its size in device pixels, and the ratio.
 */
export function freshCanvas(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
  const height = Math.max(1, Math.round(canvas.clientHeight * ratio));
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  const ctx = canvas.getContext('2d');
  ctx.clearRect(0, 0, width, height);
  return { ctx, width, height, ratio };
}
