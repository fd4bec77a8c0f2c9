// Export: the results as CSV and JSON equal the CLI's numbers; the forest, overlap and love plots
// download as standalone SVG (styles inlined) and as PNG at twice their size.

/** RFC 4180 records (quoted fields, doubled quotes, CRLF or LF line ends). */
function parseCsv(text) {
  const records = [];
  let record = [], cur = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cur += '"'; i++; }
      else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { record.push(cur); cur = ''; }
    else if (c === '\r' || c === '\n') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(cur); cur = '';
      records.push(record); record = [];
    } else cur += c;
  }
  if (cur !== '' || record.length) { record.push(cur); records.push(record); }
  return records;
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes) {
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

export default (test, h) => {
  const { assert, fs, path } = h;

  /**
   * Deep equality of the page's JSON and the CLI's: same keys, strings, counts and flags; numbers
   * bit-identical, or (wasm's and the native build's floating point may differ in the last
   * digit, see the other tests' tolerances) within `rel`, listed in `diffs`.
   */
  function same(a, b, where, diffs, rel = 1e-9) {
    if (typeof b === 'number' && typeof a === 'number') {
      if (a === b) return;
      assert(!Number.isInteger(b) && Math.abs(a - b) <= rel * Math.max(Math.abs(b), 1e-300), `${where}: page ${a} vs CLI ${b}`);
      diffs.push(Math.abs(a - b) / Math.abs(b));
      return;
    }
    if (b === null || typeof b !== 'object') { assert(a === b, `${where}: page ${a} vs CLI ${b}`); return; }
    assert(a !== null && typeof a === 'object' && Array.isArray(a) === Array.isArray(b), `${where}: shape`);
    const ka = Object.keys(a).sort(), kb = Object.keys(b).sort();
    assert(ka.join() === kb.join(), `${where}: keys ${ka} vs ${kb}`);
    for (const k of kb) same(a[k], b[k], `${where}.${k}`, diffs, rel);
  }

  /** Clicks (or presses Enter on) a button and returns the download's name and bytes. */
  async function grab(page, testid, { keyboard = false } = {}) {
    const sel = `[data-testid=${testid}]`;
    const act = keyboard
      ? page.focus(sel).then(() => page.keyboard.press('Enter'))
      : page.click(sel);
    const [d] = await Promise.all([page.waitForEvent('download', { timeout: 15000 }), act]);
    return { name: d.suggestedFilename(), bytes: fs.readFileSync(await d.path()) };
  }

  test('export: results as CSV and JSON equal the CLI; plots as SVG and PNG at 2x', async ({ page }) => {
    await h.dropFile(page, 'nsw_experimental.csv', h.nswText);
    await page.locator('[data-testid=data-shape]').filter({ hasText: '445 rows' }).waitFor();
    await page.selectOption('[data-testid=treatment-select]', 'treat');
    await page.selectOption('[data-testid=outcome-select]', 're78');
    const methods = ['diff-means', 'ols', 'ipw', 'aipw', 'psm'];
    for (const box of await page.locator('[data-testid^=method-]').all()) {
      if (await box.isDisabled()) continue;
      const id = await box.getAttribute('data-testid');
      await box.setChecked(methods.includes(id.slice('method-'.length)));
    }
    await page.click('[data-testid=run-button]');
    for (const m of methods) await h.resultAttrs(page, m);
    await page.locator('[data-testid=love-plot]').waitFor();

    // JSON: the report as the CLI prints it, plus the spec it ran with.
    const json = await grab(page, 'export-results-json');
    assert(json.name === 'counterfact-treat-re78-results.json', `JSON name ${json.name}`);
    const doc = JSON.parse(json.bytes.toString('utf8'));
    assert(doc.spec && doc.spec.treatment === 'treat' && doc.spec.outcome === 're78', 'the spec is in the JSON');
    assert(JSON.stringify(doc.spec.methods) === JSON.stringify(methods), `methods ${doc.spec.methods}`);
    const args = [path.join(h.refs, 'nsw_experimental.csv'), '--treatment', 'treat', '--outcome', 're78',
      '--method', methods.join(','), '--seed', String(doc.spec.seed)];
    if (doc.spec.covariates) args.push('--covariates', doc.spec.covariates.join(','));
    const ref = h.cliJson(args);
    const diffs = [];
    same(doc.results, ref.results, 'results', diffs);
    same(doc.balance, ref.balance, 'balance', diffs);
    same(doc.overlap, ref.overlap, 'overlap', diffs);
    same(doc.covariates, ref.covariates, 'covariates', diffs);
    console.log(`     JSON vs CLI: ${diffs.length} numbers not bit-identical, largest relative difference ${Math.max(0, ...diffs).toExponential(1)}`);

    // CSV, from the keyboard: one line per method, numbers exactly the CLI's.
    const csv = await grab(page, 'export-results-csv', { keyboard: true });
    assert(csv.name === 'counterfact-treat-re78-results.csv', `CSV name ${csv.name}`);
    const text = csv.bytes.toString('utf8');
    assert(text.includes('\r\n') && !/[^\r]\n/.test(text), 'CRLF line ends');
    const table = parseCsv(text);
    const head = table[0];
    const col = (row, name) => {
      const k = head.indexOf(name);
      assert(k >= 0, `CSV column ${name} (header: ${head.join(',')})`);
      return row[k];
    };
    assert(head[0] === 'method' && head.includes('matched_treated') && !head.includes('arm'), `CSV header ${head.join(',')}`);
    assert(table.length === 1 + ref.results.length, `${table.length - 1} CSV rows for ${ref.results.length} results`);
    assert(table.every((r) => r.length === head.length), 'every CSV row has every column');
    for (const [i, r] of ref.results.entries()) {
      const row = table[i + 1];
      assert(col(row, 'method') === r.method && col(row, 'estimand') === r.estimand, `row ${i}: ${row}`);
      // Exactly the JSON's numbers (the same run), and the CLI's as in the JSON check above.
      const fromJson = doc.results[i];
      for (const k of ['estimate', 'std_error', 'ci_low', 'ci_high', 'n', 'n_treated', 'n_control']) {
        assert(Number(col(row, k)) === fromJson[k], `${r.method} ${k}: CSV ${col(row, k)} vs JSON ${fromJson[k]}`);
        same(Number(col(row, k)), r[k], `CSV ${r.method} ${k}`, []);
      }
      // No propensity model, or the same matches: the very same estimate as the native CLI;
      // the weighting methods differ from it in the last digits at most.
      if (['diff-means', 'ols', 'psm'].includes(r.method)) {
        assert(Number(col(row, 'estimate')) === r.estimate, `${r.method}: CSV estimate ${col(row, 'estimate')} vs CLI ${r.estimate}`);
      } else {
        same(Number(col(row, 'estimate')), r.estimate, `CSV ${r.method} estimate`, [], 1e-13);
      }
      if (r.matching) {
        assert(Number(col(row, 'matched_treated')) === r.matching.n_treated_matched, 'matched treated');
        assert(Number(col(row, 'unmatched_treated')) === r.matching.n_treated_unmatched, 'unmatched treated');
        assert(Number(col(row, 'caliper')) === fromJson.matching.caliper, 'caliper');
      } else {
        assert(col(row, 'matched_treated') === '', `${r.method} has no matching cells`);
      }
    }
    // The page's own attributes agree too.
    const ols = await h.resultAttrs(page, 'ols');
    assert(ols.estimate === Number(col(table[1 + methods.indexOf('ols')], 'estimate')), 'page and CSV agree');

    // Plots: SVG parses, holds the plot and carries its styles; PNG is twice the viewBox.
    const plots = { forest: 'forest-plot', overlap: 'overlap-plot', love: 'love-plot', contour: 'contour-plot' };
    for (const [plot, testid] of Object.entries(plots)) {
      const [vw, vh] = (await page.getAttribute(`[data-testid=${testid}]`, 'viewBox')).split(/[\s,]+/).slice(2).map(Number);
      const svg = await grab(page, `export-${plot}-svg`);
      assert(svg.name === `counterfact-treat-re78-${plot}.svg`, `SVG name ${svg.name}`);
      const svgText = svg.bytes.toString('utf8');
      fs.writeFileSync(path.join(h.artifacts, `export-${plot}.svg`), svgText);
      const info = await page.evaluate((t) => {
        const d = new DOMParser().parseFromString(t, 'image/svg+xml');
        const root = d.documentElement;
        const styleOf = (sel) => d.querySelector(sel)?.getAttribute('style') || '';
        return {
          error: d.getElementsByTagName('parsererror').length > 0, name: root.localName, ns: root.namespaceURI,
          width: root.getAttribute('width'), height: root.getAttribute('height'),
          circles: d.querySelectorAll('circle').length, rects: d.querySelectorAll('rect').length,
          text: root.textContent, rootStyle: root.getAttribute('style') || '',
          intervalCircle: styleOf('.interval circle'), treatedRect: styleOf('rect.treated'),
          threshold: styleOf('.threshold'), label: styleOf('text.label'),
        };
      }, svgText);
      assert(svgText.startsWith('<?xml') && !info.error && info.name === 'svg' && info.ns === 'http://www.w3.org/2000/svg',
        `${plot}: a standalone SVG (${svgText.slice(0, 120)})`);
      assert(Number(info.width) === vw && Number(info.height) === vh, `${plot}: SVG size ${info.width}×${info.height}`);
      assert(/font-family:[^;]*(system-ui|sans-serif)/.test(info.rootStyle), `${plot}: the page's font is inlined (${info.rootStyle})`);
      if (plot === 'forest') {
        assert(info.circles === methods.length, `forest: one dot per method (${info.circles})`);
        assert(info.text.includes('Propensity-score matching') && info.text.includes('Regression adjustment (OLS)'), 'forest labels');
        assert(/fill:\s*rgb\(224, 165, 38\)/.test(info.intervalCircle), `forest dots gold (${info.intervalCircle})`);
        assert(/font-size:\s*12.5px/.test(info.label), `forest label size (${info.label})`);
      } else if (plot === 'overlap') {
        assert(info.rects > 10 && info.text.includes('propensity score'), `overlap bars (${info.rects})`);
        assert(/fill:\s*rgb\(31, 95, 122\)/.test(info.treatedRect) && /fill-opacity:\s*0.85/.test(info.treatedRect),
          `treated bars in the accent colour (${info.treatedRect})`);
      } else if (plot === 'contour') {
        // The cells carry their colour as an attribute, the RV point and the diamonds of the
        // benchmark compared with their own.
        assert(info.rects === 40 * 40 && info.text.includes('partial R² with the treatment') && info.text.includes('RV'),
          `contour cells and labels (${info.rects})`);
      } else {
        assert(info.circles >= 2 * doc.covariates.length && info.text.includes('educ'), `love points (${info.circles})`);
        assert(/stroke-dasharray:\s*4 3/.test(info.threshold) && /stroke:\s*rgb\(179, 38, 30\)/.test(info.threshold),
          `dashed red threshold (${info.threshold})`);
      }
      const png = await grab(page, `export-${plot}-png`);
      assert(png.name === `counterfact-treat-re78-${plot}.png`, `PNG name ${png.name}`);
      assert(png.bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), `${plot}: PNG signature`);
      const size = pngSize(png.bytes);
      assert(size.width === Math.round(2 * vw) && size.height === Math.round(2 * vh),
        `${plot}: PNG ${size.width}×${size.height}, expected ${2 * vw}×${2 * vh}`);
      fs.writeFileSync(path.join(h.artifacts, `export-${plot}.png`), png.bytes);
      assert(await page.locator(`[data-testid=export-${plot}-problem]`).count() === 0, `${plot}: no export problem`);
    }
    // The buttons are real buttons in labelled groups.
    const groups = await page.locator('[role=group][aria-label^="Download the"]').count();
    assert(groups === 5, `five download groups: the results and four plots (${groups})`);
    await page.locator('[data-testid=results]').screenshot({ path: path.join(h.artifacts, 'export.png') });
  });
};
