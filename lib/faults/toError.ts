/**
 * Turns whatever was thrown (an Error, a string, a plain object, null) into an Error whose message
 * says what it was, so a step's failure is readable in the run's state and the Temporal Web UI
 * instead of "undefined" or "null". A plain object with a string `name` keeps it: `{ name: 'DataError' }`
 * thrown from a step still carries its retry policy.
 */
export function toError(thrown: unknown): Error {
  if (thrown instanceof Error) {
    if (!thrown.message) thrown.message = `${thrown.name || 'Error'} (no message)`;
    return thrown;
  }
  if (typeof thrown === 'string') return new Error(thrown || 'an empty string was thrown');
  if (thrown === null || thrown === undefined || typeof thrown !== 'object') {
    return new Error(`a non-Error value was thrown: ${String(thrown)}`);
  }
  const record = thrown as Record<string, unknown>;
  const error = new Error(
    typeof record.message === 'string' && record.message ? record.message : `a non-Error object was thrown: ${describe(thrown)}`,
  );
  if (typeof record.name === 'string' && /^[A-Za-z][\w.-]{0,63}$/.test(record.name)) error.name = record.name;
  return error;
}

function describe(value: object): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 2_000 ? `${text.slice(0, 2_000)}…` : text;
}
