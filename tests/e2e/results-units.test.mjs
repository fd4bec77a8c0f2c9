// Results in the user's units: a table that reflows on a phone, comparisons named by their
// levels, effects on a 0/1 outcome in percentage points against the control rate, and warnings
// next to the numbers they are about (the most important one under the headline).

export default (test, h) => {
  const { assert, dropFile, resultAttrs, cliJson, refs, artifacts, path, fs } = h;
  const widths = [390, 768, 1280];

  /** Text the page must never show: "1 rows", "(s)" plurals, raw backticks. */
  async function wordingIsClean(page, where) {
    const text = await page.locator('[data-testid=results]').innerText();
    for (const [bad, re] of [['"1 rows"', /(^|[^\d,.])1 (rows|covariates|columns|propensities|units)\b/], ['"(s)"', /\w\(s\)/], ['a backtick', /`/]]) {
      const m = text.match(re);
      assert(!m, `${where}: the results show ${bad}: …${m && text.slice(Math.max(0, m.index - 60), m.index + 60)}…`);
    }
  }

  /** No sideways scrolling, and every interval cell inside the viewport and not cut off. */
  async function fitsTheWidth(page, width, where) {
    const sw = await page.evaluate(() => document.documentElement.scrollWidth);
    assert(sw <= width, `${where}: the page is ${sw} px wide at a ${width} px viewport`);
    const cells = await page.locator('[data-testid^=result-] td.interval').evaluateAll((tds) => tds.map((td) => {
      const r = td.getBoundingClientRect();
      return { left: r.left, right: r.right, clipped: td.scrollWidth > td.clientWidth + 1, text: td.innerText };
    }));
    assert(cells.length > 0, `${where}: interval cells`);
    for (const c of cells) {
      assert(c.left >= 0 && c.right <= width + 0.5 && !c.clipped, `${where}: the interval "${c.text}" spans ${c.left}–${c.right} px (clipped: ${c.clipped})`);
    }
  }

  async function runNsw(page) {
    await dropFile(page, 'nsw_experimental.csv', h.nswText);
    await page.locator('[data-testid=data-shape]').filter({ hasText: '445 rows' }).waitFor();
    await page.selectOption('[data-testid=treatment-select]', 'treat');
    await page.selectOption('[data-testid=outcome-select]', 're78');
    await page.click('[data-testid=run-button]');
    await resultAttrs(page, 'ols');
  }

  test('results units: at 390 px the results table reflows, nothing scrolls sideways and every interval is visible', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await runNsw(page);
    await fitsTheWidth(page, 390, 'NSW at 390 px');
    // Each number keeps its label once the header row is gone.
    const label = await page.locator('[data-testid=result-ols] td.interval').evaluate((td) => getComputedStyle(td, '::before').content);
    assert(label.includes('95% interval'), `the interval cell is labelled (${label})`);
    await page.locator('[data-testid=results]').screenshot({ path: path.join(artifacts, 'units-nsw-390.png') });
    await wordingIsClean(page, 'NSW');
  });

  test('results units: Hillstrom comparisons are named by their levels and visits shown in points against the control rate', async ({ page }) => {
    const file = path.join(refs, 'hillstrom.csv');
    await dropFile(page, 'hillstrom.csv', fs.readFileSync(file, 'utf8'));
    await page.locator('[data-testid=data-shape]').filter({ hasText: '64,000 rows' }).waitFor({ timeout: 60000 });
    await page.selectOption('[data-testid=treatment-select]', 'segment');
    await page.selectOption('[data-testid=outcome-select]', 'visit');
    await page.selectOption('[data-testid=control-level]', 'No E-Mail');
    const keep = ['recency', 'history', 'mens', 'womens', 'newbie'];
    for (const box of await page.locator('[data-testid^=covariate-]').all()) {
      const id = await box.getAttribute('data-testid');
      await box.setChecked(keep.includes(id.slice('covariate-'.length)));
    }
    for (const box of await page.locator('[data-testid^=method-]').all()) {
      if (await box.isDisabled()) continue;
      const id = await box.getAttribute('data-testid');
      await box.setChecked(['diff-means', 'ols', 'ipw'].includes(id.slice('method-'.length)));
    }
    await page.click('[data-testid=run-button]');
    const row = page.locator('[data-testid=result-ols][data-arm="Womens E-Mail"]');
    await row.waitFor({ timeout: 60000 });
    const name = 'Womens E-Mail vs No E-Mail';
    // Headline sentence, table group heading, forest plot and the comparison picker.
    const takeaway = await page.locator('[data-testid=takeaway][data-arm="Womens E-Mail"]').innerText();
    assert(takeaway.includes(name), `takeaway: ${takeaway}`);
    assert(/relative to a control rate of \d+\.\d %/.test(takeaway.replace(/\u00a0/g, ' ')), `takeaway reads the effect against the control rate: ${takeaway}`);
    const heads = await page.locator('[data-testid=arm-head]').allInnerTexts();
    assert(heads.some((t) => t.includes(name)) && heads.some((t) => t.includes('Mens E-Mail vs No E-Mail')), `group headings: ${heads}`);
    const groups = await page.locator('[data-testid=forest-group]').allTextContents();
    assert(groups.includes(name), `forest plot groups: ${groups}`);
    const options = await page.locator('[data-testid=diagnostics-arm] option').allTextContents();
    assert(options.includes(name), `comparison picker: ${options}`);
    const text = await page.locator('[data-testid=results]').innerText();
    assert(!text.includes('compared with') && !/segment\s*=/.test(text), 'no "compared with" or "segment =" wording');

    // The estimate in percentage points equals the CLI's, ×100 and rounded as shown.
    const ref = cliJson([file, '--treatment', 'segment', '--control', 'No E-Mail', '--outcome', 'visit',
      '--covariates', keep.join(','), '--method', 'diff-means,ols,ipw']);
    const cli = ref.results.find((r) => r.method === 'ols' && r.arm === 'Womens E-Mail');
    const shown = (await row.locator('td.estimate .value').innerText()).replace(/\u00a0/g, ' ');
    const m = shown.match(/^([+-]?\d+\.(\d+)) pp$/);
    assert(m, `the estimate is in points: "${shown}"`);
    const decimals = m[2].length;
    assert(Number(m[1]).toFixed(decimals) === (cli.estimate * 100).toFixed(decimals), `page ${shown} vs CLI ${cli.estimate}`);
    assert(Number(await row.getAttribute('data-estimate')) === cli.estimate, 'the raw estimate stays in data-estimate');
    // The control rate beside it equals the CLI's.
    const rate = ref.control_rates.find((c) => c.arm === 'Womens E-Mail');
    assert(rate && rate.n === 21306, `CLI control rate ${JSON.stringify(ref.control_rates)}`);
    const head = (await page.locator('[data-testid=arm-head]').filter({ hasText: name }).innerText()).replace(/\u00a0/g, ' ');
    assert(head.includes(`control rate ${(rate.rate * 100).toFixed(1)} %`), `heading shows the control rate: ${head}`);
    const interval = (await row.locator('td.interval').innerText()).replace(/\u00a0/g, ' ');
    assert(interval === `${(cli.ci_low * 100).toFixed(decimals)} to ${(cli.ci_high * 100).toFixed(decimals)} pp`, `interval ${interval}`);
    await page.locator('[data-testid=results]').screenshot({ path: path.join(artifacts, 'units-hillstrom-1280.png') });
    await wordingIsClean(page, 'Hillstrom');
  });

  test('results units: numeric arm codes read "arm 1 vs arm 0"', async ({ page }) => {
    const rows = ['arm,y,x'];
    for (let i = 0; i < 300; i++) rows.push(`${i % 3},${(i * 7) % 11 + (i % 3)},${i % 5}`);
    await dropFile(page, 'arms.csv', rows.join('\n') + '\n');
    await page.locator('[data-testid=data-shape]').filter({ hasText: '300 rows' }).waitFor();
    await page.selectOption('[data-testid=treatment-select]', 'arm');
    await page.selectOption('[data-testid=outcome-select]', 'y');
    await page.selectOption('[data-testid=control-level]', '0');
    await page.click('[data-testid=run-button]');
    await page.locator('[data-testid=result-ols][data-arm="2"]').waitFor({ timeout: 30000 });
    const heads = await page.locator('[data-testid=arm-head]').allInnerTexts();
    assert(heads.some((t) => t.startsWith('arm 1 vs arm 0')) && heads.some((t) => t.startsWith('arm 2 vs arm 0')), `headings: ${heads}`);
    const takeaway = await page.locator('[data-testid=takeaway]').first().innerText();
    assert(takeaway.startsWith('arm 1 vs arm 0:'), `takeaway: ${takeaway}`);
    await wordingIsClean(page, 'numeric arms');
  });

  test('results units: NSW + CPS flags the DR-learner in its row and under the headline, above the table', async ({ page }) => {
    const file = path.join(refs, 'nsw_cps.csv');
    await dropFile(page, 'nsw_cps.csv', fs.readFileSync(file, 'utf8'));
    await page.locator('[data-testid=data-shape]').filter({ hasText: '16,177 rows' }).waitFor({ timeout: 30000 });
    await page.selectOption('[data-testid=treatment-select]', 'treat');
    await page.selectOption('[data-testid=outcome-select]', 're78');
    await page.click('[data-testid=run-button]');
    await resultAttrs(page, 'dr-learner');
    const ref = cliJson([file, '--treatment', 'treat', '--outcome', 're78']);
    const dr = ref.results.find((r) => r.method === 'dr-learner');
    assert(dr.unreliable && dr.unreliable.startsWith('not to be trusted'), `the CLI flags it: ${dr.unreliable}`);
    // In its row: beside the number and in the row's notes.
    assert(await page.getAttribute('[data-testid=result-dr-learner]', 'data-unreliable') === 'true', 'the row is marked');
    const cell = await page.locator('[data-testid=result-dr-learner] td.estimate').innerText();
    assert(cell.includes('not to be trusted'), `beside the estimate: ${cell}`);
    const notes = await page.locator('[data-testid=notes-dr-learner]').innerText();
    assert(notes.includes('Not to be trusted') && notes.includes('treated group'), `in the row notes: ${notes}`);
    for (const m of ['ols', 'diff-means', 'psm', 't-learner']) {
      assert(await page.getAttribute(`[data-testid=result-${m}]`, 'data-unreliable') === null, `${m} is not flagged`);
    }
    // Under the headline, above the table; the extreme-propensity warning is up there too.
    const lead = page.locator('[data-testid=lead-warning]');
    const leadText = await lead.innerText();
    assert(leadText.includes('Not to be trusted') && leadText.includes('DR-learner'), `lead warning: ${leadText}`);
    const others = await page.locator('[data-testid=report-warnings]').innerText();
    assert(others.includes('propensity below 0.01'), `extreme propensities near the top: ${others}`);
    const y = async (sel) => (await page.locator(sel).first().boundingBox()).y;
    const [title, leadY, extremeY, table] = [await y('[data-testid=results-title]'), await y('[data-testid=lead-warning]'),
      await y('[data-testid=report-warnings]'), await y('table.results')];
    assert(title < leadY && leadY < table && extremeY < table, `order: title ${title}, lead ${leadY}, warnings ${extremeY}, table ${table}`);
    assert(leadY - title < 400, `the lead warning is near the headline (${leadY - title} px)`);
    await wordingIsClean(page, 'NSW + CPS');
  });

  test('results units: rows dropped for missing values are reported under the headline with the column as code', async ({ page }) => {
    await h.cardWithGaps(page);
    await page.click('[data-testid=run-button]');
    await resultAttrs(page, 'ols');
    const lead = page.locator('[data-testid=lead-warning]');
    const text = await lead.innerText();
    assert(/Dropped 690 of 3,010 rows with a missing value in fatheduc/.test(text), `lead warning: ${text}`);
    assert(await lead.locator('code').filter({ hasText: 'fatheduc' }).count() === 1, 'the column is shown as code');
    const [leadBox, tableBox] = [await lead.boundingBox(), await page.locator('table.results').boundingBox()];
    assert(leadBox.y < tableBox.y, 'above the table');
    await wordingIsClean(page, 'Card');
  });

  test('results units: screenshots at 390, 768 and 1280 px of the landing page, an example and a run with warnings', async ({ page }) => {
    for (const w of widths) {
      await page.setViewportSize({ width: w, height: 900 });
      await page.goto(h.base());
      await page.locator('[data-testid=example-nsw]').waitFor();
      await page.screenshot({ path: path.join(artifacts, `units-landing-${w}.png`), fullPage: true });
      const sw = await page.evaluate(() => document.documentElement.scrollWidth);
      assert(sw <= w, `landing at ${w} px is ${sw} px wide`);
    }
    for (const w of widths) {
      await page.setViewportSize({ width: w, height: 900 });
      await page.goto(h.base());
      // The gallery's Hillstrom example opens and runs with one click: three arms, a 0/1 outcome.
      await page.click('[data-testid=example-hillstrom]');
      await page.locator('[data-testid=example-story]').waitFor();
      await page.locator('[data-testid^=result-]').first().waitFor({ timeout: 60000 });
      await page.locator('[data-testid=results]:not(.stale)').waitFor();
      await page.screenshot({ path: path.join(artifacts, `units-example-${w}.png`), fullPage: true });
      await fitsTheWidth(page, w, `example at ${w} px`);
    }
    const cps = fs.readFileSync(path.join(refs, 'nsw_cps.csv'), 'utf8');
    for (const w of widths) {
      await page.setViewportSize({ width: w, height: 900 });
      await page.goto(h.base());
      await dropFile(page, 'nsw_cps.csv', cps);
      await page.locator('[data-testid=data-shape]').filter({ hasText: '16,177 rows' }).waitFor({ timeout: 30000 });
      await page.selectOption('[data-testid=treatment-select]', 'treat');
      await page.selectOption('[data-testid=outcome-select]', 're78');
      await page.click('[data-testid=run-button]');
      await resultAttrs(page, 'dr-learner');
      await page.locator('[data-testid=results]').screenshot({ path: path.join(artifacts, `units-nsw-cps-${w}.png`) });
      await fitsTheWidth(page, w, `NSW + CPS at ${w} px`);
    }
  });
};
