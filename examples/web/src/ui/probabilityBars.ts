// Ten horizontal bars, one per class, their widths the predicted probabilities.

export class ProbabilityBars {
  private readonly fills: HTMLElement[] = [];
  private readonly values: HTMLElement[] = [];
  private readonly rows: HTMLElement[] = [];

  constructor(list: HTMLElement) {
    for (let c = 0; c < 10; c++) {
      const row = document.createElement('li');
      row.dataset['class'] = String(c);
      const label = document.createElement('span');
      label.className = 'bar-label';
      label.textContent = String(c);
      const track = document.createElement('span');
      track.className = 'bar-track';
      const fill = document.createElement('span');
      fill.className = 'bar-fill';
      track.append(fill);
      const value = document.createElement('span');
      value.className = 'bar-value';
      row.append(label, track, value);
      list.append(row);
      this.rows.push(row);
      this.fills.push(fill);
      this.values.push(value);
    }
  }

  show(probs: ArrayLike<number> | null, predicted: number | null): void {
    for (let c = 0; c < 10; c++) {
      const p = probs?.[c] ?? 0;
      this.fills[c]!.style.transform = `scaleX(${p})`;
      this.values[c]!.textContent = probs ? `${(100 * p).toFixed(1)} %` : '';
      this.rows[c]!.classList.toggle('top', c === predicted);
    }
  }
}
