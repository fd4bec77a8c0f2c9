// Times the page's refutation tests in headless Chromium on a large CSV: the file read, OLS and
// IPW estimated, then for each method the five refuters (100 replications each, the page's
// default) from the click on *Run refutation tests* to the checklist on screen, beside the
// release CLI's `counterfact refute` on the same file and settings.
//
//   node scripts/bench-page-refute.mjs FILE.csv [RUNS=1] [DIST=dist]
//
// Expects the synthetic benchmark files (columns y, w, tau, e, x0..x19; ../shared/refs/make_synth.py):
// treatment w, outcome y, covariates x0..x19. The CLI is $CF_CLI (default target/release/counterfact).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { serveDist } from './serve-dist.mjs';

const [file, runsArg, distArg] = process.argv.slice(2);
if (!file) { console.error('usage: node scripts/bench-page-refute.mjs FILE.csv [RUNS] [DIST]'); process.exit(2); }
const runs = Number(runsArg || 1);
const dist = path.resolve(distArg || 'dist');
const cli = process.env.CF_CLI || path.resolve('target/release/counterfact');
const { server, base } = await serveDist(dist);
const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-bench-'));
const ctx = await chromium.launchPersistentContext(userDir, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-dev-shm-usage'],
});
const covs = Array.from({ length: 20 }, (_, i) => `x${i}`).join(',');
for (let i = 0; i < runs; i++) {
  const page = await ctx.newPage();
  await page.goto(base);
  await page.locator('[data-testid=file-input]').waitFor({ state: 'attached' });
  await page.setInputFiles('[data-testid=file-input]', file);
  await page.locator('[data-testid=data-shape]').waitFor({ timeout: 600000 });
  await page.selectOption('[data-testid=treatment-select]', 'w');
  await page.selectOption('[data-testid=outcome-select]', 'y');
  for (const c of ['tau', 'e']) await page.uncheck(`[data-testid=covariate-${c}]`);
  for (const box of await page.locator('[data-testid^=method-]').all()) {
    if (await box.isDisabled()) continue;
    const id = (await box.getAttribute('data-testid')).slice('method-'.length);
    await box.setChecked(id === 'ols' || id === 'ipw');
  }
  await page.click('[data-testid=run-button]');
  await page.locator('[data-testid=result-ipw]').waitFor({ timeout: 600000 });
  for (const [method, label] of [['ols', 'OLS'], ['ipw', 'Inverse probability']]) {
    await page.selectOption('[data-testid=refute-method]', method);
    await page.selectOption('[data-testid=refute-replications]', '100');
    const t0 = Date.now();
    await page.click('[data-testid=refute-button]');
    await page.locator('[data-testid=refute-summary]').filter({ hasText: label }).waitFor({ timeout: 600000 });
    const wall = (Date.now() - t0) / 1000;
    const summary = (await page.locator('[data-testid=refute-summary]').textContent()).trim();
    const c0 = Date.now();
    try {
      execFileSync(cli, ['refute', file, '--treatment', 'w', '--outcome', 'y', '--covariates', covs,
        '--method', method, '--n', '100', '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    } catch (e) {
      // Exit status 1: a refuter failed (its report is still printed); anything else is an error.
      if (e.status !== 1) throw e;
    }
    const native = (Date.now() - c0) / 1000;
    console.log(JSON.stringify({ run: i + 1, method, page_seconds: wall, cli_seconds: native, summary }));
  }
  await page.close();
}
await ctx.close();
server.close();
fs.rmSync(userDir, { recursive: true, force: true });
