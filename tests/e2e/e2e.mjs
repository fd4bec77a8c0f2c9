// End-to-end tests of the Trunk-built page (dist/) in Debian's headless Chromium.
//
//   node tests/e2e/e2e.mjs [DIST_DIR]
//
// Serves DIST_DIR (default: dist) from a tiny in-process HTTP server on 127.0.0.1, drives the page
// with playwright-core, and compares the page's numbers with the `counterfact` CLI (path in $CF_CLI,
// default target/debug/counterfact). Fails on any page error, console error or request that leaves
// the page's own origin. Screenshots go to tests/artifacts/. Prints "N passed, M failed".
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const dist = path.resolve(process.argv[2] || path.join(root, 'dist'));
const refs = path.resolve(root, '..', 'shared', 'refs', 'data');
const artifacts = path.join(root, 'tests', 'artifacts');
const cli = process.env.CF_CLI || path.join(root, 'target', 'debug', 'counterfact');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
fs.mkdirSync(artifacts, { recursive: true });

// ---------------------------------------------------------------- static server
const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css',
  '.csv': 'text/csv', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json' };
function serve(dir) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    let file = path.join(dir, decodeURIComponent(url.pathname));
    if (!file.startsWith(dir)) { res.writeHead(403); return res.end(); }
    if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(dir, 'index.html');
    res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// ---------------------------------------------------------------- helpers
function cliJson(args) {
  return JSON.parse(execFileSync(cli, ['estimate', ...args, '--json'], { encoding: 'utf8' }));
}

/** Drops a file on the drop zone with real dragover + drop events carrying a DataTransfer. */
async function dropFile(page, name, contents) {
  const dt = await page.evaluateHandle(([name, text]) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], name, { type: 'text/csv' }));
    return dt;
  }, [name, contents]);
  await page.dispatchEvent('[data-testid=dropzone]', 'dragenter', { dataTransfer: dt });
  await page.dispatchEvent('[data-testid=dropzone]', 'dragover', { dataTransfer: dt });
  await page.dispatchEvent('[data-testid=dropzone]', 'drop', { dataTransfer: dt });
}

async function resultAttrs(page, method) {
  const el = page.locator(`[data-testid=result-${method}]`);
  await el.waitFor({ timeout: 30000 });
  return el.evaluate((e) => ({
    estimate: Number(e.dataset.estimate), stdError: Number(e.dataset.stdError),
    ciLow: Number(e.dataset.ciLow), ciHigh: Number(e.dataset.ciHigh), n: Number(e.dataset.n) }));
}

function assert(cond, msg) { if (!cond) throw new Error(msg); }
function close(a, b, rel, what) {
  assert(Math.abs(a - b) <= rel * Math.max(Math.abs(b), 1e-300), `${what}: page ${a} vs CLI ${b}`);
}

// ---------------------------------------------------------------- tests
const nswText = fs.readFileSync(path.join(refs, 'nsw_experimental.csv'), 'utf8');
const tests = [];
const test = (name, fn) => tests.push({ name, fn });

test('landing page renders with drop zone and example', async ({ page }) => {
  await page.locator('[data-testid=dropzone]').waitFor();
  await page.locator('[data-testid=example-nsw]').waitFor();
  await page.screenshot({ path: path.join(artifacts, 'landing.png'), fullPage: true });
});

test('a dropped CSV gives the same OLS estimate as the CLI', async ({ page }) => {
  await dropFile(page, 'nsw_experimental.csv', nswText);
  await page.locator('[data-testid=data-shape]').filter({ hasText: '445 rows × 14 columns' }).waitFor();
  await page.selectOption('[data-testid=treatment-select]', 'treat');
  await page.selectOption('[data-testid=outcome-select]', 're78');
  // The default covariates are every other numeric column, as in the CLI.
  assert(await page.isChecked('[data-testid=covariate-age]'), 'age is a default covariate');
  assert(await page.locator('[data-testid=covariate-re78]').count() === 0, 'the outcome is not offered as covariate');
  await page.click('[data-testid=run-button]');
  const ols = await resultAttrs(page, 'ols');
  const dm = await resultAttrs(page, 'diff-means');
  const ref = cliJson([path.join(refs, 'nsw_experimental.csv'), '--treatment', 'treat', '--outcome', 're78']);
  const byMethod = (m) => ref.results.find((r) => r.method === m);
  const [refDm, refOls, refIpw] = ['diff-means', 'ols', 'ipw'].map(byMethod);
  assert(ols.estimate === refOls.estimate, `OLS estimate: page ${ols.estimate} vs CLI ${refOls.estimate}`);
  assert(dm.estimate === refDm.estimate, `diff-means: page ${dm.estimate} vs CLI ${refDm.estimate}`);
  close(ols.stdError, refOls.std_error, 1e-12, 'OLS se');
  close(ols.ciLow, refOls.ci_low, 1e-12, 'OLS ci_low');
  close(ols.ciHigh, refOls.ci_high, 1e-12, 'OLS ci_high');
  // causalml LRSRegressor on this file (shared/refs/results.json): 1586.4525752453515.
  close(ols.estimate, 1586.4525752453515, 1e-6, 'OLS vs causalml');
  assert(ols.n === 445, 'n');
  const ipw = await resultAttrs(page, 'ipw');
  close(ipw.estimate, refIpw.estimate, 1e-9, 'IPW estimate');
  close(ipw.stdError, refIpw.std_error, 1e-9, 'IPW se');
  await page.locator('[data-testid=forest-plot]').waitFor();
  await page.screenshot({ path: path.join(artifacts, 'results.png'), fullPage: true });
});

test('a malformed CSV shows an error, and a good file still works after it', async ({ page }) => {
  await dropFile(page, 'broken.csv', 'y,t,x\n1,0,2\n2,1\n3,0,4\n');
  const err = page.locator('[data-testid=error-message]');
  await err.waitFor();
  const text = await err.textContent();
  assert(/line 3/.test(text) && /broken\.csv/.test(text), `error names file and line: ${text}`);
  await page.screenshot({ path: path.join(artifacts, 'error.png'), fullPage: true });
  await dropFile(page, 'good.csv', 'y,t,x\n1,0,2\n2,1,3\n3,0,4\n5,1,1\n4,0,2\n6,1,5\n');
  await page.locator('[data-testid=data-shape]').filter({ hasText: '6 rows × 3 columns' }).waitFor();
  assert(await err.count() === 0, 'the error is cleared by a good file');
  await page.selectOption('[data-testid=outcome-select]', 'y');
  await page.click('[data-testid=run-button]');
  const dm = await resultAttrs(page, 'diff-means');
  close(dm.estimate, 13 / 3 - 8 / 3, 1e-12, 'diff-means on good.csv');
});

test('a bad file keeps the data already loaded', async ({ page }) => {
  await dropFile(page, 'nsw.csv', nswText);
  await page.locator('[data-testid=data-shape]').filter({ hasText: '445 rows' }).waitFor();
  await dropFile(page, 'empty.csv', '');
  await page.locator('[data-testid=error-message]').filter({ hasText: 'empty' }).waitFor();
  assert(await page.locator('[data-testid=data-shape]').filter({ hasText: '445 rows' }).count() === 1, 'data kept');
});

test('cancelling a long read keeps the data already loaded, and it still runs', async ({ page }) => {
  await page.click('[data-testid=example-nsw]');
  await page.locator('[data-testid=data-shape]').filter({ hasText: '445 rows' }).waitFor();
  // ~100 MB built inside the page, dropped for real; cancelled as soon as progress shows.
  const dt = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['y,t,x\n' + '1,0,2.5\n3,1,0.5\n'.repeat(6_000_000)], 'huge.csv', { type: 'text/csv' }));
    return dt;
  });
  await page.dispatchEvent('[data-testid=dropzone]', 'dragover', { dataTransfer: dt });
  await page.dispatchEvent('[data-testid=dropzone]', 'drop', { dataTransfer: dt });
  await page.locator('[data-testid=progress]').waitFor();
  await page.screenshot({ path: path.join(artifacts, 'loading.png') });
  await page.click('[data-testid=cancel-button]');
  await page.locator('[data-testid=progress]').waitFor({ state: 'detached' });
  assert(await page.locator('[data-testid=data-shape]').filter({ hasText: '445 rows' }).count() === 1, 'data kept');
  // The restarted worker re-read the example behind the scenes: estimating still works.
  await page.click('[data-testid=run-button]');
  const dm = await resultAttrs(page, 'diff-means');
  close(dm.estimate, 1794.342404270271, 1e-9, 'difference in means after cancel');
});

test('a non-binary treatment is explained and cannot run', async ({ page }) => {
  await dropFile(page, 'nsw.csv', nswText);
  await page.locator('[data-testid=data-shape]').filter({ hasText: '445 rows' }).waitFor();
  await page.selectOption('[data-testid=treatment-select]', 'age');
  await page.selectOption('[data-testid=outcome-select]', 're78');
  const err = page.locator('[data-testid=error-message]');
  await err.waitFor();
  assert(/not binary/.test(await err.textContent()), 'explains');
  assert(await page.isDisabled('[data-testid=run-button]'), 'run is disabled');
});

test('the example loads with its roles and runs', async ({ page }) => {
  await page.click('[data-testid=example-nsw]');
  await page.locator('[data-testid=data-shape]').filter({ hasText: '445 rows' }).waitFor();
  await page.click('[data-testid=run-button]');
  const dm = await resultAttrs(page, 'diff-means');
  close(dm.estimate, 1794.342404270271, 1e-9, 'experimental difference in means');
});

test('can it be trusted: the E-value and sensemakr robustness values of the NSW example equal the CLI', async ({ page }) => {
  await page.click('[data-testid=example-nsw]');
  await page.locator('[data-testid=data-shape]').filter({ hasText: '445 rows' }).waitFor();
  await page.click('[data-testid=run-button]');
  await resultAttrs(page, 'ols');
  const trust = page.locator('[data-testid=trust]');
  await trust.waitFor();
  const covs = 'age,age2,educ,educ2,black,hisp,married,nodegree,re74,re75,u74,u75';
  const file = path.join(refs, 'nsw_experimental.csv');
  const sens = JSON.parse(execFileSync(cli, ['sensitivity', file, '--treatment', 'treat', '--outcome', 're78',
    '--covariates', covs, '--json'], { encoding: 'utf8' }));
  const s = await page.locator('[data-testid=sensitivity]').evaluate((e) => ({
    rvQ: Number(e.dataset.rvQ), rvQa: Number(e.dataset.rvQa), r2: Number(e.dataset.r2ydX) }));
  close(s.rvQ, sens.sensitivity.rv_q, 1e-12, 'RV_q vs CLI');
  close(s.rvQa, sens.sensitivity.rv_qa, 1e-12, 'RV_q,a vs CLI');
  close(s.r2, sens.sensitivity.r2yd_x, 1e-12, 'partial R² vs CLI');
  // sensitivity_results.json, nsw_experimental (PySensemakr 0.0.8).
  close(s.rvQ, 0.11181348481657066, 1e-6, 'RV_q vs sensemakr');
  const text = await page.locator('[data-testid=sensitivity]').textContent();
  assert(text.includes('Robustness value 11.2'), `the robustness value in words: ${text}`);
  const est = cliJson([file, '--treatment', 'treat', '--outcome', 're78', '--covariates', covs, '--method', 'ols']);
  const e = await page.locator('[data-testid=evalue]').evaluate((el) => ({
    point: Number(el.dataset.evalue), ci: Number(el.dataset.evalueCi), method: el.dataset.method }));
  assert(e.method === 'Regression adjustment (OLS)', `the E-value is OLS's: ${e.method}`);
  close(e.point, est.results[0].evalue.evalue_point, 1e-12, 'E-value vs CLI');
  close(e.ci, est.results[0].evalue.evalue_ci, 1e-12, 'E-value of the interval vs CLI');
  assert(await page.locator('[data-testid=contour-plot] rect').count() === 40 * 40, 'a contour cell between each pair of grid points');
  await page.locator('[data-testid=contour-rv]').waitFor();
  // Benchmarks: the page compares first with the strongest covariate (at 1×), as the CLI finds
  // it among all of them; picking another shows its bounds, equal to the CLI's.
  const all = JSON.parse(execFileSync(cli, ['sensitivity', file, '--treatment', 'treat', '--outcome', 're78',
    '--covariates', covs, '--benchmark', covs, '--json'], { encoding: 'utf8' }));
  const ones = all.sensitivity.bounds.filter((b) => b.kd === 1);
  const strongest = ones.reduce((a, b) => (Math.max(b.r2dz_x, b.r2yz_dx) > Math.max(a.r2dz_x, a.r2yz_dx) ? b : a));
  const picked = await page.locator('[data-testid=benchmark-select]').inputValue();
  assert(picked === strongest.benchmark, `compared first with the strongest benchmark ${strongest.benchmark}: ${picked}`);
  const bounds = async () => page.locator('[data-testid=bound]').evaluateAll((els) => els.map((e) => ({
    kd: Number(e.dataset.kd), est: Number(e.dataset.estimate), lo: Number(e.dataset.lower), hi: Number(e.dataset.upper) })));
  const check = (shown, ref, name) => {
    assert(shown.length === 3, `three multiples of ${name}: ${shown.length}`);
    for (const [i, b] of shown.entries()) {
      const r = ref.filter((x) => x.benchmark === name)[i];
      assert(b.kd === r.kd, `multiple ${b.kd} vs ${r.kd}`);
      close(b.est, r.adjusted_estimate, 1e-9, `${b.kd}× ${name} adjusted estimate vs CLI`);
      close(b.lo, r.adjusted_lower_CI, 1e-9, `${b.kd}× ${name} lower bound vs CLI`);
      close(b.hi, r.adjusted_upper_CI, 1e-9, `${b.kd}× ${name} upper bound vs CLI`);
    }
  };
  check(await bounds(), all.sensitivity.bounds, picked);
  const other = picked === 'educ' ? 'age' : 'educ';
  await page.selectOption('[data-testid=benchmark-select]', other);
  await page.locator(`[data-testid=bounds-of][data-benchmark=${other}]`).waitFor();
  const one = JSON.parse(execFileSync(cli, ['sensitivity', file, '--treatment', 'treat', '--outcome', 're78',
    '--covariates', covs, '--benchmark', other, '--json'], { encoding: 'utf8' }));
  check(await bounds(), one.sensitivity.bounds, other);
  const marks = await page.locator('[data-testid=contour-bound]').count();
  assert(marks >= 1 && marks <= 3, `the bounds marked on the contour: ${marks}`);
  await trust.screenshot({ path: path.join(artifacts, 'can-it-be-trusted.png') });
});

test('can it be trusted: the refutation tests of the NSW example pass, equal the CLI, and stop on cancel', async ({ page }) => {
  await page.click('[data-testid=example-nsw]');
  await page.locator('[data-testid=data-shape]').filter({ hasText: '445 rows' }).waitFor();
  await page.click('[data-testid=run-button]');
  await resultAttrs(page, 'ols');
  const method = await page.locator('[data-testid=refute-method]').inputValue();
  assert(method === 'ols', `OLS is refuted first: ${method}`);
  await page.selectOption('[data-testid=refute-replications]', '100');
  await page.click('[data-testid=refute-button]');
  await page.locator('[data-testid=refute-list]').waitFor({ timeout: 60000 });
  const shown = await page.locator('[data-testid=refuter]').evaluateAll((els) => els.map((e) => ({
    refuter: e.dataset.refuter, passed: e.dataset.passed === 'true', estimate: Number(e.dataset.estimate),
    mean: Number(e.dataset.newEffect), p: e.dataset.pValue === '' ? null : Number(e.dataset.pValue), text: e.textContent })));
  const covs = 'age,age2,educ,educ2,black,hisp,married,nodegree,re74,re75,u74,u75';
  const ref = JSON.parse(execFileSync(cli, ['refute', path.join(refs, 'nsw_experimental.csv'), '--treatment', 'treat',
    '--outcome', 're78', '--covariates', covs, '--method', 'ols', '--n', '100', '--json'], { encoding: 'utf8' }));
  assert(shown.length === 5 && ref.refuters.length === 5, `five refuters: ${shown.length}, CLI ${ref.refuters.length}`);
  for (const [i, r] of ref.refuters.entries()) {
    const s = shown[i];
    assert(s.refuter === r.refuter, `refuter ${i}: ${s.refuter} vs ${r.refuter}`);
    assert(s.passed, `on a randomized experiment ${s.refuter} passes: ${s.text}`);
    assert(s.passed === r.passed, `${s.refuter}: the same verdict as the CLI`);
    close(s.estimate, r.estimate, 1e-12, `${s.refuter} estimate vs CLI`);
    close(s.mean, r.new_effect, 1e-9, `${s.refuter} mean of the replications vs CLI`);
    if (r.p_value != null) close(s.p, r.p_value, 1e-12, `${s.refuter} p-value vs CLI`);
    assert(s.text.includes(r.verdict.slice(1, 40)), `${s.refuter} says the CLI's verdict: ${s.text}`);
  }
  const summary = await page.locator('[data-testid=refute-summary]').textContent();
  assert(summary.includes('5 of 5 passed'), `the summary: ${summary}`);
  assert(await page.locator('[data-testid=refuter-strip]').count() === 5, 'a distribution per refuter');
  await page.locator('[data-testid=refuters]').screenshot({ path: path.join(artifacts, 'refuters.png') });
  // The checklist downloads as the CLI's numbers, one line per refuter.
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-refuters-csv]')]);
  const lines = fs.readFileSync(await dl.path(), 'utf8').trim().split('\r\n');
  assert(lines.length === 6 && lines[0].startsWith('refuter,method,arm,estimate,std_error,new_effect'), `refuters CSV: ${lines[0]} (${lines.length} lines)`);
  const placebo = lines[1].split(',');
  assert(placebo[0] === 'placebo' && placebo[1] === 'ols', `the placebo line: ${lines[1]}`);
  close(Number(placebo[8]), ref.refuters[0].p_value, 1e-15, 'the downloaded placebo p-value vs CLI');
  close(Number(placebo[5]), ref.refuters[0].new_effect, 1e-12, 'the downloaded placebo mean vs CLI');
  // "Copy as Python" carries the checks as set: the benchmark shown, the method refuted, its replications.
  const bench = await page.locator('[data-testid=benchmark-select]').inputValue();
  await page.click('[data-testid=copy-python]');
  const script = await page.locator('[data-testid=python-script]').textContent();
  for (const want of [`SENS_BENCHMARKS = ["${bench}"]`, 'REFUTE_METHOD = "ols"', 'REFUTE_N = 100',
    '    sensitivity(y, t, X, arm)', '    dowhy_refuters(y, t, X, arm)', 'model.refute_estimate(']) {
    assert(script.includes(want), `the script has ${want}`);
  }

  // Cancel: a long set of tests stops, the page keeps the results and the last tests, and the
  // worker (restarted, the file read again) answers the next request.
  await page.selectOption('[data-testid=refute-method]', 'aipw');
  await page.selectOption('[data-testid=refute-replications]', '500');
  await page.click('[data-testid=refute-button]');
  await page.locator('[data-testid=refute-progress]').waitFor();
  await page.click('[data-testid=refute-cancel]');
  await page.locator('[data-testid=refute-progress]').waitFor({ state: 'detached' });
  assert(await page.locator('[data-testid=result-ols]').count() === 1, 'the results stay after a cancel');
  await page.selectOption('[data-testid=refute-replications]', '50');
  await page.click('[data-testid=refute-button]');
  await page.locator('[data-testid=refute-summary]').filter({ hasText: 'Augmented IPW' }).waitFor({ timeout: 60000 });
  const after = await page.locator('[data-testid=refuter]').count();
  assert(after === 5, `the worker answers after a cancel: ${after} refuters`);
});

test('experiment mode: the NSW example reads as an A/B test equal to counterfact experiment', async ({ page }) => {
  await page.click('[data-testid=example-nsw]');
  await page.locator('[data-testid=data-shape]').filter({ hasText: '445 rows' }).waitFor();
  assert(await page.locator('[data-testid=randomized]').isChecked(), 'the randomized example opens in experiment mode');
  await page.click('[data-testid=run-button]');
  await resultAttrs(page, 'ols');
  const c = await page.locator('[data-testid=experiment-comparison]').evaluate((e) => ({ ...e.dataset }));
  const covs = 'age,age2,educ,educ2,black,hisp,married,nodegree,re74,re75,u74,u75';
  const ref = JSON.parse(execFileSync(cli, ['experiment', path.join(refs, 'nsw_experimental.csv'), '--treatment', 'treat',
    '--outcome', 're78', '--covariates', covs, '--json'], { encoding: 'utf8' })).comparisons[0];
  close(Number(c.lift), 1794.342404270271, 1e-9, 'the lift is the experimental difference in means');
  close(Number(c.liftSe), ref.lift.std_error, 1e-12, 'lift se vs CLI');
  close(Number(c.controlMean), ref.control.mean, 1e-12, 'control mean vs CLI');
  close(Number(c.relative), ref.relative_lift.estimate, 1e-12, 'relative lift vs CLI');
  close(Number(c.mde), ref.mde.absolute, 1e-12, 'MDE vs CLI');
  close(Number(c.cuped), ref.cuped.lift.estimate, 1e-12, 'CUPED lift vs CLI');
  close(Number(c.varianceReduction), ref.cuped.variance_reduction, 1e-12, 'CUPED variance reduction vs CLI');
  const cupedRel = await page.locator('[data-testid=experiment-cuped-relative]').getAttribute('data-value');
  close(Number(cupedRel), ref.cuped.relative_lift.estimate, 1e-12, 'CUPED relative lift vs CLI');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-experiment-csv]')]);
  const [head, row] = fs.readFileSync(await dl.path(), 'utf8').trim().split('\r\n').map((l) => l.split(','));
  const cell = (name) => Number(row[head.indexOf(name)]);
  close(cell('lift'), ref.lift.estimate, 1e-15, 'the downloaded lift vs CLI');
  close(cell('cuped_lift'), ref.cuped.lift.estimate, 1e-15, 'the downloaded CUPED lift vs CLI');
  close(cell('cuped_relative'), ref.cuped.relative_lift.estimate, 1e-15, 'the downloaded CUPED relative lift vs CLI');
  close(cell('mde'), ref.mde.absolute, 1e-15, 'the downloaded MDE vs CLI');
  close(Number(c.fP), ref.balance.f_test.p_value, 1e-12, 'balance F-test p vs CLI');
  // The power calculator at the MDE gives the MDE's power, 80 % (plus the far tail of the
  // two-sided test, about 1e-6 here, which the MDE's formula leaves out).
  await page.fill('[data-testid=power-input]', String(ref.mde.absolute));
  await page.locator('[data-testid=power-output][data-power]:not([data-power=""])').waitFor();
  const p = Number(await page.locator('[data-testid=power-output]').getAttribute('data-power'));
  close(p, 0.8, 1e-5, 'power at the minimum detectable effect');
  const lift = await page.locator('[data-testid=experiment-lift]').textContent();
  assert(lift.includes('+1,794'), `the lift in words: ${lift}`);
  await page.locator('[data-testid=experiment]').screenshot({ path: path.join(artifacts, 'experiment-mode.png') });
  // Unticked, the readout goes with the next run.
  await page.locator('[data-testid=randomized]').setChecked(false);
  await page.click('[data-testid=run-button]');
  await page.locator('[data-testid=experiment]').waitFor({ state: 'detached' });
});

test('compare with the experiment: NSW + CPS reports each method\'s bias from 1,794 as the CLI does', async ({ page }) => {
  await page.click('[data-testid=example-nsw_cps]');
  await page.locator('[data-testid=data-shape]').filter({ hasText: '16,177 rows' }).waitFor();
  await page.click('[data-testid=run-button]');
  await resultAttrs(page, 'ols');
  await page.click('[data-testid=compare-example]');
  const b = page.locator('[data-testid=compare-benchmark]');
  await b.waitFor({ timeout: 30000 });
  close(Number(await b.getAttribute('data-estimate')), 1794.342404270271, 1e-9, 'the experimental benchmark');
  const rows = await page.locator('[data-testid^=compare-row-]').evaluateAll((els) => els.map((e) => ({
    method: e.dataset.testid.slice('compare-row-'.length), bias: Number(e.dataset.bias), est: Number(e.dataset.estimate), covers: e.dataset.covers === 'true' })));
  assert(rows.length >= 5, `a row per method: ${rows.length}`);
  const covs = 'age,age2,educ,educ2,black,hisp,married,nodegree,re74,re75,u74,u75';
  const ref = JSON.parse(execFileSync(cli, ['estimate', path.join(refs, 'nsw_cps.csv'), '--treatment', 'treat', '--outcome', 're78',
    '--covariates', covs, '--method', rows.map((r) => r.method).join(','), '--estimand', 'att',
    '--experimental-benchmark', path.join(refs, 'nsw_experimental.csv'), '--json'], { encoding: 'utf8' })).benchmark;
  for (const r of rows) {
    const c = ref.methods.find((m) => m.method === r.method);
    assert(c, `the CLI has ${r.method}`);
    close(r.bias, r.est - 1794.342404270271, 1e-9, `${r.method}: bias = estimate − 1,794`);
    close(r.bias, c.bias, 1e-6, `${r.method} bias vs CLI`);
    assert(r.covers === c.covers, `${r.method}: the same verdict on the interval as the CLI`);
  }
  const dm = rows.find((r) => r.method === 'diff-means');
  assert(dm && Math.round(dm.bias) === -10292 && !dm.covers, `difference in means misses by −10,292: ${dm && dm.bias}`);
  assert(await page.locator('[data-testid=bias-plot] circle').count() === rows.length, 'a dot per method');
  await page.locator('[data-testid=compare-experiment]').screenshot({ path: path.join(artifacts, 'compare-with-experiment.png') });
});

test('can it be trusted: Darfur shows the published robustness values and the bounds of 1×/2×/3× female', async ({ page }) => {
  await dropFile(page, 'darfur.csv', fs.readFileSync(path.join(refs, 'darfur.csv'), 'utf8'));
  await page.locator('[data-testid=data-shape]').filter({ hasText: '1,276 rows' }).waitFor();
  await page.selectOption('[data-testid=treatment-select]', 'directlyharmed');
  await page.selectOption('[data-testid=outcome-select]', 'peacefactor');
  // The published model: the village as categories (fixed effects), beside the other covariates.
  const keep = ['age', 'farmer_dar', 'herder_dar', 'pastvoted', 'hhsize_darfur', 'female', 'village'];
  for (const box of await page.locator('[data-testid^=covariate-]').all()) {
    const id = await box.getAttribute('data-testid');
    await box.setChecked(keep.includes(id.slice('covariate-'.length)));
  }
  for (const box of await page.locator('[data-testid^=method-]').all()) {
    if (await box.isDisabled()) continue;
    await box.setChecked((await box.getAttribute('data-testid')) === 'method-ols');
  }
  await page.click('[data-testid=run-button]');
  await resultAttrs(page, 'ols');
  const s = await page.locator('[data-testid=sensitivity]').evaluate((e) => ({
    rvQ: Number(e.dataset.rvQ), rvQa: Number(e.dataset.rvQa) }));
  // Cinelli & Hazlett (2020): RV = 13.9 %, RV at α = 0.05 = 7.6 %.
  assert((s.rvQ * 1000).toFixed(0) === '139' && (s.rvQa * 1000).toFixed(0) === '76', `Darfur RV ${s.rvQ}, ${s.rvQa}`);
  const text = await page.locator('[data-testid=sensitivity]').textContent();
  assert(text.includes('Robustness value 13.9') && text.includes('7.6'), `in words: ${text}`);
  await page.selectOption('[data-testid=benchmark-select]', 'female');
  await page.locator('[data-testid=bounds-of][data-benchmark=female]').waitFor();
  const adjusted = await page.locator('[data-testid=bound]').evaluateAll((els) => els.map((e) => Number(e.dataset.estimate).toFixed(3)));
  assert(adjusted.join(' ') === '0.075 0.053 0.030', `1×/2×/3× female: ${adjusted}`);
  const shown = await page.locator('[data-testid=bounds-of]').textContent();
  assert(shown.includes('0.08') && shown.includes('0.05') && shown.includes('0.03'), `the adjusted estimates in words: ${shown}`);
});

test('IPW for the treated (ATT) equals the CLI and the DoWhy/causalml reference', async ({ page }) => {
  await dropFile(page, 'nsw_experimental.csv', nswText);
  await page.locator('[data-testid=data-shape]').filter({ hasText: '445 rows' }).waitFor();
  await page.selectOption('[data-testid=outcome-select]', 're78');
  await page.selectOption('[data-testid=estimand-select]', 'att');
  await page.click('[data-testid=run-button]');
  const ipw = await resultAttrs(page, 'ipw');
  const estimand = await page.locator('[data-testid=result-ipw] td').first().textContent();
  assert(estimand === 'ATT', `estimand shown: ${estimand}`);
  const ref = cliJson([path.join(refs, 'nsw_experimental.csv'), '--treatment', 'treat', '--outcome', 're78',
    '--method', 'ipw', '--estimand', 'att']);
  close(ipw.estimate, ref.results[0].estimate, 1e-9, 'IPW ATT vs CLI');
  close(ipw.stdError, ref.results[0].std_error, 1e-9, 'IPW ATT se vs CLI');
  // results.json, nsw_experimental, ipw_hajek.att (same covariates: every other column).
  close(ipw.estimate, 1794.6600564528917, 1e-6, 'IPW ATT vs reference');
  await page.locator('[data-testid=propensity-summary]').waitFor();
});

test('the file picker works from the keyboard', async ({ page }) => {
  await page.locator('[data-testid=file-input]').waitFor({ state: 'attached' });
  // Tab from the top of the page reaches the (native, visually hidden) file input first.
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement?.dataset.testid);
  assert(focused === 'file-input', `Tab reaches the file input (focused: ${focused})`);
  // The picker itself is the browser's; hand the focused input a file as the picker would.
  await page.locator(':focus').setInputFiles({ name: 'picked.tsv', mimeType: 'text/tab-separated-values',
    buffer: Buffer.from('y\tw\n1\t0\n2\t1\n3\t0\n5\t1\n') });
  await page.locator('[data-testid=data-shape]').filter({ hasText: '4 rows × 2 columns' }).waitFor();
  // Keyboard users can then reach the settings and run.
  await page.locator('[data-testid=outcome-select]').focus();
  await page.keyboard.press('ArrowDown');
  await page.locator('[data-testid=run-button]').focus();
  await page.keyboard.press('Enter');
  await resultAttrs(page, 'diff-means');
});

test('NSW + CPS: every adjustment method, forest plot, overlap and balance', async ({ page }) => {
  await dropFile(page, 'nsw_cps.csv', fs.readFileSync(path.join(refs, 'nsw_cps.csv'), 'utf8'));
  await page.locator('[data-testid=data-shape]').filter({ hasText: '16,177 rows' }).waitFor({ timeout: 30000 });
  await page.selectOption('[data-testid=treatment-select]', 'treat');
  await page.selectOption('[data-testid=outcome-select]', 're78');
  const adjustment = ['diff-means', 'ols', 'ipw', 'aipw', 'psm', 't-learner', 'x-learner', 'r-learner', 'dr-learner'];
  for (const m of adjustment) assert(await page.isChecked(`[data-testid=method-${m}]`), `${m} is ticked by default`);
  assert(!(await page.isChecked('[data-testid=method-2sls]')), '2sls is off without an instrument');
  assert(await page.isDisabled('[data-testid=method-2sls]'), '2sls needs an instrument');
  await page.click('[data-testid=run-button]');
  for (const m of adjustment) await resultAttrs(page, m);
  for (const id of ['forest-plot', 'overlap-plot', 'love-plot', 'balance-table']) {
    assert(await page.locator(`[data-testid=${id}]`).isVisible(), `${id} is visible`);
  }
  const points = await page.locator('[data-testid=forest-plot] circle').count();
  assert(points === adjustment.length, `one forest point per row (${points})`);
  assert(await page.locator('[data-testid=overlap-plot] rect.treated').count() > 0, 'treated bars');
  assert(await page.locator('[data-testid=balance-table] tbody tr').count() >= 12, 'a balance row per covariate');
  assert(await page.locator('[data-testid=notes-psm]').filter({ hasText: 'Matched' }).count() === 1, 'matched counts');
  await page.screenshot({ path: path.join(artifacts, 'nsw-cps.png'), fullPage: true });
});

test('Hillstrom: a three-level treatment compared with its control level', async ({ page }) => {
  await dropFile(page, 'hillstrom.csv', fs.readFileSync(path.join(refs, 'hillstrom.csv'), 'utf8'));
  await page.locator('[data-testid=data-shape]').filter({ hasText: '64,000 rows' }).waitFor({ timeout: 60000 });
  await page.selectOption('[data-testid=treatment-select]', 'segment');
  await page.selectOption('[data-testid=outcome-select]', 'visit');
  const err = page.locator('[data-testid=error-message]');
  await err.filter({ hasText: 'choose the control level' }).waitFor();
  assert(await page.isDisabled('[data-testid=run-button]'), 'no run without a control level');
  await page.selectOption('[data-testid=control-level]', 'No E-Mail');
  await err.waitFor({ state: 'detached' });
  const keep = ['recency', 'history', 'mens', 'womens', 'newbie'];
  for (const box of await page.locator('[data-testid^=covariate-]').all()) {
    const id = await box.getAttribute('data-testid');
    await box.setChecked(keep.includes(id.slice('covariate-'.length)));
  }
  const methods = ['diff-means', 'ols', 'ipw', 'aipw', 'psm', 't-learner', 'x-learner', 'r-learner', 'dr-learner'];
  for (const box of await page.locator('[data-testid^=method-]').all()) {
    if (await box.isDisabled()) continue;
    const id = await box.getAttribute('data-testid');
    await box.setChecked(methods.includes(id.slice('method-'.length)));
  }
  await page.click('[data-testid=run-button]');
  for (const arm of ['Mens E-Mail', 'Womens E-Mail']) {
    for (const m of methods) {
      await page.locator(`[data-testid=result-${m}][data-arm="${arm}"]`).waitFor({ timeout: 60000 });
    }
  }
  const rows = await page.locator('[data-testid^=result-]').count();
  assert(rows === 2 * methods.length, `one row per method and arm (${rows})`);
  const dm = await page.locator('[data-testid=result-diff-means][data-arm="Mens E-Mail"]').evaluate((e) => Number(e.dataset.estimate));
  assert(dm > 0.05 && dm < 0.12, `men's e-mail raises visits (${dm})`);
  assert(await page.locator('[data-testid=overlap-plot]').isVisible(), 'overlap plot');
  assert(await page.locator('[data-testid=diagnostics-arm]').isVisible(), 'a comparison picker');
  await page.screenshot({ path: path.join(artifacts, 'hillstrom.png'), fullPage: true });
  // Per-unit effects for targeting: one line per (unit, arm), one column per meta-learner.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download-cate]')]);
  const csv = fs.readFileSync(await download.path(), 'utf8').trim().split('\n');
  assert(csv[0] === 'row,arm,t-learner,x-learner,r-learner,dr-learner', `CATE header: ${csv[0]}`);
  const mens = csv.slice(1).filter((l) => l.split(',')[1] === 'Mens E-Mail');
  const tl = await page.locator('[data-testid=result-t-learner][data-arm="Mens E-Mail"]').evaluate((e) => Number(e.dataset.estimate));
  const mean = mens.reduce((a, l) => a + Number(l.split(',')[2]), 0) / mens.length;
  close(mean, tl, 1e-9, 'mean of the T-learner CATE is its ATE');
  assert(mens.length === 21307 + 21306, `Mens comparison rows: ${mens.length}`);
  await page.selectOption('[data-testid=diagnostics-arm]', { index: 1 });
  await page.locator('[data-testid=balance-table]').waitFor();
});

/** Ticks exactly `methods` among the enabled method boxes. */
async function chooseMethods(page, methods) {
  for (const box of await page.locator('[data-testid^=method-]').all()) {
    if (await box.isDisabled()) continue;
    const id = await box.getAttribute('data-testid');
    await box.setChecked(methods.includes(id.slice('method-'.length)));
  }
}

test('a bootstrap runs in the worker with progress and matches the CLI', async ({ page }) => {
  await dropFile(page, 'nsw_experimental.csv', nswText);
  await page.locator('[data-testid=data-shape]').filter({ hasText: '445 rows' }).waitFor();
  await page.selectOption('[data-testid=outcome-select]', 're78');
  await chooseMethods(page, ['diff-means', 'ipw', 'psm']);
  await page.selectOption('[data-testid=bootstrap]', '500');
  await page.click('[data-testid=run-button]');
  // The bar shows while the worker resamples (3 methods × 500 refits).
  await page.locator('[data-testid=run-progress]').waitFor({ timeout: 30000 });
  const row = page.locator('[data-testid=result-ipw]');
  await row.waitFor({ timeout: 120000 });
  const boot = await row.evaluate((e) => [Number(e.dataset.bootCiLow), Number(e.dataset.bootCiHigh)]);
  const ref = cliJson([path.join(refs, 'nsw_experimental.csv'), '--treatment', 'treat', '--outcome', 're78',
    '--method', 'diff-means,ipw,psm', '--bootstrap', '500']);
  const cli = ref.results.find((r) => r.method === 'ipw').bootstrap;
  // Same seed, same resamples, same refits: the page's bootstrap equals the CLI's.
  close(boot[0], cli.ci_low, 1e-9, 'bootstrap low vs CLI');
  close(boot[1], cli.ci_high, 1e-9, 'bootstrap high vs CLI');
  await page.locator('[data-testid=notes-ipw] [data-kind=bootstrap]').waitFor();
});

test('Card: 2SLS with college proximity as the instrument equals linearmodels', async ({ page }) => {
  await dropFile(page, 'card.csv', fs.readFileSync(path.join(refs, 'card.csv'), 'utf8'));
  await page.locator('[data-testid=data-shape]').filter({ hasText: '3,010 rows' }).waitFor({ timeout: 30000 });
  await page.selectOption('[data-testid=treatment-select]', 'educ');
  await page.selectOption('[data-testid=outcome-select]', 'lwage');
  await page.selectOption('[data-testid=instrument]', 'nearc4');
  const controls = ['exper', 'expersq', 'black', 'smsa', 'south', 'smsa66', 'reg662', 'reg663', 'reg664',
    'reg665', 'reg666', 'reg667', 'reg668', 'reg669'];
  for (const box of await page.locator('[data-testid^=covariate-]').all()) {
    const id = await box.getAttribute('data-testid');
    await box.setChecked(controls.includes(id.slice('covariate-'.length)));
  }
  await chooseMethods(page, ['2sls']);
  await page.click('[data-testid=run-button]');
  const iv = await resultAttrs(page, '2sls');
  // results.json, card, iv.linearmodels_IV2SLS.robust.
  close(iv.estimate, 0.13150377546116943, 1e-6, '2SLS vs linearmodels');
  close(iv.stdError, 0.05399952143230452, 1e-6, '2SLS robust se vs linearmodels');
  await page.locator('[data-testid=notes-2sls] [data-kind=first-stage]').filter({ hasText: '13.3' }).waitFor();
  await page.screenshot({ path: path.join(artifacts, 'card-2sls.png'), fullPage: true });
});

/** The centre of a graph node on the screen. */
async function nodeCentre(page, name) {
  await page.locator('[data-testid=graph-svg]').evaluate((e) => e.scrollIntoView({ block: 'nearest' }));
  const box = await page.locator(`[data-testid=node-${name}]`).boundingBox();
  assert(box, `node ${name} is drawn`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Selects a node with a real click. */
async function clickNode(page, name) {
  const c = await nodeCentre(page, name);
  await page.mouse.click(c.x, c.y);
}

/** Draws `from → to` with the real mouse: Shift held, drag from one node centre to the other. */
async function drawEdge(page, from, to) {
  const a = await nodeCentre(page, from);
  const b = await nodeCentre(page, to);
  await page.keyboard.down('Shift');
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 4 });
  await page.mouse.move(b.x, b.y, { steps: 4 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
}

test('a graph drawn with the mouse gives the minimal set, and OLS with it equals the CLI with --graph', async ({ page }) => {
  const file = path.join(refs, 'nsw_experimental.csv');
  await dropFile(page, 'nsw_experimental.csv', nswText);
  await page.locator('[data-testid=data-shape]').filter({ hasText: '445 rows' }).waitFor();
  await page.locator('[data-testid=graph-panel] [data-testid=node-re78]').waitFor();
  // Roles with DAGitty's keys on the selected node; the Analysis panel follows.
  await clickNode(page, 're78');
  await page.keyboard.press('o');
  await page.locator('[data-testid=node-re78][data-role=outcome]').waitFor();
  assert(await page.inputValue('[data-testid=outcome-select]') === 're78', 'the outcome select follows the graph');
  await clickNode(page, 'treat');
  await page.keyboard.press('e');
  await page.locator('[data-testid=node-treat][data-role=exposure]').waitFor();
  // Moving a node by dragging it (without Shift) keeps its edges and moves it.
  const before = await nodeCentre(page, 'hisp');
  await page.mouse.move(before.x, before.y);
  await page.mouse.down();
  await page.mouse.move(before.x + 40, before.y + 30, { steps: 5 });
  await page.mouse.up();
  const after = await nodeCentre(page, 'hisp');
  assert(Math.abs(after.x - before.x - 40) < 3 && Math.abs(after.y - before.y - 30) < 3, `hisp moved: ${JSON.stringify([before, after])}`);
  const edges = [['age', 'treat'], ['educ', 'treat'], ['re75', 'treat'], ['age', 're78'], ['educ', 're78'], ['re75', 're78'], ['treat', 're78']];
  for (const [a, b] of edges) {
    await drawEdge(page, a, b);
    await page.locator(`[data-testid=edge-${a}-${b}]`).waitFor({ state: 'attached', timeout: 5000 });
  }
  assert(await page.locator('[data-testid^=edge-]').count() === edges.length, 'seven edges');
  // A cycle is refused with the engine's message; nothing is lost.
  await drawEdge(page, 're78', 'age');
  await page.locator('[data-testid=graph-error]').filter({ hasText: 'cycle' }).waitFor();
  assert(await page.locator('[data-testid^=edge-]').count() === edges.length, 'no edge lost or added');
  // Undo / redo from the keyboard and the buttons.
  await page.keyboard.press('Control+z');
  await page.locator('[data-testid=edge-treat-re78]').waitFor({ state: 'detached' });
  await page.keyboard.press('Control+Shift+z');
  await page.locator('[data-testid=edge-treat-re78]').waitFor({ state: 'attached' });
  await page.click('[data-testid=undo]');
  await page.locator('[data-testid=edge-treat-re78]').waitFor({ state: 'detached' });
  await page.click('[data-testid=redo]');
  await page.locator('[data-testid=edge-treat-re78]').waitFor({ state: 'attached' });
  // Every other column is ticked by default: nothing descends from treat, so that is a valid set.
  await page.locator('[data-testid=adjustment-status][data-ok=true]').waitFor();
  // Unticking age opens treat ← age → re78: warned beside the Run button, coloured on the graph.
  await page.setChecked('[data-testid=covariate-age]', false);
  await page.locator('[data-testid=adjustment-warning]').filter({ hasText: 'treat ← age → re78' }).waitFor();
  await page.locator('[data-testid=edge-age-treat][data-kind=biasing]').waitFor({ state: 'attached' });
  await page.locator('[data-testid=edge-treat-re78][data-kind=causal]').waitFor({ state: 'attached' });
  // The only minimal set is {age, educ, re75}; clicking it ticks exactly that.
  const set = page.locator('[data-testid=minimal-set-0]');
  assert(await set.getAttribute('data-set') === 'age,educ,re75', `minimal set: ${await set.getAttribute('data-set')}`);
  assert(await page.locator('[data-testid=minimal-set-1]').count() === 0, 'one minimal set');
  await set.click();
  for (const c of ['age', 'educ', 're75']) assert(await page.isChecked(`[data-testid=covariate-${c}]`), `${c} ticked`);
  for (const c of ['re74', 'black', 'u75']) assert(!(await page.isChecked(`[data-testid=covariate-${c}]`)), `${c} unticked`);
  await page.locator('[data-testid=adjustment-warning]').waitFor({ state: 'detached' });
  await page.locator('[data-testid=node-age][data-role=adjusted]').waitFor();
  // The model code is the graph; the implications are tested in the worker.
  const code = await page.inputValue('[data-testid=model-code]');
  assert(/treat -> re78/.test(code) && /treat \[exposure/.test(code) && /age \[adjusted/.test(code), `model code: ${code}`);
  const rows = page.locator('[data-testid=implications] tr[data-testid^=implication-]');
  await rows.first().waitFor({ timeout: 30000 });
  // The strongest contradictions are shown first; every row on request.
  await page.click('[data-testid=implications-show-all]');
  const ps = await rows.evaluateAll((rs) => rs.map((r) => Number(r.dataset.p)));
  assert(ps.length > 10 && ps.every((p) => p >= 0 && p <= 1), `implication p-values: ${ps.length}`);
  // age ⟂ age2 is badly contradicted (age2 is age squared): its row is highlighted, its pair outlined.
  const bad = page.locator('[data-testid=implications] tr[data-x=age][data-y=age2]');
  assert(await bad.getAttribute('data-rejected') === 'true', 'age ⟂ age2 rejected');
  await bad.hover();
  await page.locator('[data-testid=node-age2][data-flagged=true]').waitFor();
  // Run OLS and compare with the CLI given the same graph.
  await chooseMethods(page, ['ols']);
  await page.click('[data-testid=run-button]');
  const ols = await resultAttrs(page, 'ols');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-graph-'));
  const graphFile = path.join(dir, 'nsw.dagitty');
  fs.writeFileSync(graphFile, `dag {\n${edges.map(([a, b]) => `${a} -> ${b}`).join('\n')}\n}\n`);
  const ref = cliJson([file, '--treatment', 'treat', '--outcome', 're78', '--graph', graphFile, '--method', 'ols']);
  fs.rmSync(dir, { recursive: true, force: true });
  const refOls = ref.results.find((r) => r.method === 'ols');
  close(ols.estimate, refOls.estimate, 1e-9, 'OLS with the graph\'s minimal set');
  close(ols.stdError, refOls.std_error, 1e-9, 'OLS se with the graph\'s minimal set');
  // Layered layout: confounders, then the treatment, then the outcome, left to right.
  await page.click('[data-testid=auto-layout]');
  const [xAge, xTreat, xRe78] = await Promise.all(['age', 'treat', 're78'].map((n) => nodeCentre(page, n).then((c) => c.x)));
  assert(xAge < xTreat && xTreat < xRe78, `layout order: ${[xAge, xTreat, xRe78]}`);
  await page.screenshot({ path: path.join(artifacts, 'graph.png'), fullPage: true });
  // Bad model code shows its line and keeps the graph.
  await page.fill('[data-testid=model-code]', 'dag {\n treat -> \n}');
  await page.click('[data-testid=apply-code]');
  await page.locator('[data-testid=graph-error]').filter({ hasText: 'line' }).waitFor();
  assert(await page.locator('[data-testid^=edge-]').count() === edges.length, 'graph kept after a parse error');
  // Good code replaces the graph (a latent confounder: no set works any more).
  await page.fill('[data-testid=model-code]', 'dag { treat [exposure] re78 [outcome] U [latent] U -> treat U -> re78 treat -> re78 }');
  await page.click('[data-testid=apply-code]');
  await page.locator('[data-testid=node-U][data-latent=true]').waitFor();
  await page.locator('[data-testid=not-identifiable]').waitFor();
  await page.click('[data-testid=undo]');
  await page.locator('[data-testid=edge-age-treat]').waitFor({ state: 'attached' });
  // (Roles are the page's, not the drawing's: undo brings the arrows back, the set is chosen again.)
  await page.click('[data-testid=minimal-set-0]');
  // Zoom and pan change the viewBox: buttons, keys (with the graph focused), the wheel, dragging
  // the background; Fit shows every node again.
  const viewW = async () => Number((await page.getAttribute('[data-testid=graph-svg]', 'viewBox')).split(' ')[2]);
  const viewX = async () => Number((await page.getAttribute('[data-testid=graph-svg]', 'viewBox')).split(' ')[0]);
  const w0 = await viewW();
  await page.click('[data-testid=zoom-in]');
  assert(await viewW() < w0, 'zoom-in narrows the viewBox');
  await page.click('[data-testid=zoom-out]');
  assert(Math.abs(await viewW() - w0) < 0.1, 'zoom-out undoes zoom-in');
  await page.focus('.graph-canvas');
  await page.keyboard.press('+');
  assert(await viewW() < w0, 'the + key zooms in');
  await page.keyboard.press('-');
  const svgBox = async () => {
    await page.locator('[data-testid=graph-svg]').evaluate((e) => e.scrollIntoView({ block: 'nearest' }));
    return page.locator('[data-testid=graph-svg]').boundingBox();
  };
  const box = await svgBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, 400);
  const wOut = await viewW();
  assert(wOut > w0, `the wheel zooms out (${wOut} vs ${w0})`);
  const x0 = await viewX();
  await page.mouse.move(box.x + 4, box.y + 4);
  await page.mouse.down();
  await page.mouse.move(box.x + 84, box.y + 34, { steps: 4 });
  await page.mouse.up();
  assert(await viewX() < x0 - 10, 'dragging the background pans');
  // SVG export: the view as shown, at the drawing's full size whatever the zoom.
  const [svgFile] = await Promise.all([page.waitForEvent('download', { timeout: 15000 }), page.click('[data-testid=export-svg]')]);
  const svgText = fs.readFileSync(await svgFile.path(), 'utf8');
  assert(/<svg[^>]* width="800"[^>]* height="440"/.test(svgText) || /<svg[^>]* height="440"[^>]* width="800"/.test(svgText),
    `graph.svg is 800 × 440: ${svgText.slice(0, 300)}`);
  assert(svgText.includes('xmlns="http://www.w3.org/2000/svg"') && svgText.includes('node-re78'), 'a standalone drawing with its nodes');
  await page.click('[data-testid=zoom-fit]');
  for (const n of ['age', 'treat', 're78', 'hisp']) {
    const c = await nodeCentre(page, n);
    const box = await svgBox();
    assert(c.x > box.x && c.x < box.x + box.width && c.y > box.y && c.y < box.y + box.height, `${n} visible after Fit`);
  }
  // PNG export: the drawing through a canvas, downloaded.
  const [png] = await Promise.all([page.waitForEvent('download', { timeout: 15000 }), page.click('[data-testid=export-png]')]);
  assert(png.suggestedFilename() === 'graph.png', `PNG name ${png.suggestedFilename()}`);
  const bytes = fs.readFileSync(await png.path());
  assert(bytes.length > 1000 && bytes.subarray(1, 4).toString() === 'PNG', `a PNG file (${bytes.length} bytes)`);
  assert(await page.locator('[data-testid=graph-notice]').count() === 0, 'no export message');
  // The graph comes back when the same columns are loaded again.
  await page.reload();
  await dropFile(page, 'nsw_experimental.csv', nswText);
  await page.locator('[data-testid=edge-educ-re78]').waitFor({ state: 'attached' });
  await page.locator('[data-testid=node-treat][data-role=exposure]').waitFor();
  assert(await page.isChecked('[data-testid=covariate-re75]') && !(await page.isChecked('[data-testid=covariate-re74]')), 'roles restored');
  await page.evaluate(() => localStorage.clear());
});

test('a share link reproduces the analysis in a fresh browser; other files and damaged links are explained', async ({ page }) => {
  await dropFile(page, 'nsw_experimental.csv', nswText);
  await page.locator('[data-testid=data-shape]').filter({ hasText: '445 rows' }).waitFor();
  await page.selectOption('[data-testid=treatment-select]', 'treat');
  await page.selectOption('[data-testid=outcome-select]', 're78');
  // The graph through the model code; the adjustment set chosen from it; two methods; ATT.
  await page.fill('[data-testid=model-code]', 'dag {\n treat [exposure]\n re78 [outcome]\n age -> treat\n age -> re78\n educ -> treat\n educ -> re78\n re75 -> re78\n treat -> re78\n}');
  await page.click('[data-testid=apply-code]');
  await page.locator('[data-testid=edge-educ-treat]').waitFor({ state: 'attached' });
  await page.click('[data-testid=minimal-set-0]');
  assert(await page.getAttribute('[data-testid=minimal-set-0]', 'data-set') === 'age,educ', 'minimal set {age, educ}');
  await chooseMethods(page, ['ols', 'ipw']);
  await page.selectOption('[data-testid=estimand-select]', 'att');
  await page.click('[data-testid=run-button]');
  const made = { ols: await resultAttrs(page, 'ols'), ipw: await resultAttrs(page, 'ipw') };
  await page.click('[data-testid=share-button]');
  const link = await page.inputValue('[data-testid=share-link]');
  assert(link.startsWith(page.url().split('#')[0] + '#v2.'), `link: ${link.slice(0, 60)}`);
  assert(link.length < 4000, `a link without data is short (${link.length})`);

  const other = await freshContext();
  const problems = [];
  const open = async (url) => {
    const p = await other.newPage();
    p.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    p.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
    await p.goto(url);
    return p;
  };
  try {
    // A damaged link (in the new browser, before anything is saved there): a message, nothing
    // restored, and the page works.
    const [head, body] = link.split('#');
    const mid = Math.floor(body.length / 2);
    const flip = (c) => (c === 'A' ? 'B' : 'A');
    const tampered = `${head}#${body.slice(0, mid)}${[...body.slice(mid, mid + 4)].map(flip).join('')}${body.slice(mid + 4)}`;
    for (const bad of [tampered, `${head}#${body.slice(0, mid)}`, `${head}#v2.<img src=x onerror=alert(1)>`]) {
      const p3 = await open(bad);
      await p3.locator('[data-testid=share-error]').filter({ hasText: 'link' }).waitFor();
      assert(await p3.locator('[data-testid=share-banner]').count() === 0, 'no banner for a bad link');
      assert(await p3.locator('img[src=x]').count() === 0, 'nothing from the link as HTML');
      await dropFile(p3, 'nsw_experimental.csv', nswText);
      await p3.locator('[data-testid=data-shape]').filter({ hasText: '445 rows' }).waitFor();
      if (bad === tampered) await p3.screenshot({ path: path.join(artifacts, 'share-error.png'), fullPage: true });
      await p3.close();
    }
    // A new browser (nothing saved): the link says which file it needs; dropping it restores all.
    const p2 = await open(link);
    await p2.locator('[data-testid=share-banner]').filter({ hasText: '445 rows' }).waitFor();
    await p2.screenshot({ path: path.join(artifacts, 'share-opened.png'), fullPage: true });
    await dropFile(p2, 'nsw_experimental.csv', nswText);
    await p2.locator('[data-testid=share-banner]').filter({ hasText: 'Opened from a share link' }).waitFor();
    assert(await p2.locator('[data-testid=share-mismatch]').count() === 0, 'the same file matches');
    assert(await p2.inputValue('[data-testid=treatment-select]') === 'treat', 'treatment restored');
    assert(await p2.inputValue('[data-testid=outcome-select]') === 're78', 'outcome restored');
    assert(await p2.inputValue('[data-testid=estimand-select]') === 'att', 'estimand restored');
    for (const c of ['age', 'educ']) assert(await p2.isChecked(`[data-testid=covariate-${c}]`), `${c} restored`);
    for (const c of ['re74', 're75', 'black']) assert(!(await p2.isChecked(`[data-testid=covariate-${c}]`)), `${c} not ticked`);
    for (const m of ['ols', 'ipw']) assert(await p2.isChecked(`[data-testid=method-${m}]`), `${m} restored`);
    assert(!(await p2.isChecked('[data-testid=method-aipw]')), 'aipw stays off');
    assert(await p2.locator('[data-testid^=edge-]').count() === 6, 'six edges restored');
    await p2.click('[data-testid=run-button]');
    for (const m of ['ols', 'ipw']) {
      const r = await resultAttrs(p2, m);
      assert(r.estimate === made[m].estimate, `${m}: restored ${r.estimate} vs original ${made[m].estimate}`);
    }
    await p2.screenshot({ path: path.join(artifacts, 'share-restored.png'), fullPage: true });
    // Another file (a row fewer): the difference is named.
    const lines = nswText.split('\n');
    await dropFile(p2, 'nsw_fewer.csv', [lines[0], ...lines.slice(2)].join('\n'));
    await p2.locator('[data-testid=share-mismatch]').filter({ hasText: '444 rows' }).waitFor();
    await p2.screenshot({ path: path.join(artifacts, 'share-mismatch.png'), fullPage: true });
    // With the data in the link, the link alone reproduces the estimate.
    await page.check('[data-testid=share-embed]');
    await page.locator('[data-testid=share-embed-warning]').waitFor();
    await page.click('[data-testid=share-button]');
    const withData = await page.inputValue('[data-testid=share-link]');
    assert(withData.length > link.length, 'the data makes the link longer');
    const p4 = await open(withData);
    await p4.locator('[data-testid=data-shape]').filter({ hasText: '445 rows' }).waitFor({ timeout: 30000 });
    await p4.locator('[data-testid=share-banner]').filter({ hasText: 'Opened from a share link' }).waitFor();
    assert(await p4.locator('[data-testid=share-mismatch]').count() === 0, 'the embedded data matches its fingerprint');
    await p4.click('[data-testid=run-button]');
    const r4 = await resultAttrs(p4, 'ols');
    assert(r4.estimate === made.ols.estimate, `embedded data: ${r4.estimate} vs ${made.ols.estimate}`);
    // Too large to embed: the share crate's message.
    await dropFile(page, 'big.csv', 'y,t,x\n' + Array.from({ length: 40000 }, (_, i) => `${(i * 7919) % 10007},${i % 2},${(i * 104729) % 99991}`).join('\n'));
    await page.locator('[data-testid=data-shape]').filter({ hasText: /40.?000 rows/ }).waitFor();
    await page.check('[data-testid=share-embed]');
    await page.click('[data-testid=share-button]');
    await page.locator('[data-testid=share-embed-error]').filter({ hasText: 'too large' }).waitFor();
  } finally {
    await other.close();
  }
  if (problems.length) throw new Error(problems.join('\n'));
});

/** Card, nearc4 → lwage, adjusting for exactly exper, black and fatheduc (690 rows miss
 * fatheduc); returns those covariates. */
async function cardWithGaps(page) {
  await dropFile(page, 'card.csv', fs.readFileSync(path.join(refs, 'card.csv'), 'utf8'));
  await page.locator('[data-testid=data-shape]').filter({ hasText: '3,010 rows' }).waitFor({ timeout: 30000 });
  await page.selectOption('[data-testid=treatment-select]', 'nearc4');
  await page.selectOption('[data-testid=outcome-select]', 'lwage');
  const covs = ['exper', 'black', 'fatheduc'];
  for (const box of await page.locator('[data-testid^=covariate-]').all()) {
    const id = await box.getAttribute('data-testid');
    await box.setChecked(covs.includes(id.slice('covariate-'.length)));
  }
  return covs;
}

test('missing covariates: dropped by default, or imputed with an indicator, as the CLI does', async ({ page }) => {
  const covs = await cardWithGaps(page);
  await chooseMethods(page, ['ols']);
  await page.click('[data-testid=run-button]');
  const dropped = await resultAttrs(page, 'ols');
  assert(dropped.n === 3010 - 690, `rows without fatheduc are left out (${dropped.n})`);
  await page.selectOption('[data-testid=missing-policy]', 'indicator');
  await page.click('[data-testid=run-button]');
  await page.locator('[data-testid=result-ols][data-n="3010"]').waitFor({ timeout: 30000 });
  const kept = await resultAttrs(page, 'ols');
  const ref = cliJson([path.join(refs, 'card.csv'), '--treatment', 'nearc4', '--outcome', 'lwage',
    '--covariates', covs.join(','), '--method', 'ols', '--missing', 'indicator']);
  assert(JSON.stringify(ref.covariates) === JSON.stringify(['exper', 'black', 'fatheduc', 'fatheduc missing']),
    `CLI covariates ${ref.covariates}`);
  close(kept.estimate, ref.results[0].estimate, 1e-9, 'OLS with imputation vs CLI');
});

test('a DOT file dropped on the model code replaces the graph', async ({ page }) => {
  await dropFile(page, 'nsw_experimental.csv', nswText);
  await page.locator('[data-testid=data-shape]').filter({ hasText: '445 rows' }).waitFor();
  const dot = 'digraph G {\n  age -> treat; educ -> treat; re75 -> treat;\n  age -> re78; educ -> re78; re75 -> re78; treat -> re78;\n}\n';
  const dt = await page.evaluateHandle((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'model.dot', { type: 'text/plain' }));
    return dt;
  }, dot);
  await page.dispatchEvent('[data-testid=model-code]', 'dragover', { dataTransfer: dt });
  await page.dispatchEvent('[data-testid=model-code]', 'drop', { dataTransfer: dt });
  await page.locator('[data-testid=edge-treat-re78]').waitFor();
  assert(await page.locator('[data-testid^=edge-]').count() === 7, 'seven edges from the file');
  // The data stays loaded: the drop went to the graph, not to the data drop zone.
  await page.locator('[data-testid=data-shape]').filter({ hasText: '445 rows' }).waitFor();
  const code = await page.inputValue('[data-testid=model-code]');
  assert(code.startsWith('dag {') && code.includes('re75 -> treat'), `model code now DAGitty: ${code.slice(0, 80)}`);
  await page.selectOption('[data-testid=outcome-select]', 're78');
  await page.locator('[data-testid=minimal-set-0]').filter({ hasText: 're75' }).waitFor();
  await page.evaluate(() => localStorage.clear());
});

// Further tests live in tests/e2e/*.test.mjs: each exports `default (test, h)` and registers its
// tests with `test(name, fn)`; `h` holds the helpers above.
const helpers = { assert, close, dropFile, resultAttrs, cliJson, refs, artifacts, root, path, fs, nswText,
  nodeCentre, drawEdge, cardWithGaps,
  freshContext: (...a) => freshContext(...a), base: () => base };
for (const f of fs.readdirSync(here).filter((f) => f.endsWith('.test.mjs')).sort()) {
  (await import(path.join(here, f))).default(test, helpers);
}

// ---------------------------------------------------------------- runner
const server = await serve(dist);
const base = `http://127.0.0.1:${server.address().port}/`;
const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-e2e-'));
const context = await chromium.launchPersistentContext(userDir, {
  executablePath: chromiumPath, headless: true, viewport: { width: 1280, height: 900 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
// Every request of every page and worker in the context, checked again after the run.
const foreign = [];
context.on('request', (r) => {
  const u = r.url();
  if (!u.startsWith(base) && !u.startsWith('data:') && !u.startsWith('blob:')) foreign.push(u);
});
const freshDirs = [];
/** A second browser with its own profile (nothing saved in the first is visible), checked for the same origin. */
async function freshContext() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-e2e-fresh-'));
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: chromiumPath, headless: true, viewport: { width: 1280, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  ctx.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(base) && !u.startsWith('data:') && !u.startsWith('blob:')) foreign.push(u);
  });
  freshDirs.push(dir);
  return ctx;
}
let passed = 0, failed = 0;
const only = process.env.E2E_FILTER;
for (const { name, fn } of tests.filter((t) => !only || t.name.includes(only))) {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(base) && !u.startsWith('data:') && !u.startsWith('blob:')) problems.push(`request left the origin: ${u}`);
  });
  const t0 = Date.now();
  try {
    await page.goto(base);
    await fn({ page });
    if (problems.length) throw new Error(problems.join('\n'));
    passed++;
    console.log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}\n     ${String(e.stack || e).split('\n').slice(0, 6).join('\n     ')}`);
    await page.screenshot({ path: path.join(artifacts, `fail-${tests.findIndex((t) => t.name === name)}.png`), fullPage: true }).catch(() => {});
  }
  await page.close();
}
await context.close();
server.close();
if (foreign.length) {
  failed++;
  console.log(`FAIL no request leaves the page's origin\n     ${foreign.join('\n     ')}`);
} else {
  passed++;
  console.log(`ok   no request of any page or worker left the origin (${base})`);
}
for (const dir of [userDir, ...freshDirs]) {
  try { fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5 }); } catch { /* a profile still being written */ }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
