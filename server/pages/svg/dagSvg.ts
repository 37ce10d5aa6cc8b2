import { Graph, layout } from '@dagrejs/dagre';
import { html } from 'hono/html';
import type { Html } from '../layout';

export interface DagNode {
  id: string;
  /** A second line under the name (the activity, or the step's duration). */
  detail?: string;
  /** A step state colours the node; none draws it plain (a pipeline's shape, before any run). */
  state?: string;
  href?: string;
}

const CHAR_WIDTH = 7.2;
const NODE_HEIGHT = 40;

/**
 * A DAG drawn as SVG on the server: dagre (a maintained layered-graph layout, the one Dagster's and
 * Airflow's graph views are built on) places nodes left to right; edges are its routed polylines.
 * One `dag-node` per step and one `dag-edge` per dependency, so what is drawn can be counted.
 */
export function dagSvg(nodes: readonly DagNode[], edges: readonly { from: string; to: string }[]): Html {
  const graph = new Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 46, marginx: 8, marginy: 8 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) {
    const width = Math.max(node.id.length, node.detail?.length ?? 0) * CHAR_WIDTH + 24;
    graph.setNode(node.id, { width, height: NODE_HEIGHT });
  }
  for (const edge of edges) graph.setEdge(edge.from, edge.to);
  layout(graph);
  const { width = 0, height = 0 } = graph.graph();
  const drawnEdges = edges.map((edge) => {
    const points = graph.edge(edge.from, edge.to)?.points ?? [];
    const d = points.map((p: { x: number; y: number }, i: number) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
    return html`<path class="edge" data-testid="dag-edge" data-from="${edge.from}" data-to="${edge.to}" d="${d}" marker-end="url(#arrow)"/>`;
  });
  const drawnNodes = nodes.map((node) => {
    const placed = graph.node(node.id);
    const x = placed.x - placed.width / 2;
    const y = placed.y - placed.height / 2;
    const body = html`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${placed.width.toFixed(1)}" height="${placed.height}"/>
<text x="${(x + 12).toFixed(1)}" y="${(y + 16).toFixed(1)}">${node.id}</text>${
      node.detail ? html`<text x="${(x + 12).toFixed(1)}" y="${(y + 31).toFixed(1)}" opacity="0.85">${node.detail}</text>` : ''
    }`;
    return html`<g class="node state-${node.state ?? 'none'}" data-testid="dag-node" data-step="${node.id}" data-state="${node.state ?? ''}">${
      node.href ? html`<a href="${node.href}">${body}</a>` : body
    }<title>${node.id}${node.state ? `: ${node.state}` : ''}</title></g>`;
  });
  return html`<svg class="dag" data-testid="dag" viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}" width="${Math.ceil(width)}" height="${Math.ceil(height)}" role="img" aria-label="pipeline graph">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path class="arrow" d="M0,0 L10,5 L0,10 z"/></marker></defs>
${drawnEdges}${drawnNodes}</svg>`;
}
