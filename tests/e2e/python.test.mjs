// "Copy as Python": the script the page offers recomputes the page's numbers with pandas,
// statsmodels, scikit-learn and causalml, and its DoWhy block identifies the graph's adjustment set.
// Runs with $CF_PYTHON (the checks' environment scripts/setup.sh makes), else python3.
import { execFileSync, spawnSync } from 'node:child_process';
import os from 'node:os';

const python = process.env.CF_PYTHON || 'python3';
const needed = ['numpy', 'pandas', 'scipy', 'statsmodels', 'sklearn', 'causalml', 'dowhy', 'pydot'];
function pythonHas() {
  const r = spawnSync(python, ['-c', `import ${needed.join(', ')}`], { encoding: 'utf8' });
  return r.status === 0;
}

export default (test, h) => {
  const { assert, close, path, fs, refs } = h;

  test('copy as Python: the script recomputes the page\'s numbers', async ({ page }) => {
    await page.click('[data-testid=example-nsw_cps]');
    for (const m of ['ols', 'ipw', 'aipw', 'dr-learner']) await page.locator(`[data-testid=result-${m}]`).waitFor({ timeout: 60000 });
    await page.click('[data-testid=copy-python]');
    await page.locator('[data-testid=python-script]').waitFor();
    const script = await page.locator('[data-testid=python-script]').textContent();
    assert(script.includes('nsw_cps.csv') && script.includes('import pandas'), 'the script reads the file with pandas');
    assert(script.includes('CausalModel'), 'the drawn graph goes to DoWhy');
    const rows = await page.locator('[data-testid^=result-]').evaluateAll((els) => Object.fromEntries(
      els.map((e) => [e.dataset.testid.slice(7), { estimate: Number(e.dataset.estimate), se: Number(e.dataset.stdError) }])));
    if (!pythonHas()) {
      assert(process.env.CF_REQUIRE_PYTHON !== '1', `CF_REQUIRE_PYTHON=1 and ${python} lacks one of ${needed.join(', ')}`);
      console.log(`     (${python} lacks one of ${needed.join(', ')}: the script was checked, not run)`);
      return;
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-py-'));
    fs.copyFileSync(path.join(refs, 'nsw_cps.csv'), path.join(dir, 'nsw_cps.csv'));
    fs.writeFileSync(path.join(dir, 'check.py'), script);
    const out = execFileSync(python, ['check.py'], { cwd: dir, encoding: 'utf8', timeout: 300000, stdio: ['ignore', 'pipe', 'pipe'] });
    fs.rmSync(dir, { recursive: true, force: true });
    const printed = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).filter((r) => r.method);
    let compared = 0;
    for (const r of printed) {
      // Matching: causalml breaks ties between equally near controls its own way (NSW has such ties).
      if (r.method === 'psm') continue;
      const p = rows[r.method];
      assert(p, `the page has a ${r.method} row`);
      close(r.estimate, p.estimate, 1e-6, `${r.method} estimate, Python vs page`);
      close(r.std_error, p.se, 1e-6, `${r.method} standard error, Python vs page`);
      compared++;
    }
    assert(compared === Object.keys(rows).length - 1, `every method but matching compared (${compared})`);
    // The DoWhy block ran on the drawn graph and found the covariates the page adjusted for.
    const dowhy = out.split('\n').filter((l) => l.startsWith('{"dowhy"')).map((l) => JSON.parse(l).dowhy)[0];
    assert(dowhy, 'the script printed DoWhy\'s identified estimand');
    const covariates = JSON.parse(script.match(/^COVARIATES = (\[[^\]]*\])/m)[1]).sort();
    assert(JSON.stringify(dowhy.backdoor) === JSON.stringify(covariates),
      `DoWhy's back-door set ${dowhy.backdoor} is the page's covariates ${covariates}`);
  });
};
