/** A number for people to read: an integer as it is (a row count stays exact), anything else to 4 significant digits. */
export function shortNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}
