// "Who responds": uplift models fitted in the page's worker on Hillstrom with the reference's
// held-out split (a `test` column), scored with the same AUUC and Qini as `counterfact uplift`
// on the same file and settings, with the gain chart; progress and a working cancel.

export default (test, h) => {
  const { assert, dropFile, resultAttrs, refs, artifacts, root, path, fs } = h;
  const cli = process.env.CF_CLI || path.join(root, 'target', 'debug', 'counterfact');
  const covariates = JSON.parse(fs.readFileSync(path.join(refs, '..', 'uplift_results.json'), 'utf8')).uplift.hillstrom.covariates;

  /** Hillstrom with the reference split as a last column `test` (1 = held out). */
  function hillstromWithSplit() {
    const a = fs.readFileSync(path.join(refs, 'hillstrom.csv'), 'utf8').trimEnd().split('\n');
    const b = fs.readFileSync(path.join(refs, '..', 'folds', 'hillstrom_uplift_split.csv'), 'utf8').trimEnd().split('\n');
    assert(a.length === b.length, `split file rows ${b.length} against ${a.length}`);
    return a.map((l, i) => `${l.replace(/\r$/, '')},${b[i].replace(/\r$/, '')}`).join('\n') + '\n';
  }

  async function setUp(page, text, treatment = 'treatment', control = null) {
    await dropFile(page, 'hillstrom_split.csv', text);
    await page.locator('[data-testid=data-shape]').filter({ hasText: '64,000 rows' }).waitFor({ timeout: 60000 });
    await page.selectOption('[data-testid=treatment-select]', treatment);
    if (control) await page.selectOption('[data-testid=control-level]', control);
    await page.selectOption('[data-testid=outcome-select]', 'visit');
    for (const box of await page.locator('[data-testid^=covariate-]').all()) {
      const id = await box.getAttribute('data-testid');
      await box.setChecked(covariates.includes(id.slice('covariate-'.length)));
    }
    for (const box of await page.locator('[data-testid^=method-]').all()) {
      if (await box.isDisabled()) continue;
      const id = await box.getAttribute('data-testid');
      await box.setChecked(id === 'method-diff-means');
    }
    await page.click('[data-testid=run-button]');
    if (control) await page.locator('[data-testid=result-diff-means]').first().waitFor({ timeout: 60000 });
    else await resultAttrs(page, 'diff-means');
    await page.locator('[data-testid=who-responds]').waitFor();
    await page.selectOption('[data-testid=uplift-split-column]', 'test');
  }

  test('who responds: the uplift forest and the boosted X-learner fitted in the worker equal the CLI on the reference split', async ({ page }) => {
    const text = hillstromWithSplit();
    const file = path.join(artifacts, 'hillstrom_split.csv');
    fs.writeFileSync(file, text);
    await setUp(page, text);
    // The defaults for a 0/1 outcome.
    assert(await page.isChecked('[data-testid=uplift-model-uplift-forest-kl]'), 'forest ticked by default');
    assert(await page.isChecked('[data-testid=uplift-model-x-learner-gbdt]'), 'X-learner ticked by default');
    assert(await page.locator('[data-testid=uplift-model-causal-forest]').count() === 0, 'no causal forest for a 0/1 outcome');
    await page.click('[data-testid=uplift-button]');
    await page.locator('[data-testid=uplift-progress]').waitFor({ timeout: 10000 });
    await page.locator('[data-testid=uplift-table]').waitFor({ timeout: 180000 });
    const rows = await page.locator('[data-testid=uplift-row]').evaluateAll((trs) => trs.map((tr) => ({
      model: tr.dataset.model,
      auuc: Number(tr.querySelector('[data-testid=uplift-auuc]').textContent),
      qini: Number(tr.querySelector('[data-testid=uplift-qini]').textContent),
      seconds: parseFloat(tr.querySelector('[data-testid=uplift-seconds]').textContent),
    })));
    assert(rows.map((r) => r.model).join() === 'uplift-forest-kl,x-learner-gbdt', `models: ${rows.map((r) => r.model)}`);
    const { execFileSync } = await import('node:child_process');
    const want = JSON.parse(execFileSync(cli, ['uplift', file, '--treatment', 'treatment', '--outcome', 'visit',
      '--covariates', covariates.join(','), '--model', 'uplift-forest-kl,x-learner-gbdt', '--split-column', 'test',
      '--json'], { encoding: 'utf8' }));
    assert(want.n_test === 19200, `CLI test rows ${want.n_test}`);
    for (const r of rows) {
      const w = want.models.find((m) => m.model === r.model);
      assert(Math.abs(r.auuc - w.auuc) < 6e-5 && Math.abs(r.qini - w.qini) < 6e-5,
        `${r.model}: page AUUC ${r.auuc} / Qini ${r.qini}, CLI ${w.auuc} / ${w.qini}`);
      assert(r.auuc > 0.5, `${r.model} ranks better than random: ${r.auuc}`);
      console.log(`  ${r.model}: page fit ${r.seconds} s, CLI (debug build) ${w.fit_seconds.toFixed(2)} s`);
    }
    // Whom to target: the X-learner's deciles and, for a value and costs, the decision equal the
    // CLI's (`--value 30 --cost-per-treated 0.2 --cost-per-conversion 3 --budget-share 0.5`),
    // recomputed on the page when an input changes, without a refit.
    const listFile = path.join(artifacts, 'targeting-list-cli.csv');
    const decided = JSON.parse(execFileSync(cli, ['uplift', file, '--treatment', 'treatment', '--outcome', 'visit',
      '--covariates', covariates.join(','), '--model', 'x-learner-gbdt', '--split-column', 'test', '--bootstrap', '2',
      '--value', '30', '--cost-per-treated', '0.2', '--cost-per-conversion', '3', '--budget-share', '0.5',
      '--list-out', listFile, '--key', 'history', '--json'],
      { encoding: 'utf8' })).models[0];
    await page.selectOption('[data-testid=uplift-focus]', { label: 'X-learner, boosted trees' });
    const deciles = await page.locator('[data-testid=decile-row]').evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.observed)));
    assert(deciles.length === 10, `ten deciles: ${deciles.length}`);
    deciles.forEach((d, k) => assert(Math.abs(d - decided.deciles[k].observed) < 1e-12,
      `decile ${k + 1}: page ${d}, CLI ${decided.deciles[k].observed}`));
    assert(await page.locator('[data-testid=decile-bar]').count() === 10, 'ten bars');
    // Segments: the depth-3 tree's rules on the page are the CLI's.
    const segments = await page.locator('[data-testid=segment-row]').evaluateAll((trs) => trs.map((tr) => ({
      rule: tr.dataset.rule, predicted: Number(tr.dataset.predicted), share: Number(tr.dataset.share) })));
    assert(segments.length >= 2 && segments.length === decided.segments.length,
      `segments: page ${segments.length}, CLI ${decided.segments.length}`);
    segments.forEach((g, k) => {
      const w = decided.segments[k];
      assert(g.rule === w.rule && Math.abs(g.predicted - w.predicted) < 1e-12 && g.share === w.share,
        `segment ${k + 1}: page ${JSON.stringify(g)}, CLI ${JSON.stringify(w)}`);
    });
    assert(Math.abs(segments.reduce((a, g) => a + g.share, 0) - 1) < 1e-9, 'the segments cover every customer');
    // What drives the effect and the distribution of predicted effects: the CLI's numbers.
    const bars = await page.locator('[data-testid=importance-bar]').evaluateAll((gs) => gs.map((g) => ({
      column: g.dataset.column, permutation: Number(g.dataset.permutation) })));
    assert(bars.length === covariates.length, `a bar per covariate column: ${bars.length}`);
    bars.forEach((b, k) => {
      const w = decided.importance[k];
      assert(b.column === w.column && Math.abs(b.permutation - w.permutation) < 1e-12, `importance ${k + 1}: page ${JSON.stringify(b)}, CLI ${JSON.stringify(w)}`);
    });
    const bins = await page.locator('[data-testid=distribution-bin]').evaluateAll((rs) => rs.map((r) => Number(r.dataset.count)));
    assert(bins.length === 30 && bins.reduce((a, c) => a + c, 0) === 64000, `30 bins over 64,000 customers: ${bins.length}, ${bins.reduce((a, c) => a + c, 0)}`);
    assert(bins.every((c, k) => c === decided.distribution.counts[k]), 'the CLI\'s histogram');
    for (const [id, v] of [['value', '30'], ['cost-treated', '0.2'], ['cost-conversion', '3'], ['budget', '50']]) {
      await page.fill(`[data-testid=uplift-${id}]`, v);
      await page.press(`[data-testid=uplift-${id}]`, 'Tab');
    }
    const rec = page.locator('[data-testid=uplift-recommendation]');
    await page.waitForFunction(() => document.querySelector('[data-testid=uplift-recommendation]')?.dataset.profitEveryone
      && Number(document.querySelector('[data-testid=uplift-recommendation]').dataset.share) <= 0.5
      && document.querySelector('[data-testid=uplift-budget]').value === '50');
    const got = await rec.evaluate((el) => ({ ...el.dataset, text: el.innerText }));
    const d = decided.decision;
    assert(Number(got.share) === d.share && Number(got.customers) === d.customers,
      `page share ${got.share} (${got.customers}), CLI ${d.share} (${d.customers})`);
    for (const k of ['profit', 'profitEveryone']) {
      const cliValue = k === 'profit' ? d.profit : d.profit_everyone;
      assert(Math.abs(Number(got[k]) - cliValue) <= 1e-9 * Math.abs(cliValue), `${k}: page ${got[k]}, CLI ${cliValue}`);
    }
    assert(/Target (the top|nobody)/.test(got.text), `a recommendation in words: ${got.text}`);
    assert(await page.locator('figure.profit line.budget').count() === 1, 'the budget is drawn');
    assert(await page.locator('[data-testid=uplift-stale]').count() === 0, 'costs do not make the fit stale');
    await page.locator('[data-testid=targeting]').screenshot({ path: path.join(artifacts, 'whom-to-target.png') });
    // The targeting list: every row of the file, downloaded from the page, is the CLI's
    // `--list-out` for the same model, costs and key column, byte for byte.
    await page.selectOption('[data-testid=targeting-key]', 'history');
    const [listDownload] = await Promise.all([page.waitForEvent('download', { timeout: 60000 }),
      page.click('[data-testid=download-targeting-list]')]);
    const list = fs.readFileSync(await listDownload.path(), 'utf8');
    const cliList = fs.readFileSync(listFile, 'utf8');
    const lines = list.trim().split('\n');
    assert(lines[0] === 'row,history,uplift,rank,decision', `list header: ${lines[0]}`);
    assert(lines.length === 64001, `a line per row: ${lines.length - 1}`);
    const treated = lines.filter((l) => l.endsWith(',treat')).length;
    assert(treated === d.customers, `${treated} rows to treat, the decision says ${d.customers}`);
    assert(list === cliList, 'the page\'s list equals the CLI\'s');
    assert(await page.locator('[data-testid=download-targeting-list]').isEnabled(), 'the button is ready again');
    // The fitted model, downloaded: `counterfact score` on the same file writes the page's list
    // byte for byte.
    const [modelDownload] = await Promise.all([page.waitForEvent('download', { timeout: 60000 }),
      page.click('[data-testid=download-model]')]);
    assert(modelDownload.suggestedFilename() === 'uplift-model.json', `model file ${modelDownload.suggestedFilename()}`);
    const modelFile = path.join(artifacts, 'uplift-model.json');
    fs.copyFileSync(await modelDownload.path(), modelFile);
    const scoredFile = path.join(artifacts, 'targeting-list-scored-cli.csv');
    execFileSync(cli, ['score', modelFile, file, '--out', scoredFile]);
    assert(fs.readFileSync(scoredFile, 'utf8') === list, 'counterfact score with the page\'s model writes the page\'s list');
    // Next month's customers: 3,000 rows with the covariate columns only, in another order, dropped
    // on "Score another file". The page's list is the CLI's for the same model file.
    const header = text.split('\n', 1)[0].split(',');
    const keep = [...covariates].reverse();
    const at = keep.map((c) => header.indexOf(c));
    const next = [keep.join(','), ...text.split('\n').slice(1, 3001).map((l) => { const c = l.split(','); return at.map((i) => c[i]).join(','); })].join('\n') + '\n';
    const nextFile = path.join(artifacts, 'next-month.csv');
    fs.writeFileSync(nextFile, next);
    const dropOn = async (target, name, contents) => {
      const dt = await page.evaluateHandle(([n, t]) => {
        const d = new DataTransfer();
        d.items.add(new File([t], n, { type: 'text/csv' }));
        return d;
      }, [name, contents]);
      await page.dispatchEvent(target, 'dragover', { dataTransfer: dt });
      await page.dispatchEvent(target, 'drop', { dataTransfer: dt });
    };
    const [scoredDownload] = await Promise.all([page.waitForEvent('download', { timeout: 60000 }),
      dropOn('[data-testid=score-drop]', 'next-month.csv', next)]);
    assert(scoredDownload.suggestedFilename() === 'targeting-list-next-month.csv', `scored list ${scoredDownload.suggestedFilename()}`);
    const pageScored = fs.readFileSync(await scoredDownload.path(), 'utf8');
    execFileSync(cli, ['score', modelFile, nextFile, '--out', scoredFile]);
    assert(pageScored === fs.readFileSync(scoredFile, 'utf8'), 'the page scores another file as counterfact score does');
    const scoredLines = pageScored.trim().split('\n');
    assert(scoredLines[0] === 'row,history,uplift,rank,decision' && scoredLines.length === 3001, `scored list: ${scoredLines[0]}, ${scoredLines.length - 1} rows`);
    const nTreat = Math.round(d.share * 3000);
    assert(scoredLines.filter((l) => l.endsWith(',treat')).length === nTreat, `the top ${nTreat} of 3,000 to treat`);
    const summary = await page.locator('[data-testid=scored-summary]').innerText();
    assert(/next-month\.csv: 3,000 rows scored/.test(summary), `summary: ${summary}`);
    await page.locator('[data-testid=score-new]').screenshot({ path: path.join(artifacts, 'score-new.png') });
    // A file without a covariate is refused beside the button, naming the column; nothing else moves.
    await page.setInputFiles('[data-testid=score-input]', { name: 'no-recency.csv', mimeType: 'text/csv',
      buffer: Buffer.from('history,mens,womens\n10,1,0\n') });
    const scoreError = await page.locator('[data-testid=score-error]').innerText();
    assert(/no-recency\.csv/.test(scoreError) && /recency/.test(scoreError.replace('no-recency', '')), `score error: ${scoreError}`);
    assert(await page.locator('[data-testid=data-shape]').filter({ hasText: '64,000 rows' }).count() === 1, 'the loaded file stays');
    assert(await page.locator('[data-testid=uplift-table]').count() === 1, 'the fit stays');
    await page.locator('[data-testid=score-new]').screenshot({ path: path.join(artifacts, 'score-new-refused.png') });
    // A budget in customers: at most 10,000 of the 64,000, as `--budget-customers 10000`.
    await page.selectOption('[data-testid=uplift-budget-unit]', 'customers');
    await page.fill('[data-testid=uplift-budget]', '10000');
    await page.press('[data-testid=uplift-budget]', 'Tab');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=uplift-recommendation]').dataset.customers) <= 10000);
    const capped = await page.locator('[data-testid=uplift-recommendation]').evaluate((el) => ({ ...el.dataset }));
    const cliCapped = JSON.parse(execFileSync(cli, ['uplift', file, '--treatment', 'treatment', '--outcome', 'visit',
      '--covariates', covariates.join(','), '--model', 'x-learner-gbdt', '--split-column', 'test', '--bootstrap', '2',
      '--value', '30', '--cost-per-treated', '0.2', '--cost-per-conversion', '3', '--budget-customers', '10000', '--json'],
      { encoding: 'utf8' })).models[0].decision;
    assert(Number(capped.customers) === cliCapped.customers && Number(capped.share) === cliCapped.share,
      `budget of 10,000: page ${capped.customers} (${capped.share}), CLI ${cliCapped.customers} (${cliCapped.share})`);
    const curves = await page.locator('[data-testid=gain-curve]').count();
    assert(curves === 2, `two gain curves: ${curves}`);
    const caption = await page.locator('figure.gain figcaption').innerText();
    assert(/rises steeply/.test(caption), `the chart says what a good curve looks like: ${caption}`);
    assert(await page.locator('[data-testid=gain-band]').count() === 2, 'a bootstrap band per curve');
    await page.click('[data-testid=curve-qini]');
    await page.locator('[data-testid=gain-curve][data-curve=qini]').first().waitFor();
    assert(await page.getAttribute('[data-testid=curve-qini]', 'aria-pressed') === 'true', 'the Qini view is on');
    assert(/Qini curve/.test(await page.locator('figure.gain figcaption').innerText()), 'the caption says which curve');
    await page.locator('.gain-chart').screenshot({ path: path.join(artifacts, 'qini-chart.png') });
    await page.click('[data-testid=curve-gain]');
    // Changing a setting marks the results as stale until the next fit; a forest setting out of
    // range is not taken.
    await page.click('[data-testid=uplift-advanced] summary');
    await page.fill('[data-testid=uplift-trees]', '0');
    await page.press('[data-testid=uplift-trees]', 'Tab');
    assert(await page.locator('[data-testid=uplift-stale]').count() === 0, 'zero trees is not a setting');
    const refused = await page.locator('[data-testid=uplift-setting-refused]').innerText();
    assert(/Trees per forest: “0” is not taken \(a whole number from 1 to 1,000\)/.test(refused), `the refusal is said: ${refused}`);
    await page.fill('[data-testid=uplift-trees]', '20');
    await page.press('[data-testid=uplift-trees]', 'Tab');
    await page.locator('[data-testid=uplift-stale]').waitFor();
    assert(await page.locator('[data-testid=uplift-setting-refused]').count() === 0, 'a value taken clears the refusal');
    await page.uncheck('[data-testid=uplift-model-x-learner-gbdt]');
    await page.locator('[data-testid=who-responds]').screenshot({ path: path.join(artifacts, 'who-responds.png') });
  });

  test('several arms priced apart: each customer gets the arm worth most after its cost, the decision and the list equal the CLI\'s --arm-cost', async ({ page }) => {
    const text = hillstromWithSplit();
    const file = path.join(artifacts, 'hillstrom_split.csv');
    fs.writeFileSync(file, text);
    await setUp(page, text, 'segment', 'No E-Mail');
    await page.uncheck('[data-testid=uplift-model-x-learner-gbdt]');
    await page.click('[data-testid=uplift-button]');
    await page.locator('[data-testid=arm-costs]').waitFor({ timeout: 180000 });
    // One cost row per arm; the shared cost fields give way to them.
    for (const [id, v] of [['uplift-value', '30'], ['arm-cost-treated-0', '0.4'], ['arm-cost-conversion-0', '2'], ['arm-cost-treated-1', '0.9']]) {
      await page.fill(`[data-testid=${id}]`, v);
      await page.press(`[data-testid=${id}]`, 'Tab');
    }
    await page.waitForFunction(() => document.querySelector('[data-testid=arm-cost-treated-1]')?.value === '0.9'
      && document.querySelector('[data-testid=arm-recommendation]'));
    const got = await page.locator('[data-testid=arm-recommendation]').evaluate((el) => ({ ...el.dataset, text: el.innerText }));
    const { execFileSync } = await import('node:child_process');
    const listFile = path.join(artifacts, 'targeting-list-arms-cli.csv');
    const want = JSON.parse(execFileSync(cli, ['uplift', file, '--treatment', 'segment', '--control', 'No E-Mail', '--outcome', 'visit',
      '--covariates', covariates.join(','), '--model', 'uplift-forest-kl', '--split-column', 'test', '--bootstrap', '2',
      '--value', '30', '--arm-cost', 'Mens E-Mail=0.4:2,Womens E-Mail=0.9', '--list-out', listFile, '--json'], { encoding: 'utf8' }));
    const d = want.arm_decisions[0];
    assert(Number(got.share) === d.share && Number(got.customers) === d.customers && got.perArm === JSON.stringify(d.customers_per_arm),
      `page ${got.share} (${got.customers}, ${got.perArm}), CLI ${d.share} (${d.customers}, ${JSON.stringify(d.customers_per_arm)})`);
    assert(Math.abs(Number(got.profit) - d.profit) <= 1e-9 * Math.abs(d.profit), `profit: page ${got.profit}, CLI ${d.profit}`);
    assert(/Give each of the top .* Mens E-Mail .* Womens E-Mail/.test(got.text) || /Target nobody/.test(got.text), `in words: ${got.text}`);
    console.log(`  best arm per customer: ${got.text}`);
    await page.locator('[data-testid=targeting]').screenshot({ path: path.join(artifacts, 'whom-to-target-arms.png') });
    // The list: each treated row names its arm, byte for byte the CLI's; the model file scores to it.
    const [listDownload] = await Promise.all([page.waitForEvent('download', { timeout: 60000 }),
      page.click('[data-testid=download-targeting-list]')]);
    const list = fs.readFileSync(await listDownload.path(), 'utf8');
    assert(list.split('\n')[0] === 'row,uplift:Mens E-Mail,uplift:Womens E-Mail,net_value,rank,decision', `header: ${list.split('\n')[0]}`);
    assert(list === fs.readFileSync(listFile, 'utf8'), 'the page\'s list equals the CLI\'s');
    const arms = ['Mens E-Mail', 'Womens E-Mail'].map((a) => list.split('\n').filter((l) => l.endsWith(`,${a}`)).length);
    assert(arms[0] + arms[1] === d.customers, `${arms} rows treated, the decision says ${d.customers}`);
    const [modelDownload] = await Promise.all([page.waitForEvent('download', { timeout: 60000 }),
      page.click('[data-testid=download-model]')]);
    const modelFile = path.join(artifacts, 'uplift-model-arms.json');
    fs.copyFileSync(await modelDownload.path(), modelFile);
    const scoredFile = path.join(artifacts, 'targeting-list-arms-scored.csv');
    execFileSync(cli, ['score', modelFile, file, '--out', scoredFile]);
    assert(fs.readFileSync(scoredFile, 'utf8') === list, 'counterfact score with the page\'s model writes the page\'s list');
    // A dearer arm: the decision moves without a refit.
    await page.fill('[data-testid=arm-cost-treated-1]', '50');
    await page.press('[data-testid=arm-cost-treated-1]', 'Tab');
    await page.waitForFunction((before) => document.querySelector('[data-testid=arm-recommendation]')?.dataset.perArm !== before, got.perArm);
    const after = JSON.parse(await page.locator('[data-testid=arm-recommendation]').getAttribute('data-per-arm'));
    assert(after[1] === 0, `nobody gets an arm that costs more than it can bring: ${after}`);
  });

  test('who responds: cancelling a fit keeps the data and the estimate, and a fit runs after it', async ({ page }) => {
    await setUp(page, hillstromWithSplit());
    await page.check('[data-testid=uplift-model-uplift-forest-ed]');
    await page.click('[data-testid=uplift-button]');
    await page.locator('[data-testid=uplift-cancel]').click();
    await page.locator('[data-testid=uplift-button]:not([disabled])').waitFor({ timeout: 60000 });
    assert(await page.locator('[data-testid=result-diff-means]').count() === 1, 'the estimate stays');
    assert(await page.locator('[data-testid=uplift-table]').count() === 0, 'no results from the cancelled fit');
    for (const m of ['uplift-forest-kl', 'x-learner-gbdt']) await page.uncheck(`[data-testid=uplift-model-${m}]`);
    await page.click('[data-testid=uplift-button]');
    await page.locator('[data-testid=uplift-row][data-model=uplift-forest-ed]').waitFor({ timeout: 120000 });
    const listOf = async () => {
      const [d] = await Promise.all([page.waitForEvent('download', { timeout: 60000 }),
        page.click('[data-testid=download-targeting-list]')]);
      return fs.readFileSync(await d.path(), 'utf8');
    };
    const first = await listOf();
    // A fit of the same models cancelled: the worker starts afresh and forgets the fit, so the
    // list is fitted again in the worker, and it is the same list.
    await page.click('[data-testid=uplift-button]');
    await page.locator('[data-testid=uplift-cancel]').click();
    await page.locator('[data-testid=uplift-button]:not([disabled])').waitFor({ timeout: 60000 });
    assert(await page.locator('[data-testid=uplift-row][data-model=uplift-forest-ed]').count() === 1, 'the fit stays');
    const again = await listOf();
    assert(again === first && first.split('\n').length === 64002, 'the same list after a restart of the worker');
  });

  test('next month: a file with only the covariate columns, scored on the page with a saved model file, gives the list counterfact score gives', async ({ page }) => {
    const { execFileSync } = await import('node:child_process');
    const text = hillstromWithSplit();
    const file = path.join(artifacts, 'hillstrom_split_saved.csv');
    fs.writeFileSync(file, text);
    const modelFile = path.join(artifacts, 'uplift-tree-model.json');
    execFileSync(cli, ['uplift', file, '--treatment', 'treatment', '--outcome', 'visit', '--covariates', covariates.join(','),
      '--model', 'uplift-tree-kl', '--split-column', 'test', '--bootstrap', '2', '--value', '30', '--cost-per-treated', '0.2',
      '--list-out', path.join(artifacts, 'uplift-tree-list.csv'), '--model-out', modelFile]);
    const header = text.split('\n', 1)[0].split(',');
    const keep = ['history', ...covariates.filter((c) => c !== 'history')];
    const at = keep.map((c) => header.indexOf(c));
    const next = [keep.join(','), ...text.split('\n').slice(1, 2001).map((l) => { const c = l.split(','); return at.map((i) => c[i]).join(','); })].join('\n') + '\n';
    const nextFile = path.join(artifacts, 'next-month-covariates.csv');
    fs.writeFileSync(nextFile, next);
    await dropFile(page, 'next-month-covariates.csv', next);
    await page.locator('[data-testid=data-shape]').filter({ hasText: '2,000 rows' }).waitFor({ timeout: 60000 });
    await page.click('[data-testid=saved-model] summary');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60000 }),
      page.setInputFiles('[data-testid=saved-model-input]', modelFile)]);
    const got = fs.readFileSync(await download.path(), 'utf8');
    const want = path.join(artifacts, 'next-month-covariates-list.csv');
    execFileSync(cli, ['score', modelFile, nextFile, '--out', want]);
    assert(got === fs.readFileSync(want, 'utf8'), 'the page\'s list is counterfact score\'s');
    assert(got.split('\n').length === 2002, `a line per row: ${got.split('\n').length - 2}`);
    const summary = await page.locator('[data-testid=saved-model-summary]').innerText();
    assert(/Scored with uplift-tree-kl .*treatment → visit\): 2,000 of 2,000 rows/.test(summary), `summary: ${summary}`);
    // A model file that was edited is refused with the reason; the file stays loaded.
    const edited = fs.readFileSync(modelFile, 'utf8').replace('"label": "treat"', '"label": "mail"');
    await page.setInputFiles('[data-testid=saved-model-input]', { name: 'edited.json', mimeType: 'application/json', buffer: Buffer.from(edited) });
    const error = await page.locator('[data-testid=saved-model-error]').innerText();
    assert(/edited\.json: the model file was changed after it was saved/.test(error), `error: ${error}`);
    assert(await page.locator('[data-testid=data-shape]').filter({ hasText: '2,000 rows' }).count() === 1, 'the file stays');
    await page.locator('[data-testid=saved-model]').screenshot({ path: path.join(artifacts, 'saved-model.png') });
  });

  test('coupon example: each model\'s list holds more true incremental purchases at 30 % than a random one, and the page says how far it is from the best list', async ({ page }) => {
    await page.goto(h.base());
    await page.click('[data-testid=example-coupon]');
    await page.locator('[data-testid=example-story]').waitFor();
    await page.locator('[data-testid=results]:not(.stale)').waitFor({ timeout: 60000 });
    assert(await page.inputValue('[data-testid=uplift-truth-column]') === 'true_uplift', 'the example checks against its true uplift');
    await page.click('[data-testid=uplift-button]');
    await page.locator('[data-testid=truth-table]').waitFor({ timeout: 120000 });
    const rows = await page.locator('[data-testid=truth-row]').evaluateAll((trs) => trs.map((tr) => ({
      model: tr.dataset.model, captured: Number(tr.dataset.captured), best: Number(tr.dataset.best),
      random: Number(tr.dataset.random), shareOfBest: Number(tr.dataset.shareOfBest), text: tr.innerText })));
    assert(rows.length === 2, `a row per model: ${rows.length}`);
    const { execFileSync } = await import('node:child_process');
    const file = path.join(root, 'static', 'examples', 'coupon.csv');
    const want = JSON.parse(execFileSync(cli, ['uplift', file, '--treatment', 'coupon', '--outcome', 'purchase',
      '--covariates', 'recency_days,orders_12m,avg_basket,app_user,newsletter,region',
      '--model', rows.map((r) => r.model).join(','), '--true-uplift', 'true_uplift', '--bootstrap', '2', '--json'], { encoding: 'utf8' }));
    for (const r of rows) {
      const t = want.models.find((m) => m.model === r.model).truth;
      assert(Math.abs(r.captured - t.model[30]) < 1e-9 && Math.abs(r.best - t.best[30]) < 1e-9,
        `${r.model}: page ${r.captured} of ${r.best}, CLI ${t.model[30]} of ${t.best[30]}`);
      assert(r.captured > r.random, `${r.model} beats a random list: ${r.captured} against ${r.random}`);
      assert(r.shareOfBest > 0 && r.shareOfBest <= 1 && Math.abs(r.shareOfBest - r.captured / r.best) < 1e-12, `${r.model}: share of the best ${r.shareOfBest}`);
      assert(/%/.test(r.text), `the share of the best list is shown: ${r.text}`);
      console.log(`  ${r.model}: ${r.captured.toFixed(1)} true incremental purchases at 30 %, best ${r.best.toFixed(1)}, random ${r.random.toFixed(1)}`);
    }
    assert(await page.locator('[data-testid=truth-curve]').count() === 2 && await page.locator('[data-testid=truth-best]').count() === 1, 'the chart draws each list and the best');
    // The true-uplift column is never a covariate, so the models cannot have learned from it.
    assert(await page.locator('[data-testid=covariate-true_uplift]').isChecked() === false, 'true_uplift is not ticked');
    await page.locator('[data-testid=truth-check]').screenshot({ path: path.join(artifacts, 'truth-check.png') });
  });

  test('whom to target at 390 px: the Hillstrom example\'s section reflows, every number keeps its label and nothing scrolls sideways', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(h.base());
    await page.click('[data-testid=example-hillstrom]');
    await page.locator('[data-testid=example-story]').waitFor();
    await page.locator('[data-testid=results]:not(.stale)').waitFor({ timeout: 60000 });
    await page.uncheck('[data-testid=uplift-model-x-learner-gbdt]');
    await page.click('[data-testid=uplift-button]');
    await page.locator('[data-testid=uplift-recommendation]').waitFor({ timeout: 60000 });
    const sw = await page.evaluate(() => document.documentElement.scrollWidth);
    assert(sw <= 390, `the page is ${sw} px wide at 390 px`);
    const edge = (await page.locator('[data-testid=targeting]').boundingBox());
    const cells = await page.locator('[data-testid=targeting] td, [data-testid=targeting] tbody th').evaluateAll((tds) => tds.map((td) => {
      const r = td.getBoundingClientRect();
      return { right: r.right, clipped: td.scrollWidth > td.clientWidth + 1, td: td.tagName === 'TD',
        label: getComputedStyle(td, '::before').content, text: td.innerText };
    }));
    assert(cells.length > 40, `table cells: ${cells.length}`);
    for (const c of cells) {
      assert(c.right <= edge.x + edge.width + 0.5 && !c.clipped, `"${c.text}" ends at ${c.right} px (section ends at ${edge.x + edge.width}; clipped: ${c.clipped})`);
      assert(!c.td || (c.label && c.label !== 'none'), `"${c.text}" has no label`);
    }
    await page.locator('[data-testid=targeting]').screenshot({ path: path.join(artifacts, 'whom-to-target-390.png') });
  });
};
