/** Pure DAG helpers shared by compile() (on definitions) and tests. */
export interface GraphNode {
  name: string;
  after: readonly string[];
}

/** Finds one cycle and returns it as a closed path (a -> b -> a), or undefined for an acyclic graph. */
export function findCycle(nodes: readonly GraphNode[]): string[] | undefined {
  const upstreamOf = new Map(nodes.map((n) => [n.name, n.after]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];

  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...path.slice(path.indexOf(name)), name];
    state.set(name, 'visiting');
    path.push(name);
    for (const upstream of upstreamOf.get(name) ?? []) {
      const cycle = visit(upstream);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(name, 'done');
    return undefined;
  };

  for (const node of nodes) {
    const cycle = visit(node.name);
    // The walk follows upstream edges; reverse so the path reads in execution order.
    if (cycle) return cycle.reverse();
  }
  return undefined;
}

/**
 * Orders nodes so every node follows its upstream nodes, keeping declaration order where the
 * edges allow (Kahn's algorithm). Call findCycle first: nodes on a cycle are left out.
 */
export function topologicalOrder<T extends GraphNode>(nodes: readonly T[]): T[] {
  const remaining = new Map(nodes.map((n) => [n.name, new Set(n.after)]));
  const ordered: T[] = [];
  let progressed = true;
  while (progressed) {
    progressed = false;
    for (const node of nodes) {
      const waitingOn = remaining.get(node.name);
      if (!waitingOn || waitingOn.size > 0) continue;
      ordered.push(node);
      remaining.delete(node.name);
      for (const other of remaining.values()) other.delete(node.name);
      progressed = true;
      break; // rescan from the top so the earliest-declared ready node always comes next
    }
  }
  return ordered;
}

/** A node and every node downstream of it (that depends on it, directly or not). */
export function downstreamOf(nodes: readonly GraphNode[], name: string): Set<string> {
  const result = new Set([name]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const node of nodes) {
      if (!result.has(node.name) && node.after.some((upstream) => result.has(upstream))) {
        result.add(node.name);
        grew = true;
      }
    }
  }
  return result;
}
