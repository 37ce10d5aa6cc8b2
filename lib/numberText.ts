/** A number for people to read: an integer as it is (a row count stays exact), anything else to 4 significant digits. */
export function shortNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}

/** A share (0-1) as a percentage to one decimal: 0.1 -> "10%", 0.125 -> "12.5%". */
export function percentText(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}
