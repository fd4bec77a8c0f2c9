// The example gallery: every example opens with one click, runs its analysis and gives the CLI's
// numbers on the same file; each example's link opens it in a fresh browser; the published figures
// each example tells about are on screen.
import zlib from 'node:zlib';

/** The analysis inside a share link (`...#v2.<base64url(deflate(json))>.<checksum>`). */
export function decodeLink(href) {
  const parts = href.slice(href.indexOf('#') + 1).split('.');
  const payload = parts[1].replace(/-/g, '+').replace(/_/g, '/');
  return JSON.parse(zlib.inflateRawSync(Buffer.from(payload, 'base64')).toString('utf8'));
}

/** `counterfact estimate` arguments for a spec. */
function cliArgs(file, spec) {
  const args = [file, '--treatment', spec.treatment, '--outcome', spec.outcome, '--method', spec.methods.join(',')];
  if (spec.covariates) args.push('--covariates', spec.covariates.join(','));
  if (spec.estimand) args.push('--estimand', spec.estimand);
  if (spec.control != null) args.push('--control', spec.control);
  for (const z of spec.instruments || []) args.push('--instrument', z);
  if (spec.replace) args.push('--replace');
  if (spec.alpha !== undefined && spec.alpha !== 0.05) args.push('--alpha', String(spec.alpha));
  if (spec.trim) args.push('--trim', String(spec.trim));
  if (spec.l2) args.push('--l2', String(spec.l2));
  return args;
}

/** Every result row on the page, keyed `method/arm`. */
async function rows(page) {
  return page.locator('[data-testid^=result-]').evaluateAll((els) => Object.fromEntries(els.map((e) => [
    `${e.dataset.testid.slice('result-'.length)}/${e.dataset.arm || ''}`,
    { estimate: Number(e.dataset.estimate), stdError: Number(e.dataset.stdError) }])));
}

// What each example's story promises, checked on the page's numbers (tolerances: the published
// figures' own rounding).
const published = {
  nsw: (r) => [['diff-means/', 1794.34, 0.01]],
  nsw_cps: (r) => [['diff-means/', -8497.5, 0.1], ['ipw/', 1593, 1]],
  hillstrom: (r) => [['diff-means/1', 0.18276 - 0.10617, 1e-4], ['diff-means/2', 0.15140 - 0.10617, 1e-4]],
  card: (r) => [['2sls/', 0.1315, 1e-4]],
  ihdp: (r) => [],
  // Simulated: the difference in means is near the true average uplift (0.0266) within its noise.
  coupon: (r) => [['diff-means/', 0.0266, 0.012]],
};

export default (test, h) => {
  const { assert, close, path, artifacts, refs } = h;

  test('gallery: each example opens with one click and gives the CLI\'s numbers', async ({ page }) => {
    await page.locator('[data-testid=gallery]').waitFor();
    const ids = await page.locator('[data-testid^=example-card-]').evaluateAll(
      (els) => els.map((e) => e.dataset.testid.slice('example-card-'.length)));
    assert(ids.join() === 'nsw,nsw_cps,hillstrom,coupon,card,ihdp', `six examples: ${ids}`);
    assert(await page.locator('.example-graph').count() === 6, 'a graph on every card');
    await page.screenshot({ path: path.join(artifacts, 'gallery.png'), fullPage: true });
    const hrefs = {};
    for (const id of ids) hrefs[id] = await page.getAttribute(`[data-testid=example-link-${id}]`, 'href');
    for (const id of ids) {
      const shared = decodeLink(hrefs[id]);
      assert(shared.example === id && !shared.data, `${id}: the link names the example and holds no data`);
      await page.goto(h.base());
      await page.click(`[data-testid=example-${id}]`);
      await page.locator('[data-testid=example-story]').waitFor();
      // It runs by itself: one row per method (and arm).
      const spec = shared.spec;
      for (const m of spec.methods) await page.locator(`[data-testid=result-${m}]`).first().waitFor({ timeout: 60000 });
      await page.locator('[data-testid=results]:not(.stale)').waitFor();
      const got = await rows(page);
      const file = id === 'coupon' ? path.join(h.root, 'static', 'examples', 'coupon.csv')
        : path.join(refs, shared.example === 'nsw' ? 'nsw_experimental.csv'
          : shared.example === 'ihdp' ? 'ihdp_sim_b.csv' : `${id}.csv`);
      const cli = h.cliJson(cliArgs(file, spec));
      assert(cli.results.length === Object.keys(got).length,
        `${id}: ${Object.keys(got).length} rows on the page, ${cli.results.length} from the CLI`);
      for (const r of cli.results) {
        const p = got[`${r.method}/${r.arm ?? ''}`];
        assert(p, `${id}: no ${r.method} ${r.arm ?? ''} row on the page`);
        close(p.estimate, r.estimate, 1e-9, `${id} ${r.method} ${r.arm ?? ''} estimate`);
        close(p.stdError, r.std_error, 1e-9, `${id} ${r.method} ${r.arm ?? ''} se`);
      }
      for (const [key, value, tol] of published[id](got)) {
        assert(Math.abs(got[key].estimate - value) <= tol, `${id} ${key}: ${got[key].estimate} vs published ${value}`);
      }
      // The graph is the example's, with its roles.
      assert(await page.locator(`[data-testid=edge-${spec.treatment}-${spec.outcome}]`).count() === 1, `${id}: graph drawn`);
      assert(await page.locator('[data-testid=share-mismatch]').count() === 0, `${id}: the file is the example's`);
      if (id === 'hillstrom') {
        // Whom to target opens with the example's visit value and e-mail cost.
        const e = shared.uplift.economics;
        assert(e.value === 1 && e.cost_per_treated === 0.05, `the link's costs: ${JSON.stringify(e)}`);
        await page.uncheck('[data-testid=uplift-model-x-learner-gbdt]');
        await page.click('[data-testid=uplift-button]');
        await page.locator('[data-testid=uplift-recommendation]').waitFor({ timeout: 60000 });
        assert(await page.inputValue('[data-testid=uplift-value]') === '1'
          && await page.inputValue('[data-testid=uplift-cost-treated]') === '0.05', 'the costs are filled in');
      }
      if (id === 'nsw_cps' || id === 'card') {
        await page.screenshot({ path: path.join(artifacts, `example-${id}.png`), fullPage: true });
      }
    }
  });

  test('gallery: an example\'s link opens and runs it in a fresh browser', async ({ page }) => {
    await page.locator('[data-testid=example-link-card]').waitFor();
    const href = await page.getAttribute('[data-testid=example-link-card]', 'href');
    assert(href.startsWith(h.base()), `the link is on this site: ${href}`);
    const ctx = await h.freshContext();
    try {
      const other = await ctx.newPage();
      const errors = [];
      other.on('pageerror', (e) => errors.push(e.message));
      await other.goto(href);
      await other.locator('[data-testid=example-story]').filter({ hasText: 'Card' }).waitFor();
      await other.locator('[data-testid=result-2sls]').waitFor({ timeout: 60000 });
      const iv = await other.locator('[data-testid=result-2sls]').evaluate((e) => Number(e.dataset.estimate));
      const cli = h.cliJson(cliArgs(path.join(refs, 'card.csv'), decodeLink(href).spec));
      close(iv, cli.results[0].estimate, 1e-9, 'Card 2SLS from the example link');
      assert(await other.inputValue('[data-testid=instrument]') === 'nearc4', 'the instrument is restored');
      assert(errors.length === 0, errors.join('\n'));
      await other.screenshot({ path: path.join(artifacts, 'example-link-card.png'), fullPage: true });
    } finally {
      await ctx.close();
    }
  });

  test('gallery: sharing an opened example links to the example, not to its data', async ({ page }) => {
    await page.click('[data-testid=example-nsw]');
    await page.locator('[data-testid=result-ols]').waitFor({ timeout: 30000 });
    // Change the analysis, then share it.
    await page.uncheck('[data-testid=method-r-learner]');
    await page.check('[data-testid=share-embed]');
    await page.click('[data-testid=share-button]');
    const link = await page.inputValue('[data-testid=share-link]');
    const shared = decodeLink(link);
    assert(shared.example === 'nsw' && !shared.data, 'the example travels by name, not as data');
    assert(!shared.spec.methods.includes('r-learner') && shared.spec.methods.includes('ols'), 'the edited methods');
    // Leaving the example for a file of one's own forgets it.
    await h.dropFile(page, 'mine.csv', 't,y,x\n0,1,2\n1,3,1\n0,2,2\n1,5,0\n0,1,1\n1,4,2\n');
    await page.locator('[data-testid=data-shape]').filter({ hasText: '6 rows' }).waitFor();
    assert(await page.locator('[data-testid=example-story]').count() === 0, 'the story is gone');
    assert(await page.locator('[data-testid=share-mismatch]').count() === 0, 'no mismatch for one\'s own file');
  });

  test('settings: confidence level, trimming and L2 reach the estimate, the table and the link', async ({ page }) => {
    await page.click('[data-testid=example-nsw_cps]');
    await page.locator('[data-testid=result-ipw]').waitFor({ timeout: 60000 });
    const bench = page.locator('[data-testid=forest-benchmark]');
    assert(Number(await bench.getAttribute('data-value')) === 1794.342404270271, 'the experimental benchmark is drawn');
    await page.selectOption('[data-testid=setting-alpha]', '0.1');
    await page.selectOption('[data-testid=setting-trim]', '0.05');
    await page.selectOption('[data-testid=setting-l2]', '1');
    await page.click('[data-testid=run-button]');
    await page.locator('[data-testid=results]:not(.stale) th').filter({ hasText: '90% interval' }).waitFor({ timeout: 60000 });
    await page.click('[data-testid=share-button]');
    const { spec } = decodeLink(await page.inputValue('[data-testid=share-link]'));
    assert(spec.alpha === 0.1 && spec.trim === 0.05 && spec.l2 === 1, `the link carries the settings: ${JSON.stringify(spec)}`);
    const cli = h.cliJson(cliArgs(path.join(refs, 'nsw_cps.csv'), spec));
    const got = await rows(page);
    for (const r of cli.results) {
      const p = got[`${r.method}/`];
      close(p.estimate, r.estimate, 1e-9, `${r.method} with the settings`);
      close(p.stdError, r.std_error, 1e-9, `${r.method} se with the settings`);
    }
    const ipw = await h.resultAttrs(page, 'ipw');
    close(ipw.ciHigh - ipw.estimate, 1.6448536269514722 * ipw.stdError, 1e-9, '90% interval half-width');
  });
};
