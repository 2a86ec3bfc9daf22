// The deletion and insertion curves of metrics=true as a small inline SVG: the class probability
// against the share of pixels deleted (or inserted), most salient first, with their AUCs.

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 320;
const HEIGHT = 200;
const MARGIN = { left: 36, right: 10, top: 10, bottom: 30 };

/** The curves the page draws, in this order: the name in the answer, the legend's words, the stroke's class. */
export const CURVES = [
  { key: 'deletion', label: 'Deletion', colour: 'red', better: 'lower is better' },
  { key: 'insertion', label: 'Insertion', colour: 'blue', better: 'higher is better' },
];

function element(name, attributes, text) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

const x = (fraction) => MARGIN.left + fraction * (WIDTH - MARGIN.left - MARGIN.right);
const y = (probability) => HEIGHT - MARGIN.bottom - probability * (HEIGHT - MARGIN.top - MARGIN.bottom);

/**
 * Draws one target's curves into `svg` (cleared first) and returns the legend's words; with no
 * curves in the answer (a server that does not send them), draws nothing and returns ''.
 */
export function drawCurves(svg, faithfulness) {
  svg.replaceChildren();
  if (!faithfulness?.fractions) return '';
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
  const axes = element('g', { class: 'axes' });
  for (const p of [0, 0.5, 1]) {
    axes.append(element('line', { x1: x(0), x2: x(1), y1: y(p), y2: y(p), class: 'grid' }));
    axes.append(element('text', { x: MARGIN.left - 4, y: y(p) + 4, 'text-anchor': 'end' }, p.toFixed(1)));
  }
  for (const f of [0, 0.5, 1]) {
    const anchor = f === 0 ? 'start' : f === 1 ? 'end' : 'middle';
    axes.append(element('text', { x: x(f), y: HEIGHT - MARGIN.bottom + 14, 'text-anchor': anchor }, `${f * 100}%`));
  }
  axes.append(element('text', { x: x(0.5), y: HEIGHT - 2, 'text-anchor': 'middle' }, 'pixels changed, most salient first'));
  svg.append(axes);
  const legend = [];
  for (const curve of CURVES) {
    const values = faithfulness[`${curve.key}Curve`];
    const points = faithfulness.fractions.map((f, i) => `${x(f).toFixed(1)},${y(values[i]).toFixed(1)}`).join(' ');
    const line = element('polyline', { points, class: `curve ${curve.key}`, 'data-curve': curve.key });
    line.append(element('title', {}, `${curve.label}: AUC ${faithfulness[curve.key].toFixed(3)}`));
    svg.append(line);
    legend.push(`${curve.label} (${curve.colour}) AUC ${faithfulness[curve.key].toFixed(3)}, ${curve.better}`);
  }
  return legend.join(' · ');
}
