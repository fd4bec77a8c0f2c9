// Numbers that cannot be trusted are refused, not shown: a column that reproduces the outcome
// (NHEFS's wt82 beside the outcome wt82_71 = wt82 − wt71) makes every outcome model exact, and
// the page must name it instead of reporting 0 ± 0; an identifier is not adjusted for by default.
// Results and run errors appear where the user looks. A share link that was edited is refused in
// plain words.

import zlib from 'node:zlib';

export default (test, h) => {
  const { assert, dropFile, path, artifacts, cliJson, close, refs, resultAttrs } = h;

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

  test('a column the outcome is computed from is not ticked, and ticked it is named instead of 0 ± 0', async ({ page }) => {
    await dropFile(page, 'nhefs_like.csv', nhefs);
    await page.locator('[data-testid=data-shape]').filter({ hasText: '400 rows' }).waitFor();
    await page.selectOption('[data-testid=treatment-select]', 'qsmk');
    await page.selectOption('[data-testid=outcome-select]', 'wt82_71');
    // The identifier is not ticked by default, and says why.
    assert(!(await page.isChecked('[data-testid=covariate-seqn]')), 'seqn is not ticked');
    await page.locator('[data-testid=identifier-seqn]').filter({ hasText: 'as in an identifier' }).waitFor();
    // wt82_71 = wt82 − wt71: the later weight is not ticked, the baseline weight is.
    assert(!(await page.isChecked('[data-testid=covariate-wt82]')), 'wt82 is not ticked');
    await page.locator('[data-testid=derived-wt82]').filter({ hasText: 'the outcome is wt82 − wt71' }).waitFor();
    assert(await page.isChecked('[data-testid=covariate-wt71]'), 'wt71 (before the treatment) is ticked');
    assert(await page.isChecked('[data-testid=covariate-age]'), 'age is ticked');
    await page.locator('fieldset.covariates').screenshot({ path: path.join(artifacts, 'derived-unticked.png') });
    // With the default ticks every method gives a number with a real interval.
    await page.click('[data-testid=run-button]');
    await page.locator('[data-testid=result-ols]').waitFor({ timeout: 30000 });
    assert(await page.locator('[data-testid^=method-error-]').count() === 0, 'no method refused with the default ticks');
    const all = await page.locator('tr[data-testid^=result-]').evaluateAll((rs) =>
      rs.map((r) => [r.dataset.testid, Number(r.dataset.stdError)]));
    assert(all.length >= 9, `every method ran (${all.length})`);
    for (const [id, se] of all) assert(se > 0, `${id}: standard error ${se}`);

    // Ticked by hand, wt82 is named as reproducing the outcome, and no 0 ± 0 row is shown.
    await page.check('[data-testid=covariate-wt82]');
    await page.locator('[data-testid=derived-wt82]').filter({ hasText: 'ticked, but' }).waitFor();
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
  });

  test('Run waits, saying why beside it, for an arm of one row or an outcome that never varies', async ({ page }) => {
    const rows = ['t,y,flat,x'];
    for (let i = 0; i < 40; i++) rows.push(`${i === 7 ? 1 : 0},${(i * 7) % 13},5,${i % 5}`);
    await dropFile(page, 'one-treated.csv', rows.join('\n') + '\n');
    await page.locator('[data-testid=data-shape]').filter({ hasText: '40 rows' }).waitFor();
    await page.selectOption('[data-testid=treatment-select]', 't');
    await page.selectOption('[data-testid=outcome-select]', 'y');
    const blocked = page.locator('[data-testid=run-blocked]');
    await blocked.filter({ hasText: 't has 1 row in its treated arm (t = 1)' }).waitFor();
    assert(await page.isDisabled('[data-testid=run-button]'), 'Run is disabled for a one-row arm');
    const [why, button] = [await blocked.boundingBox(), await page.locator('[data-testid=run-button]').boundingBox()];
    assert(Math.abs(why.y - button.y) < 200, `the reason is beside the button (${why.y} vs ${button.y})`);
    assert(!(await blocked.innerText()).includes('`'), 'no raw backticks');
    await page.screenshot({ path: path.join(artifacts, 'run-waits.png') });

    const more = ['t,y,flat,x'];
    for (let i = 0; i < 40; i++) more.push(`${i % 2},${(i * 7) % 13},5,${i % 5}`);
    await dropFile(page, 'flat-outcome.csv', more.join('\n') + '\n');
    await page.locator('[data-testid=data-file]').filter({ hasText: 'flat-outcome.csv' }).waitFor();
    await page.selectOption('[data-testid=treatment-select]', 't');
    await page.selectOption('[data-testid=outcome-select]', 'flat');
    await blocked.filter({ hasText: 'flat is 5 in every row' }).waitFor();
    assert(await page.isDisabled('[data-testid=run-button]'), 'Run is disabled for a constant outcome');
    await page.selectOption('[data-testid=outcome-select]', 'y');
    await blocked.waitFor({ state: 'detached' });
    assert(!(await page.isDisabled('[data-testid=run-button]')), 'Run is enabled again');
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
    // And where the results would be.
    await page.locator('[data-testid=run-failed]').filter({ hasText: 'looks like an identifier' }).waitFor();
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

  test('applied model code keeps the ticked covariates and offers its own', async ({ page }) => {
    await dropFile(page, 'nsw_experimental.csv', h.nswText);
    await page.locator('[data-testid=data-shape]').filter({ hasText: '445 rows' }).waitFor();
    await page.selectOption('[data-testid=treatment-select]', 'treat');
    await page.selectOption('[data-testid=outcome-select]', 're78');
    const ticked = () => page.locator('fieldset.covariates input[type=checkbox]:checked').count();
    const before = await ticked();
    assert(before >= 2, `the ticks (${before})`);
    const code = 'dag {\n treat [exposure]\n re78 [outcome]\n age [adjusted]\n age -> treat\n age -> re78\n treat -> re78\n}';
    await page.fill('[data-testid=model-code]', code);
    await page.click('[data-testid=apply-code]');
    await page.locator('[data-testid=edge-age-treat]').waitFor({ state: 'attached' });
    const offer = page.locator('[data-testid=code-covariates]');
    await offer.filter({ hasText: 'The code marks 1 covariate [adjusted]: age' }).waitFor();
    assert(await ticked() === before, 'nothing was unticked by the code');
    await offer.screenshot({ path: path.join(artifacts, 'code-covariates.png') });
    await page.click('[data-testid=keep-covariates]');
    await offer.waitFor({ state: 'detached' });
    assert(await ticked() === before, 'kept');
    // Applied again, and this time taken: only age stays ticked.
    await page.fill('[data-testid=model-code]', code.replace('treat -> re78', 'treat -> re78\n educ -> re78'));
    await page.click('[data-testid=apply-code]');
    await page.click('[data-testid=use-code-covariates]');
    await offer.waitFor({ state: 'detached' });
    assert(await ticked() === 1 && await page.isChecked('[data-testid=covariate-age]'), 'the code\'s set is ticked');
    await page.evaluate(() => localStorage.clear());
  });

  test('a numeric code column taken as categories gives the CLI\'s --categorical numbers', async ({ page }) => {
    await dropFile(page, 'nsw_experimental.csv', h.nswText);
    await page.locator('[data-testid=data-shape]').filter({ hasText: '445 rows' }).waitFor();
    await page.selectOption('[data-testid=treatment-select]', 'treat');
    await page.selectOption('[data-testid=outcome-select]', 're78');
    const toggle = page.locator('[data-testid=type-educ]');
    await toggle.filter({ hasText: 'as a number' }).waitFor();
    assert(await page.locator('[data-testid=type-re74]').count() === 0, 'no type control for a column of many values');
    // educ2 = educ² and nodegree = (educ < 12) are functions of educ's categories: they go.
    await page.uncheck('[data-testid=covariate-educ2]');
    await page.uncheck('[data-testid=covariate-nodegree]');
    await toggle.click();
    await toggle.filter({ hasText: /as \d+ categories/ }).waitFor();
    assert(await toggle.getAttribute('aria-pressed') === 'true', 'pressed');
    await page.locator('fieldset.covariates').screenshot({ path: path.join(artifacts, 'type-control.png') });
    await page.click('[data-testid=run-button]');
    const ols = await resultAttrs(page, 'ols');
    const file = path.join(refs, 'nsw_experimental.csv');
    const covs = await page.locator('fieldset.covariates input[type=checkbox]:checked').evaluateAll((es) =>
      es.map((e) => e.dataset.testid.replace('covariate-', '')));
    const cli = cliJson([file, '--treatment', 'treat', '--outcome', 're78', '--method', 'ols',
      '--covariates', covs.join(','), '--categorical', 'educ']);
    close(ols.estimate, cli.results[0].estimate, 1e-9, 'OLS with educ as categories');
    close(ols.stdError, cli.results[0].std_error, 1e-9, 'its standard error');
    const asNumber = cliJson([file, '--treatment', 'treat', '--outcome', 're78', '--method', 'ols', '--covariates', covs.join(',')]);
    assert(Math.abs(asNumber.results[0].estimate - ols.estimate) > 1e-6, 'as a number it differs');
    // Back to a number: the spec and the numbers follow.
    await toggle.click();
    await page.click('[data-testid=run-button]');
    await page.waitForFunction((want) => Math.abs(Number(document.querySelector('[data-testid=result-ols]')?.dataset.estimate) - want) < 1e-9 * Math.abs(want),
      asNumber.results[0].estimate, { timeout: 30000 });
  });

  test('an edited share link is refused in plain words, even one with a valid checksum', async ({ page }) => {
    await dropFile(page, 'nsw_experimental.csv', h.nswText);
    await page.locator('[data-testid=data-shape]').filter({ hasText: '445 rows' }).waitFor();
    await page.selectOption('[data-testid=treatment-select]', 'treat');
    await page.selectOption('[data-testid=outcome-select]', 're78');
    await page.click('[data-testid=share-button]');
    const url = await page.inputValue('[data-testid=share-link]');
    const [head, link] = url.split('#');
    const [v, payload, check] = link.split('.');
    assert(v === 'v2' && payload && check, `a v2 link with a checksum: ${link.slice(0, 20)}…`);
    // The page's checksum: FNV-1a (64 bit) of the text before it, big-endian, base64url.
    const fnv = (text) => {
      let x = 0xcbf29ce484222325n;
      for (const b of Buffer.from(text)) x = ((x ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
      const bytes = Buffer.alloc(8);
      bytes.writeBigUInt64BE(x);
      return bytes.toString('base64url');
    };
    assert(fnv(`${v}.${payload}`) === check, 'the checksum is understood');
    const json = JSON.parse(zlib.inflateRawSync(Buffer.from(payload, 'base64url')).toString('utf8'));
    const forge = (edit) => {
      const j = structuredClone(json);
      edit(j);
      const body = `v2.${zlib.deflateRawSync(Buffer.from(JSON.stringify(j))).toString('base64url')}`;
      return `${body}.${fnv(body)}`;
    };
    const flipped = link.slice(0, 40) + (link[40] === 'A' ? 'B' : 'A') + link.slice(41);
    const cases = [
      [flipped, 'has been changed since it was made'],
      [forge((j) => { j.spec.seed = 12; }), 'it sets a random seed, which the page does not'],
      [forge((j) => { j.spec.methods.push('g-learner'); }), 'settings this version of the page does not know'],
      [forge((j) => { j.spec.outcome = j.spec.treatment; }), 'is both the treatment and the outcome'],
      [forge((j) => { j.spec.alpha = 0.9; }), 'confidence'],
    ];
    for (const [bad, why] of cases) {
      const p = await page.context().newPage();
      await p.goto(`${head}#${bad}`);
      const err = p.locator('[data-testid=share-error]');
      await err.waitFor();
      const text = await err.innerText();
      assert(text.includes(why), `"${why}" in: ${text}`);
      assert(!/line \d+ column|unknown variant|expected|invalid type/.test(text), `no parser wording: ${text}`);
      assert(await p.locator('[data-testid=share-banner]').count() === 0, 'nothing restored');
      await p.close();
    }
    // The page's own link, untouched, opens.
    const p = await page.context().newPage();
    await p.goto(url);
    await p.locator('[data-testid=share-banner]').waitFor();
    await p.close();
  });

  test('the analysis panel with its reasons and type switches fits 390, 768 and 1280 px', async ({ page }) => {
    await dropFile(page, 'nhefs_like.csv', nhefs);
    await page.locator('[data-testid=data-shape]').filter({ hasText: '400 rows' }).waitFor();
    await page.selectOption('[data-testid=treatment-select]', 'qsmk');
    await page.selectOption('[data-testid=outcome-select]', 'wt82_71');
    await page.locator('[data-testid=derived-wt82]').waitFor();
    for (const width of [390, 768, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await page.waitForTimeout(100);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      assert(wide <= width, `at ${width} px the page is ${wide} px wide`);
      const hint = await page.locator('[data-testid=derived-wt82]').boundingBox();
      assert(hint.x >= 0 && hint.x + hint.width <= width, `the reason fits at ${width} px (${hint.x}, ${hint.width})`);
      await page.locator('fieldset.covariates').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(artifacts, `analysis-${width}.png`) });
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });
};
