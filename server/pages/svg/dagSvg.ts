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
/** Layouts kept: a run's graph never changes, and a live run page is drawn again every 1.5 s. */
const LAYOUTS_KEPT = 200;

interface Layout {
  width: number;
  height: number;
  nodes: Map<string, { x: number; y: number; width: number; height: number }>;
  edges: Map<string, string>;
}
const layouts = new Map<string, Layout>();

/** dagre's layout of a graph (50 nodes and 225 edges take it 50-100 ms), kept by the graph's shape in a small LRU. */
function layoutOf(nodes: readonly { id: string; width: number }[], edges: readonly { from: string; to: string }[]): Layout {
  const key = JSON.stringify([nodes.map((n) => [n.id, n.width]), edges.map((e) => [e.from, e.to])]);
  const kept = layouts.get(key);
  if (kept) {
    layouts.delete(key);
    layouts.set(key, kept);
    return kept;
  }
  const graph = new Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 46, marginx: 8, marginy: 8 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) graph.setNode(node.id, { width: node.width, height: NODE_HEIGHT });
  for (const edge of edges) graph.setEdge(edge.from, edge.to);
  layout(graph);
  const { width = 0, height = 0 } = graph.graph();
  const placed: Layout = {
    width,
    height,
    nodes: new Map(nodes.map((n) => [n.id, graph.node(n.id)])),
    edges: new Map(
      edges.map((e) => [
        `${e.from}>${e.to}`,
        (graph.edge(e.from, e.to)?.points ?? []).map((p: { x: number; y: number }, i: number) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' '),
      ]),
    ),
  };
  layouts.set(key, placed);
  if (layouts.size > LAYOUTS_KEPT) layouts.delete(layouts.keys().next().value as string);
  return placed;
}

/**
 * A DAG drawn as SVG on the server: dagre (a maintained layered-graph layout library, so no layout
 * code of our own) places nodes left to right; edges are its routed polylines.
 * One `dag-node` per step and one `dag-edge` per dependency, so what is drawn can be counted.
 */
export function dagSvg(nodes: readonly DagNode[], edges: readonly { from: string; to: string }[]): Html {
  const placed = layoutOf(
    // Widths in steps of 40 px, so a live run's changing durations keep its kept layout.
    nodes.map((node) => ({ id: node.id, width: Math.ceil((Math.max(node.id.length, node.detail?.length ?? 0) * CHAR_WIDTH + 24) / 40) * 40 })),
    edges,
  );
  const { width, height } = placed;
  const drawnEdges = edges.map(
    (edge) => html`<path class="edge" data-testid="dag-edge" data-from="${edge.from}" data-to="${edge.to}" d="${placed.edges.get(`${edge.from}>${edge.to}`) ?? ''}" marker-end="url(#arrow)"/>`,
  );
  const drawnNodes = nodes.map((node) => {
    const box = placed.nodes.get(node.id) as { x: number; y: number; width: number; height: number };
    const x = box.x - box.width / 2;
    const y = box.y - box.height / 2;
    const body = html`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${box.width.toFixed(1)}" height="${box.height}"/>
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
