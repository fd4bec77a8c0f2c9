// Times the page end to end in headless Chromium on a large CSV: choose the file → table read in
// the worker → Run → results on screen.
//
//   node scripts/bench-page.mjs FILE.csv [RUNS=3] [DIST=dist] [METHODS=ols]
//
// METHODS `ols` unticks every other method, so the run is OLS alone; `default` keeps the methods
// the page ticks on its own and waits for a row (or an error) of each.
// Expects the synthetic benchmark files (columns y, w, tau, e, x0..x19): treatment w, outcome y,
// covariates x0..x19 (tau and e are unticked), as in the Python reference timings.
// The file is handed to the page's file input (the same worker path as a drop; building a
// DataTransfer of a 270 MB file inside the page would time the test harness, not the page).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { serveDist } from './serve-dist.mjs';

const [file, runsArg, distArg, methodsArg] = process.argv.slice(2);
if (!file) { console.error('usage: node scripts/bench-page.mjs FILE.csv [RUNS] [DIST] [ols|default]'); process.exit(2); }
const methods = methodsArg || 'ols';
if (!['ols', 'default'].includes(methods)) { console.error(`METHODS is ols or default, not ${methods}`); process.exit(2); }
const runs = Number(runsArg || 3);
const dist = path.resolve(distArg || 'dist');

const { server, base } = await serveDist(dist);

const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-bench-'));
const ctx = await chromium.launchPersistentContext(userDir, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
for (let i = 0; i < runs; i++) {
  const page = await ctx.newPage();
  await page.goto(base);
  await page.locator('[data-testid=file-input]').waitFor({ state: 'attached' });
  // In-page clocks: from the input's `change` (what a drop also triggers) to the table preview,
  // and from the Run click to the result row, observed by a MutationObserver: the page's time,
  // without the automation's polling.
  await page.evaluate(() => {
    const t = (window.__bench = {});
    document.addEventListener('change', (e) => { if (e.target.type === 'file') t.change = performance.now(); }, true);
    document.addEventListener('click', (e) => { if (e.target.closest('[data-testid=run-button]')) t.click = performance.now(); }, true);
    // Done when every ticked method has its row or its error.
    const done = () => {
      const want = t.methods || 0;
      const got = document.querySelectorAll('tr[data-testid^=result-], [data-testid^=method-error-]').length;
      return want > 0 && got >= want;
    };
    new MutationObserver(() => {
      if (!t.loaded && document.querySelector('[data-testid=data-shape]')) t.loaded = performance.now();
      if (t.click && !t.result && done()) t.result = performance.now();
    }).observe(document.body, { childList: true, subtree: true });
  });
  const t0 = Date.now();
  await page.setInputFiles('[data-testid=file-input]', file);
  await page.locator('[data-testid=data-shape]').waitFor({ timeout: 600000 });
  const tLoaded = Date.now();
  const workerRead = await page.locator('.data-card .card-head').textContent();
  await page.selectOption('[data-testid=treatment-select]', 'w');
  await page.selectOption('[data-testid=outcome-select]', 'y');
  for (const c of ['tau', 'e']) await page.uncheck(`[data-testid=covariate-${c}]`);
  if (methods === 'ols') {
    for (const box of await page.locator('input[data-testid^=method-]').all()) {
      const id = await box.getAttribute('data-testid');
      if (id === 'method-ols') await box.check(); else if (await box.isChecked()) await box.uncheck();
    }
  }
  const ticked = await page.locator('input[data-testid^=method-]:checked').evaluateAll((els) => els.map((e) => e.dataset.testid.slice(7)));
  await page.evaluate((n) => { window.__bench.methods = n; }, ticked.length);
  const t1 = Date.now();
  await page.click('[data-testid=run-button]');
  const ols = page.locator('[data-testid=result-ols]');
  await page.waitForFunction(() => window.__bench.result, null, { timeout: 600000 });
  const t2 = Date.now();
  const computed = (await page.locator('.results-card .card-head .muted').textContent()).trim();
  const inPage = await page.evaluate(() => window.__bench);
  const pageLoad = (inPage.loaded - inPage.change) / 1000;
  const pageRun = (inPage.result - inPage.click) / 1000;
  const hasOls = (await ols.count()) > 0;
  const attr = async (a) => (hasOls ? Number(await ols.getAttribute(a)) : NaN);
  const [estimate, ciLow, ciHigh] = [await attr('data-estimate'), await attr('data-ci-low'), await attr('data-ci-high')];
  rows.push({ methods: ticked, load: pageLoad, run: pageRun, total: pageLoad + pageRun,
    harness_load: (tLoaded - t0) / 1000, harness_run: (t2 - t1) / 1000, estimate, ciLow, ciHigh });
  console.log(`run ${i + 1}: in page: load ${pageLoad.toFixed(2)} s, estimate ${pageRun.toFixed(2)} s;` +
    ` as seen by the harness: ${((tLoaded - t0) / 1000).toFixed(2)} s + ${((t2 - t1) / 1000).toFixed(2)} s` +
    ` (worker: ${workerRead.replace(/.*read in/s, 'read in').trim()}, ${computed}); ${ticked.length} methods (${ticked.join(', ')});` +
    ` ols ${estimate} [${ciLow}, ${ciHigh}]`);
  await page.close();
}
await ctx.close();
server.close();
fs.rmSync(userDir, { recursive: true, force: true });
const m = (k) => median(rows.map((r) => r[k])).toFixed(2);
console.log(`median over ${runs} (in page): load ${m('load')} s, estimate ${m('run')} s, total ${m('total')} s;` +
  ` harness: ${m('harness_load')} s + ${m('harness_run')} s`);
console.log(JSON.stringify({ file: path.basename(file), methods, runs, median_load_s: +m('load'), median_run_s: +m('run'), median_total_s: +m('total'), last: rows.at(-1) }));
