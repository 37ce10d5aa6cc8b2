/** Task queue naming, shared by the workflow (which schedules steps) and the workers (which poll). */
export function stepTaskQueue(queue: string): string {
  return `cairn-${queue}`;
}

/** The queue a step declared, from its task queue (`cairn-python` -> `python`); null for the pipelines' own queue or another. */
export function declaredQueue(taskQueue: string, pipelinesQueue: string | undefined): string | null {
  const prefix = stepTaskQueue('');
  return taskQueue === pipelinesQueue || !taskQueue.startsWith(prefix) ? null : taskQueue.slice(prefix.length);
}
