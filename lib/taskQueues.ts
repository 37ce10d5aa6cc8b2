/** Task queue naming, shared by the workflow (which schedules steps) and the workers (which poll). */
export function stepTaskQueue(queue: string): string {
  return `cairn-${queue}`;
}
