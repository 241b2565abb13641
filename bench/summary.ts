// The summary tables printed at the end of `pnpm bench`: one column per backend and thread count,
// PyTorch's and the inference peers' (onnxruntime-web, onnxruntime-node) figures beside ours when they
// were measured in the same session, and our ratio to them.
import type { BenchRecord } from './measure.js';

const TORCH_WAY: Record<string, string> = {
  'avgPool2d(x, [H, W])': 'avg_pool2d(x, (H, W))',
  'adaptiveAvgPool2d(x, 1)': 'adaptive_avg_pool2d(x, 1)',
  'x.mean([2, 3])': 'x.mean(dim=(2, 3))',
  'maxPool2d(x, 3, { stride: 2 })': 'max_pool2d(x, 3, stride 2)',
};

/** The peers' figures and our targets from the speed issue (EPYC, 2 vCPU), per model and pass. */
const PEERS: Record<string, { torchEpyc: string; tfjsWasm: string; target: number }> = {
  'nin|train': { torchEpyc: '460-840', tfjsWasm: 'cannot train', target: 600 },
  'nin|infer': { torchEpyc: '660-972', tfjsWasm: '927', target: 1800 },
  'nin-fc|train': { torchEpyc: '369', tfjsWasm: 'cannot train', target: 500 },
  'nin-fc|infer': { torchEpyc: '461-491', tfjsWasm: '860', target: 1600 },
  'squeezenet|train': { torchEpyc: '1,276', tfjsWasm: 'cannot train', target: 1000 },
  'squeezenet|infer': { torchEpyc: '520', tfjsWasm: '804', target: 2400 },
};

function configOf(r: BenchRecord): string {
  return `${String(r['backend'])} t${String(r['threads'])}`;
}

function num(r: BenchRecord | undefined, key: string): number | null {
  const v = r?.[key];
  return typeof v === 'number' ? v : null;
}

function fmt(v: number | null, digits = 1): string {
  if (v === null) return '-';
  return v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(digits);
}

function table(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  process.stdout.write(`\n${title}\n${line(header)}\n|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|\n`);
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
}

export function printSummary(records: readonly BenchRecord[]): void {
  const ours = records.filter((r) => r['system'] === 'tapegrad' && r['error'] === undefined);
  const torch = records.filter((r) => r['system'] === 'pytorch' && r['error'] === undefined);
  const configs = [...new Set(ours.map(configOf))];
  const cell = (pred: (r: BenchRecord) => boolean, key: string, c: string): number | null => num(ours.find((r) => pred(r) && configOf(r) === c), key);

  const gemmWays = [...new Set(ours.filter((r) => r['bench'] === 'gemm').map((r) => String(r['way'])))];
  if (gemmWays.length > 0) {
    table('GEMM GFLOP/s (nin conv shapes, batch 64)', ['shape', ...configs],
      gemmWays.map((w) => [w, ...configs.map((c) => fmt(cell((r) => r['bench'] === 'gemm' && r['way'] === w, 'gflops', c)))]));
  }
  const convKeys = [...new Set(ours.filter((r) => r['bench'] === 'conv').map((r) => `${String(r['way'])} ${String(r['pass'])}`))];
  if (convKeys.length > 0) {
    table('conv kernels, ms (GFLOP/s), batch 64', ['layer pass', ...configs],
      convKeys.map((k) => [k, ...configs.map((c) => {
        const r = ours.find((x) => x['bench'] === 'conv' && `${String(x['way'])} ${String(x['pass'])}` === k && configOf(x) === c);
        return r === undefined ? '-' : `${fmt(num(r, 'median_ms'), 2)} (${fmt(num(r, 'gflops'))})`;
      })]));
  }
  const microKeys = [...new Set(ours.filter((r) => r['bench'] === 'gap' || r['bench'] === 'maxpool').map((r) => `${String(r['way'])}|${String(r['pass'])}`))];
  if (microKeys.length > 0) {
    const rows = microKeys.map((k) => {
      const [way, pass] = k.split('|') as [string, string];
      const vals = configs.map((c) => cell((r) => r['way'] === way && r['pass'] === pass, 'median_ms', c));
      const t = num(torch.find((r) => r['way'] === TORCH_WAY[way] && r['pass'] === pass), 'median_ms');
      const best = Math.min(...vals.filter((v): v is number => v !== null));
      return [`${way} ${pass}`, ...vals.map((v) => fmt(v, 2)), fmt(t, 2), t === null || !Number.isFinite(best) ? '-' : `${(t / best).toFixed(2)}x`];
    });
    table('micro-benchmarks, ms (median); targets: forward within 2x of PyTorch, forward+backward faster than PyTorch',
      ['case', ...configs, 'PyTorch', 'PyTorch / best ours'], rows);
  }
  // The inference peers of bench/peers.ts (same session), one column each with our ratio to it.
  const peerRecords = records.filter((r) => r['part'] === 'peers' && r['error'] === undefined);
  const ortPeers = (['onnxruntime-web', 'onnxruntime-node'] as const).flatMap((name) => {
    const recs = peerRecords.filter((r) => r['peer'] === name);
    if (recs.length === 0) return [];
    const threads = [...new Set(recs.map((r) => String(r['threads'])))].join('/');
    const title = name === 'onnxruntime-web' ? `onnxruntime-web (wasm, ${threads} threads)` : `onnxruntime-node (native, ${threads} threads)`;
    return [{ title, short: name === 'onnxruntime-web' ? 'ort-web' : 'ort-node', records: recs }];
  });
  const modelKeys = [...new Set([...ours.filter((r) => r['model'] !== undefined && r['img_per_s'] !== undefined), ...peerRecords]
    .map((r) => `${String(r['model'])}|${String(r['pass'])}`))];
  if (modelKeys.length > 0) {
    const rows = modelKeys.map((k) => {
      const [model, pass] = k.split('|') as [string, string];
      const pred = (r: BenchRecord): boolean => r['model'] === model && r['pass'] === pass;
      const vals = configs.map((c) => cell(pred, 'img_per_s', c));
      const t = num(torch.find(pred), 'img_per_s');
      const best = Math.max(...vals.filter((v): v is number => v !== null));
      const rss = configs.map((c) => fmt(cell(pred, 'peak_rss_mib', c), 0)).join(' / ');
      const eff = configs.map((c) => fmt(cell(pred, 'effective_gflops', c))).join(' / ');
      const peer = PEERS[k];
      const target = peer === undefined ? '-' : `>= ${peer.target.toLocaleString('en-US')} ${Number.isFinite(best) && best >= peer.target ? 'met' : 'not met'}`;
      const peerCells = ortPeers.flatMap((p) => {
        const v = num(p.records.find(pred), 'imagesPerSecond');
        return [fmt(v), v === null || !Number.isFinite(best) ? '-' : `${(best / v).toFixed(2)}x`];
      });
      return [`${model} ${pass}`, ...vals.map((v) => fmt(v)), fmt(t), t === null ? '-' : `${(best / t).toFixed(2)}x`, ...peerCells,
        peer?.torchEpyc ?? '-', peer?.tfjsWasm ?? '-', target, eff, rss];
    });
    table('models, images/s (train: batch 64 with SGD step; infer: batch 256, eval, noGrad)',
      ['model pass', ...configs, 'PyTorch (this run)', 'best ours / PyTorch', ...ortPeers.flatMap((p) => [p.title, `best ours / ${p.short}`]),
        'PyTorch EPYC (issue)', 'tfjs wasm 1t EPYC (issue)', 'target EPYC', 'effective GFLOP/s', 'peak RSS MiB'], rows);
    const diffs = peerRecords.filter((r) => r['maxDiff'] !== undefined)
      .map((r) => `${String(r['peer'])} ${String(r['model'])} ${Number(r['maxDiff']).toExponential(2)}${r['maxDiffOk'] === false ? ' (over 1e-4!)' : ''}`
        + (r['max_abs_output'] !== undefined ? ` (max |output| ${String(r['max_abs_output'])})` : ''));
    if (diffs.length > 0) process.stdout.write(`peers' max |output - tapegrad eval forward| on the batch: ${diffs.join(', ')}\n`);
  }
  printBrowserSummary(records);
  const errors = records.filter((r) => r['error'] !== undefined);
  for (const e of errors) process.stdout.write(`error: ${JSON.stringify(e)}\n`);
}

/**
 * `--only browser` (bench/browser.ts): nin-bn training in examples/web's worker in Chromium beside
 * the same loop in Node, each row's ratio to Node; the page served without COOP/COEP as a third row.
 */
function printBrowserSummary(records: readonly BenchRecord[]): void {
  const ok = records.filter((r) => r['part'] === 'browser' && r['error'] === undefined);
  const last = (side: string): BenchRecord | undefined => ok.filter((r) => r['side'] === side).at(-1);
  const node = last('node'), isolated = last('chromium-worker'), plain = last('chromium-worker-not-isolated');
  const any = node ?? isolated ?? plain;
  if (any === undefined) return;
  const nodeIps = num(node, 'imagesPerSecond');
  const row = (label: string, r: BenchRecord | undefined): string[] => {
    const ips = num(r, 'imagesPerSecond');
    const coi = r?.['crossOriginIsolated'];
    return [label, r === undefined ? '-' : `${String(r['backend'])}`, r === undefined ? '-' : String(r['threads']),
      typeof coi === 'boolean' ? (coi ? 'yes' : 'no') : '-', fmt(ips), ips === null || nodeIps === null ? '-' : `${(ips / nodeIps).toFixed(2)}x`];
  };
  const chromium = typeof isolated?.['chromium'] === 'string' ? isolated['chromium'] : typeof plain?.['chromium'] === 'string' ? plain['chromium'] : '?';
  const nodeVersion = typeof node?.['node'] === 'string' ? node['node'] : process.version;
  table(`nin-bn training, images/s (epoch ${String(any['timedEpoch'])} of ${String(any['epochs'])} on ${fmt(num(any, 'subset'), 0)} images, batch 64, ` +
    `--threads ${String(any['requestedThreads'])}; ${String(any['cpu'])}, ${String(any['cores'])} cores)`,
  ['side', 'backend', 'threads', 'cross-origin isolated', 'images/s', '/ Node'], [
    row(`Chromium ${chromium}, examples/web's worker`, isolated),
    row(`Node ${nodeVersion}, examples/web/src/recipeRun.ts`, node),
    ...(plain === undefined ? [] : [row(`Chromium ${chromium}, page without COOP/COEP`, plain)]),
  ]);
  if (plain !== undefined) {
    const said = [plain['pageMessage'], plain['pageThreadReason']].filter((s): s is string => typeof s === 'string' && s !== '');
    process.stdout.write(`without COOP/COEP the page says: ${said.length > 0 ? said.map((s) => JSON.stringify(s)).join('; ') : '(nothing)'}\n`);
  }
}
