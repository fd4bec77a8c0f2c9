// Times "Suggest a graph from the data" in headless Chromium beside the release CLI's
// `counterfact discover` (read included) on the same files and settings: Sachs continuous
// (Fisher-z), Sachs discrete (chi-square), and a generated linear-Gaussian file of 40 columns and
// 100,000 rows (a random DAG, two parents per node on average, seeded). PC alone, alpha 0.05, no
// bootstrap; the page's time runs from the click on *Suggest a graph* to the proposal on screen,
// and the worker's own time is the one the proposal reports.
//
//   node scripts/bench-page-discover.mjs [RUNS=1] [DIST=dist]
//
// The CLI is $CF_CLI (default target/release/counterfact). With $CF_PYTHON (the checks' environment,
// as scripts/setup.sh exports it), causal-learn's `pc` is timed on the same file and test after the
// page and the CLI (scripts/bench_discover.py: reading apart, pc alone). Prints one JSON line per
// file and run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { serveDist } from './serve-dist.mjs';

const [runsArg, distArg] = process.argv.slice(2);
const runs = Number(runsArg || 1);
const dist = path.resolve(distArg || 'dist');
const cli = process.env.CF_CLI || path.resolve('target/release/counterfact');
const refs = path.resolve('..', 'shared', 'refs', 'data');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-bench-discover-'));

// 40 columns, 100k rows: x_j = Σ b_jk x_k (k < j, each with probability 2/j) + noise.
function synth(file, p, n) {
  let seed = 12345;
  const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
  const parents = Array.from({ length: p }, (_, j) => {
    const ps = [];
    for (let k = 0; k < j; k++) if (rnd() < 2 / j) ps.push([k, (0.5 + rnd()) * (rnd() < 0.5 ? -1 : 1)]);
    return ps;
  });
  const out = fs.openSync(file, 'w');
  fs.writeSync(out, Array.from({ length: p }, (_, j) => `v${j}`).join(',') + '\n');
  const x = new Float64Array(p);
  let chunk = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) {
      let v = gauss();
      for (const [k, b] of parents[j]) v += b * x[k];
      x[j] = v;
    }
    chunk.push(Array.from(x, (v) => v.toFixed(5)).join(','));
    if (chunk.length === 5000) { fs.writeSync(out, chunk.join('\n') + '\n'); chunk = []; }
  }
  if (chunk.length) fs.writeSync(out, chunk.join('\n') + '\n');
  fs.closeSync(out);
}
const wide = path.join(tmp, 'linear_gaussian_40x100000.csv');
synth(wide, 40, 100000);
const files = [path.join(refs, 'sachs_continuous.csv'), path.join(refs, 'sachs_discrete.csv'), wide];

const { server, base } = await serveDist(dist);
const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-bench-'));
const ctx = await chromium.launchPersistentContext(userDir, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-dev-shm-usage'],
});
for (let i = 0; i < runs; i++) {
  for (const file of files) {
    const page = await ctx.newPage();
    await page.goto(base);
    await page.locator('[data-testid=file-input]').waitFor({ state: 'attached' });
    await page.setInputFiles('[data-testid=file-input]', file);
    await page.locator('[data-testid=data-shape]').waitFor({ timeout: 600000 });
    await page.click('[data-testid=discover-open]');
    await page.click('[data-testid=discover-all-columns]');
    await page.selectOption('[data-testid=discover-resamples]', '0');
    const t0 = Date.now();
    await page.click('[data-testid=discover-button]');
    await page.locator('[data-testid=proposal]').waitFor({ timeout: 600000 });
    const wall = (Date.now() - t0) / 1000;
    const summary = (await page.locator('[data-testid=proposal-summary]').textContent()).trim();
    const edges = await page.getAttribute('[data-testid=proposal]', 'data-edges');
    const c0 = Date.now();
    const out = JSON.parse(execFileSync(cli, ['discover', file, '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 }));
    const native = (Date.now() - c0) / 1000;
    const same = Number(edges) === out.directed.length + out.undirected.length;
    let causallearn;
    if (process.env.CF_PYTHON) {
      const script = path.resolve('scripts', 'bench_discover.py');
      causallearn = JSON.parse(execFileSync(process.env.CF_PYTHON, [script, file, out.test],
        { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' } }));
    }
    console.log(JSON.stringify({ run: i + 1, file: path.basename(file), page_seconds: wall, cli_seconds: native,
      edges: Number(edges), same_edge_count_as_cli: same, summary, causallearn }));
    await page.close();
  }
}
await ctx.close();
server.close();
fs.rmSync(userDir, { recursive: true, force: true });
fs.rmSync(tmp, { recursive: true, force: true });
