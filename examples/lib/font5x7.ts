// A 5 x 7 bitmap font (HD44780-style glyphs) with only the characters the PNG figures write:
// digits, space, '-', and the lowercase letters of their labels. '#' is ink, '.' is paper; rows
// 0-6 stand on the baseline, and g and p add two descender rows (7-8).
const GLYPHS: Record<string, readonly string[]> = {
  ' ': ['.....', '.....', '.....', '.....', '.....', '.....', '.....'],
  '-': ['.....', '.....', '.....', '#####', '.....', '.....', '.....'],
  '0': ['.###.', '#...#', '#..##', '#.#.#', '##..#', '#...#', '.###.'],
  '1': ['..#..', '.##..', '..#..', '..#..', '..#..', '..#..', '.###.'],
  '2': ['.###.', '#...#', '....#', '...#.', '..#..', '.#...', '#####'],
  '3': ['#####', '...#.', '..#..', '...#.', '....#', '#...#', '.###.'],
  '4': ['...#.', '..##.', '.#.#.', '#..#.', '#####', '...#.', '...#.'],
  '5': ['#####', '#....', '####.', '....#', '....#', '#...#', '.###.'],
  '6': ['..##.', '.#...', '#....', '####.', '#...#', '#...#', '.###.'],
  '7': ['#####', '....#', '...#.', '..#..', '.#...', '.#...', '.#...'],
  '8': ['.###.', '#...#', '#...#', '.###.', '#...#', '#...#', '.###.'],
  '9': ['.###.', '#...#', '#...#', '.####', '....#', '...#.', '.##..'],
  a: ['.....', '.....', '.###.', '....#', '.####', '#...#', '.####'],
  c: ['.....', '.....', '.###.', '#....', '#....', '#...#', '.###.'],
  d: ['....#', '....#', '.##.#', '##..#', '#...#', '#...#', '.####'],
  e: ['.....', '.....', '.###.', '#...#', '#####', '#....', '.###.'],
  g: ['.....', '.....', '.####', '#...#', '#...#', '#...#', '.####', '....#', '.###.'],
  i: ['..#..', '.....', '.##..', '..#..', '..#..', '..#..', '.###.'],
  l: ['.##..', '..#..', '..#..', '..#..', '..#..', '..#..', '.###.'],
  m: ['.....', '.....', '##.#.', '#.#.#', '#.#.#', '#...#', '#...#'],
  n: ['.....', '.....', '#.##.', '##..#', '#...#', '#...#', '#...#'],
  o: ['.....', '.....', '.###.', '#...#', '#...#', '#...#', '.###.'],
  p: ['.....', '.....', '####.', '#...#', '#...#', '#...#', '####.', '#....', '#....'],
  r: ['.....', '.....', '#.##.', '##..#', '#....', '#....', '#....'],
  s: ['.....', '.....', '.###.', '#....', '.###.', '....#', '####.'],
  t: ['.#...', '.#...', '###..', '.#...', '.#...', '.#..#', '..##.'],
  u: ['.....', '.....', '#...#', '#...#', '#...#', '#..##', '.##.#'],
  w: ['.....', '.....', '#...#', '#...#', '#.#.#', '#.#.#', '.#.#.'],
  x: ['.....', '.....', '#...#', '.#.#.', '..#..', '.#.#.', '#...#'],
};

/** Glyph cell including one column of spacing; CELL_H includes the descenders and one row of spacing. */
export const CELL_W = 6, CELL_H = 10;

/** Width in pixels of `text` drawn at `scale` (no trailing space). */
export function textWidthPx(text: string, scale: number): number {
  return text.length === 0 ? 0 : (text.length * CELL_W - 1) * scale;
}

/** The glyph of `ch`; a character outside the table is an error naming it. */
export function glyph(ch: string): readonly string[] {
  const g = GLYPHS[ch];
  if (!g) throw new Error(`font5x7: character ${JSON.stringify(ch)} is not in the glyph table; expected one of ${JSON.stringify(Object.keys(GLYPHS).join(''))}`);
  return g;
}

/** Calls `ink(x, y)` for every ink pixel of `text` with its top-left corner at (x, y), each font pixel a `scale` x `scale` square. */
export function rasterize(text: string, x: number, y: number, scale: number, ink: (px: number, py: number) => void): void {
  [...text].forEach((ch, i) => {
    const rows = glyph(ch);
    for (let r = 0; r < rows.length; r++) {
      for (let c = 0; c < 5; c++) {
        if (rows[r]![c] !== '#') continue;
        for (let dy = 0; dy < scale; dy++) for (let dx = 0; dx < scale; dx++) ink(x + (i * CELL_W + c) * scale + dx, y + r * scale + dy);
      }
    }
  });
}
