// Python's float formatting ('{:.4f}', '{:.4e}'), which tensor printing follows: the exact binary
// value correctly rounded, ties to even. JavaScript's toFixed/toExponential round ties away from
// zero (0.03125 -> '0.0313', Python '0.0312'), so the digits are rounded here from a long
// expansion (exact for float32 values: their decimal expansions end well within 60 digits).

const EXTRA = 60;

/** Adds one unit in the last place to a string of decimal digits; the result may be one digit longer. */
function increment(digits: string): string {
  const d = digits.split('');
  for (let i = d.length - 1; i >= 0; i--) {
    if (d[i] !== '9') {
      d[i] = String(Number(d[i]) + 1);
      return d.join('');
    }
    d[i] = '0';
  }
  return '1' + d.join('');
}

/** Whether `kept` followed by the dropped digits `rest` rounds up (half to even). */
function roundsUp(kept: string, rest: string): boolean {
  const first = rest.charCodeAt(0) - 48;
  if (!(first >= 5)) return false;
  if (first > 5 || /[1-9]/.test(rest.slice(1))) return true;
  return (kept.charCodeAt(kept.length - 1) - 48) % 2 === 1;
}

function special(v: number): string | null {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return null;
}

function sign(v: number): string {
  return v < 0 || Object.is(v, -0) ? '-' : '';
}

/** Python's `'{:.Nf}'.format(v)`. */
export function pyFixed(v: number, digits: number): string {
  const s = special(v);
  if (s !== null) return s;
  const a = Math.abs(v);
  if (a >= 1e21) return sign(v) + a.toFixed(digits); // not reached by tensor printing (it switches to 'e' first)
  const long = a.toFixed(Math.min(100, digits + EXTRA));
  const point = long.indexOf('.');
  const intPart = long.slice(0, point), frac = long.slice(point + 1);
  let kept = intPart + frac.slice(0, digits);
  if (roundsUp(kept, frac.slice(digits))) kept = increment(kept);
  const cut = kept.length - digits;
  return sign(v) + (digits === 0 ? kept : `${kept.slice(0, cut)}.${kept.slice(cut)}`);
}

/** Python's `'{:.Ne}'.format(v)`: `d.dddde+XX`, the exponent with at least two digits. */
export function pyExp(v: number, digits: number): string {
  const s = special(v);
  if (s !== null) return s;
  const long = Math.abs(v).toExponential(Math.min(100, digits + EXTRA));
  const [mant, e] = long.split('e') as [string, string];
  const all = mant.replace('.', '');
  let kept = all.slice(0, digits + 1);
  let exp = Number(e);
  if (roundsUp(kept, all.slice(digits + 1))) {
    kept = increment(kept);
    if (kept.length > digits + 1) { kept = kept.slice(0, digits + 1); exp += 1; }
  }
  const body = digits === 0 ? kept : `${kept[0]}.${kept.slice(1)}`;
  const ae = Math.abs(exp);
  return `${sign(v)}${body}e${exp < 0 ? '-' : '+'}${ae < 10 ? '0' : ''}${ae}`;
}
