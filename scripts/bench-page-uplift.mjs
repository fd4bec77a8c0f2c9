// Times uplift fits in the page's worker (headless Chromium) beside the native CLI, on Hillstrom
// with the reference's held-out split: the forest of BENCHMARKS.md (50 KL trees, depth 5, 200 rows
// per leaf, 50 per group, n_reg 100; causalml 0.18 takes 7.7 s natively, UPLIFT.md) and the
// boosted X-learner (LightGBM's defaults). Each model alone, fitted RUNS times; the fit's time is
// the one the page shows (the worker's clock around the fit, as the CLI's `fit_seconds`). Then the
// forest from Run to everything of "Whom to target" on screen, and a cost change to the new
// recommendation (in-page clock, to the next frame).
//
//   node scripts/bench-page-uplift.mjs [RUNS=3] [DIST=dist] [CLI=target/release/counterfact]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serveDist } from './serve-dist.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [runsArg, distArg, cliArg] = process.argv.slice(2);
const runs = Number(runsArg || 3);
const dist = path.resolve(distArg || path.join(root, 'dist'));
const cli = path.resolve(cliArg || path.join(root, 'target', 'release', 'counterfact'));
const refs = path.resolve(root, '..', 'shared', 'refs');
const covariates = JSON.parse(fs.readFileSync(path.join(refs, 'uplift_results.json'), 'utf8')).uplift.hillstrom.covariates;
const a = fs.readFileSync(path.join(refs, 'data', 'hillstrom.csv'), 'utf8').trimEnd().split('\n');
const b = fs.readFileSync(path.join(refs, 'folds', 'hillstrom_uplift_split.csv'), 'utf8').trimEnd().split('\n');
const text = a.map((l, i) => `${l.replace(/\r$/, '')},${b[i].replace(/\r$/, '')}`).join('\n') + '\n';
const file = path.join(os.tmpdir(), 'cf-hillstrom-split.csv');
fs.writeFileSync(file, text);
const forest = { trees: 50, 'max-depth': 5, 'min-samples-leaf': 200, 'min-samples-treatment': 50, 'n-reg': 100 };

const { server, base } = await serveDist(dist);
const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-bench-'));
const ctx = await chromium.launchPersistentContext(userDir, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-dev-shm-usage'],
});
const page = await ctx.newPage();
await page.goto(base);
await page.locator('[data-testid=file-input]').waitFor({ state: 'attached' });
await page.setInputFiles('[data-testid=file-input]', file);
await page.locator('[data-testid=data-shape]').waitFor({ timeout: 60000 });
await page.selectOption('[data-testid=treatment-select]', 'treatment');
await page.selectOption('[data-testid=outcome-select]', 'visit');
for (const box of await page.locator('[data-testid^=covariate-]').all()) {
  const id = await box.getAttribute('data-testid');
  await box.setChecked(covariates.includes(id.slice('covariate-'.length)));
}
for (const box of await page.locator('[data-testid^=method-]').all()) {
  if (!(await box.isDisabled())) await box.setChecked((await box.getAttribute('data-testid')) === 'method-diff-means');
}
await page.click('[data-testid=run-button]');
await page.locator('[data-testid=who-responds]').waitFor({ timeout: 60000 });
await page.selectOption('[data-testid=uplift-split-column]', 'test');
await page.click('[data-testid=uplift-advanced] summary');
for (const [k, v] of Object.entries(forest)) await page.fill(`[data-testid=uplift-${k}]`, String(v)).then(() => page.press(`[data-testid=uplift-${k}]`, 'Tab'));

const median = (xs) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];
const out = [];
for (const model of ['uplift-forest-kl', 'x-learner-gbdt']) {
  for (const m of ['uplift-forest-kl', 'x-learner-gbdt']) await page.setChecked(`[data-testid=uplift-model-${m}]`, m === model);
  const seconds = [];
  let qini;
  for (let i = 0; i < runs; i++) {
    await page.click('[data-testid=uplift-button]');
    await page.locator(`[data-testid=uplift-row][data-model=${model}]`).waitFor({ timeout: 600000 });
    await page.locator('[data-testid=uplift-button]:not([disabled])').waitFor({ timeout: 600000 });
    const row = page.locator(`[data-testid=uplift-row][data-model=${model}]`);
    seconds.push(parseFloat(await row.locator('[data-testid=uplift-seconds]').textContent()));
    qini = Number(await row.locator('[data-testid=uplift-qini]').textContent());
  }
  const native = [];
  let nativeQini;
  for (let i = 0; i < runs; i++) {
    const flags = Object.entries(forest).flatMap(([k, v]) => [`--${k}`, String(v)]);
    const r = JSON.parse(execFileSync(cli, ['uplift', file, '--treatment', 'treatment', '--outcome', 'visit',
      '--covariates', covariates.join(','), '--model', model, '--split-column', 'test', '--bootstrap', '10', ...flags, '--json'], { encoding: 'utf8' }));
    native.push(r.models[0].fit_seconds);
    nativeQini = r.models[0].qini;
  }
  const row = { model, page_fit_s: median(seconds), native_fit_s: +median(native).toFixed(3), page_runs: seconds,
    ratio: +(median(seconds) / median(native)).toFixed(2), page_qini: qini, native_qini: +nativeQini.toFixed(4) };
  out.push(row);
  console.log(JSON.stringify(row));
}

// Whom to target: the 50-tree forest from Run to its table, curves, deciles and profit curve on
// screen (the page's clock, from the click to the first frame after the button is ready again),
// then a changed value per conversion to the recommendation redrawn.
for (const m of ['uplift-forest-kl', 'x-learner-gbdt']) await page.setChecked(`[data-testid=uplift-model-${m}]`, m === 'uplift-forest-kl');
const toScreen = [];
for (let i = 0; i < runs; i++) {
  toScreen.push(await page.evaluate(() => new Promise((resolve) => {
    const button = () => document.querySelector('[data-testid=uplift-button]');
    const done = () => !button().disabled && document.querySelector('[data-testid=profit-plot]')
      && document.querySelector('[data-testid=decile-table]') && document.querySelector('[data-testid=gain-curve]');
    let started = false;
    const start = performance.now();
    const watch = new MutationObserver(() => {
      if (button().disabled) started = true;
      if (started && done()) {
        watch.disconnect();
        requestAnimationFrame(() => resolve(performance.now() - start));
      }
    });
    watch.observe(document.body, { subtree: true, childList: true, attributes: true });
    button().click();
  })));
}
const costChange = [];
for (let i = 0; i < Math.max(10, runs); i++) {
  costChange.push(await page.evaluate((v) => new Promise((resolve) => {
    const rec = document.querySelector('[data-testid=uplift-recommendation]');
    const before = rec.dataset.profit;
    const input = document.querySelector('[data-testid=uplift-value]');
    const start = performance.now();
    const watch = new MutationObserver(() => {
      const now = document.querySelector('[data-testid=uplift-recommendation]');
      if (now && now.dataset.profit !== before) {
        watch.disconnect();
        requestAnimationFrame(() => resolve(performance.now() - start));
      }
    });
    watch.observe(document.body, { subtree: true, childList: true, attributes: true });
    input.value = String(v);
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }), 20 + i));
}
const decisions = { forest_run_to_screen_ms: Math.round(median(toScreen)), runs_ms: toScreen.map(Math.round),
  cost_change_ms: +median(costChange).toFixed(1), cost_change_max_ms: +Math.max(...costChange).toFixed(1) };
console.log(JSON.stringify(decisions));
await ctx.close();
server.close();
fs.rmSync(userDir, { recursive: true, force: true });
