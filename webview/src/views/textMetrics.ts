// Text widths for label placement, measured once per string and font on an offscreen canvas:
// the SVG renderer never reads layout back from the DOM (that would force a reflow per label).

const cache = new Map<string, number>();
const MAX_CACHED = 20_000;
let context: CanvasRenderingContext2D | null = null;
let family = '';

/** The map's font family (the theme's, in VS Code), read once. */
function fontFamily(): string {
  if (!family) family = getComputedStyle(document.body).fontFamily || 'sans-serif';
  return family;
}

export function textWidth(text: string, sizePx: number, weight = ''): number {
  const key = `${sizePx}\u0000${weight}\u0000${text}`;
  const known = cache.get(key);
  if (known !== undefined) return known;
  context ??= document.createElement('canvas').getContext('2d');
  if (!context) return text.length * sizePx * 0.6;
  context.font = `${weight} ${sizePx}px ${fontFamily()}`;
  const width = context.measureText(text).width;
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, width);
  return width;
}
