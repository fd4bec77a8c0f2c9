// Numbers that cannot be trusted are refused, not shown: a column that reproduces the outcome
// (NHEFS's wt82 beside the outcome wt82_71 = wt82 − wt71) makes every outcome model exact, and
// the page must name it instead of reporting 0 ± 0; an identifier is not adjusted for by default.
// Results and run errors appear where the user looks.

export default (test, h) => {
  const { assert, dropFile, path, artifacts } = h;

  // NHEFS-like: quitting smoking (qsmk) and the weight change 1971–1982; wt82 is measured after
  // the treatment and wt82_71 is computed from it.
  const rows = ['seqn,qsmk,wt82_71,wt71,wt82,age,smokeyrs'];
  for (let i = 0; i < 400; i++) {
    const t = i % 3 === 0 ? 1 : 0;
    const wt71 = 50 + ((i * 37) % 47);
    const age = 25 + ((i * 13) % 45);
    const noise = ((i * 7919) % 23) / 4 - 2.5;
    const wt82 = Math.round((wt71 + 3.4 * t + 0.05 * age + noise) * 100) / 100;
    rows.push(`${233 + i * 7},${t},${Math.round((wt82 - wt71) * 100) / 100},${wt71},${wt82},${age},${(i * 11) % 30 + 5}`);
  }
  const nhefs = rows.join('\n') + '\n';

  test('a covariate that reproduces the outcome is named and no 0 ± 0 result is shown', async ({ page }) => {
    await dropFile(page, 'nhefs_like.csv', nhefs);
    await page.locator('[data-testid=data-shape]').filter({ hasText: '400 rows' }).waitFor();
    await page.selectOption('[data-testid=treatment-select]', 'qsmk');
    await page.selectOption('[data-testid=outcome-select]', 'wt82_71');
    // The identifier is not ticked by default, and says why.
    assert(!(await page.isChecked('[data-testid=covariate-seqn]')), 'seqn is not ticked');
    await page.locator('[data-testid=identifier-seqn]').filter({ hasText: 'as in an identifier' }).waitFor();
    assert(await page.isChecked('[data-testid=covariate-age]'), 'age is ticked');
    await page.locator('fieldset.covariates').screenshot({ path: path.join(artifacts, 'identifier-unticked.png') });
    await page.click('[data-testid=run-button]');
    const ols = page.locator('[data-testid=method-error-ols]');
    await ols.waitFor({ timeout: 30000 });
    const why = await ols.innerText();
    assert(why.includes('reproduce the outcome') && why.includes('wt82'), `OLS says: ${why}`);
    for (const m of ['aipw', 't-learner', 'x-learner', 'r-learner', 'dr-learner']) {
      const text = await page.locator(`[data-testid=method-error-${m}]`).innerText();
      assert(text.includes('wt82'), `${m} names wt82: ${text}`);
    }
    // What still runs has a real interval.
    const shown = await page.locator('tr[data-testid^=result-]').evaluateAll((rs) =>
      rs.map((r) => [r.dataset.testid, Number(r.dataset.stdError)]));
    assert(shown.length > 0, 'the methods without an outcome model still run');
    for (const [id, se] of shown) assert(se > 0, `${id}: standard error ${se}`);
    const warned = await page.locator('body').innerText();
    assert(warned.includes('reproduce the outcome'), 'a warning says so beside the other numbers');
    await ols.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(artifacts, 'reproduced-outcome.png') });

    // Without wt82, every method gives a number with an interval.
    await page.uncheck('[data-testid=covariate-wt82]');
    await page.click('[data-testid=run-button]');
    await page.locator('[data-testid=result-ols]').waitFor({ timeout: 30000 });
    assert(await page.locator('[data-testid^=method-error-]').count() === 0, 'no method refused without wt82');
  });

  test('after Run the results come into view with the focus on their heading', async ({ page }) => {
    await dropFile(page, 'nsw_experimental.csv', h.nswText);
    await page.locator('[data-testid=data-shape]').filter({ hasText: '445 rows' }).waitFor();
    await page.selectOption('[data-testid=treatment-select]', 'treat');
    await page.selectOption('[data-testid=outcome-select]', 're78');
    await page.focus('[data-testid=run-button]');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=result-ols]').waitFor({ timeout: 30000 });
    await page.waitForFunction(() => document.activeElement?.dataset?.testid === 'results-title', null, { timeout: 5000 });
    const box = await page.locator('[data-testid=results-title]').boundingBox();
    const height = page.viewportSize().height;
    assert(box && box.y >= -1 && box.y + box.height <= height, `the heading is on screen (y ${box && box.y}, viewport ${height})`);
  });

  test('a run that fails as a whole says why beside its button', async ({ page }) => {
    const rows = ['t,y,x,customer'];
    for (let i = 0; i < 300; i++) rows.push(`${i % 2},${(i * 7) % 13},${i % 5},C-${100000 + i * 37}`);
    await dropFile(page, 'customers.csv', rows.join('\n') + '\n');
    await page.locator('[data-testid=data-shape]').filter({ hasText: '300 rows' }).waitFor();
    await page.selectOption('[data-testid=treatment-select]', 't');
    await page.selectOption('[data-testid=outcome-select]', 'y');
    await page.check('[data-testid=covariate-customer]');
    await page.click('[data-testid=run-button]');
    const near = page.locator('[data-testid=run-error]');
    await near.filter({ hasText: 'looks like an identifier' }).waitFor({ timeout: 30000 });
    const [err, button] = [await near.boundingBox(), await page.locator('[data-testid=run-button]').boundingBox()];
    assert(Math.abs(err.y - button.y) < 200, `the message is beside the button (${err.y} vs ${button.y})`);
    await page.screenshot({ path: path.join(artifacts, 'run-error.png') });
    // The graph has no arrows yet: it claims nothing, and says so instead of "correctly adjusted".
    await page.locator('[data-testid=graph-empty]').filter({ hasText: 'Draw the arrows you believe in' }).waitFor();
    assert(await page.locator('[data-testid=adjustment-status]').count() === 0, 'no verdict for an empty graph');
    // It goes away with the next run.
    await page.uncheck('[data-testid=covariate-customer]');
    await page.click('[data-testid=run-button]');
    await page.locator('[data-testid=result-ols]').waitFor({ timeout: 30000 });
    assert(await near.count() === 0, 'the old message is gone');
  });
};
