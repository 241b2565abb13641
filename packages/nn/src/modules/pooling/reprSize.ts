/** Formats a size option the way PyTorch's extra_repr prints it (`3`, `(2, 3)`, `None`). */
export function reprSize(v: number | null | undefined | readonly (number | null)[]): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'number') return String(v);
  return `(${v.map((e) => (e === null ? 'None' : String(e))).join(', ')})`;
}

/** Formats a boolean as PyTorch prints it. */
export function reprBool(v: boolean): string {
  return v ? 'True' : 'False';
}
