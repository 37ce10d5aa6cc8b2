import { html } from 'hono/html';
import type { Html } from '../layout';
import { percentText } from '../../../lib/numberText';
import { numberText } from '../format';

const WIDTH = 340;
const HEIGHT = 170;
const PAD = { left: 36, right: 8, top: 8, bottom: 34 };

/** The share axis: 0 to the largest share of either sample. */
function shareScale(shares: readonly number[]) {
  const top = Math.max(...shares, 1e-9);
  const plot = HEIGHT - PAD.top - PAD.bottom;
  return { top, y: (share: number) => PAD.top + plot - (share / top) * plot, bottom: HEIGHT - PAD.bottom };
}

function frame(label: string, body: Html, axisText: Html, top: number): Html {
  return html`<svg class="distribution" data-testid="distribution" data-feature="${label}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="distributions of ${label}">
<line class="axis" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${HEIGHT - PAD.bottom}" y2="${HEIGHT - PAD.bottom}"/>
<text x="${PAD.left - 4}" y="${PAD.top + 8}" text-anchor="end">${(top * 100).toFixed(0)}%</text>
<text x="${PAD.left - 4}" y="${HEIGHT - PAD.bottom}" text-anchor="end">0</text>
${body}${axisText}</svg>`;
}

/**
 * A numeric feature's two samples as histograms over the same equal-width bins, drawn over each
 * other (reference blue, current orange, both translucent): where they part is where it drifted.
 */
export function histogramSvg(feature: string, histogram: { edges: number[]; reference: number[]; current: number[] }): Html {
  const bins = histogram.reference.length;
  const scale = shareScale([...histogram.reference, ...histogram.current]);
  const binWidth = (WIDTH - PAD.left - PAD.right) / bins;
  const series = (name: 'reference' | 'current', shares: number[]) =>
    html`<g class="${name}" data-testid="series-${name}">${shares.map(
      (share, i) =>
        html`<rect x="${(PAD.left + i * binWidth).toFixed(1)}" y="${scale.y(share).toFixed(1)}" width="${Math.max(1, binWidth - 1).toFixed(1)}" height="${(scale.bottom - scale.y(share)).toFixed(1)}"><title>${numberText(histogram.edges[i])} to ${numberText(histogram.edges[i + 1])}: ${name} ${percentText(share)}</title></rect>`,
    )}</g>`;
  const axis = html`<text x="${PAD.left}" y="${HEIGHT - PAD.bottom + 14}">${numberText(histogram.edges[0])}</text>
<text x="${WIDTH - PAD.right}" y="${HEIGHT - PAD.bottom + 14}" text-anchor="end">${numberText(histogram.edges.at(-1))}</text>`;
  return frame(feature, html`${series('reference', histogram.reference)}${series('current', histogram.current)}`, axis, scale.top);
}

/** A categorical feature: per category, the reference's share beside the current one's. */
export function categoriesSvg(feature: string, categories: readonly { value: string; reference: number; current: number }[]): Html {
  const shown = categories.slice(0, 16);
  const scale = shareScale(shown.flatMap((c) => [c.reference, c.current]));
  const group = (WIDTH - PAD.left - PAD.right) / Math.max(1, shown.length);
  const bar = Math.max(1, group / 2 - 2);
  const series = (name: 'reference' | 'current', offset: number) =>
    html`<g class="${name}" data-testid="series-${name}">${shown.map(
      (c, i) =>
        html`<rect x="${(PAD.left + i * group + offset).toFixed(1)}" y="${scale.y(c[name]).toFixed(1)}" width="${bar.toFixed(1)}" height="${(scale.bottom - scale.y(c[name])).toFixed(1)}"><title>${c.value}: ${name} ${percentText(c[name])}</title></rect>`,
    )}</g>`;
  const axis = html`${shown.map(
    (c, i) => html`<text x="${(PAD.left + i * group + group / 2).toFixed(1)}" y="${HEIGHT - PAD.bottom + 14}" text-anchor="middle">${c.value.length > 10 ? `${c.value.slice(0, 9)}…` : c.value}</text>`,
  )}`;
  return frame(feature, html`${series('reference', 1)}${series('current', 1 + bar)}`, axis, scale.top);
}
