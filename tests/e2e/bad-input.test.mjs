// Bad input through the page: a corpus of malformed and unusual files dropped, one after the other,
// on the built page in one browser. For each file the test checks that
//   1. a clear message names the problem and where it is (line, column or variable), or, for an
//      unusual but valid file, that it loads with the right shape;
//   2. nothing failed on the page: no uncaught error, no console error, no worker crash (the page's
//      "stopped unexpectedly" message), no dialog;
//   3. what the user had is still there and still estimates: after a refused file the NSW data, the
//      drawn graph and the chosen roles are kept and a new run gives the CLI's numbers; a file that
//      loads estimates on its own data wherever its roles allow.
// `window.alert` (and confirm / prompt) are hooked and the DOM is searched, so HTML in a file's
// names or values is proven to be shown as text and never rendered.
import fs from 'node:fs';
import zlib from 'node:zlib';

export default (test, h) => {
  const { assert, close, path, refs, artifacts, nswText, cliJson } = h;

  const csv = (rows) => rows.join('\n') + '\n';
  const repeat = (n, f) => Array.from({ length: n }, (_, i) => f(i));
  // A deterministic byte stream (xorshift), for binary garbage.
  const garbage = (n, noNul) => {
    let x = 0x9e3779b9;
    return Buffer.from(repeat(n, () => {
      x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
      const b = (x >>> 0) & 0xff;
      return noNul && b === 0 ? 1 : b;
    }));
  };
  const utf16 = (text, be) => {
    const le = Buffer.from('\ufeff' + text, 'utf16le');
    return be ? Buffer.from(le.map((_, i) => le[i ^ 1])) : le;
  };
  // The start of a real .xlsx (a ZIP archive): local file header of [Content_Types].xml.
  const xlsx = Buffer.concat([Buffer.from('504b030414000600080000002100', 'hex'),
    Buffer.from('[Content_Types].xml'), garbage(2000, false)]);

  // Files the reader refuses: the data loaded before must stay.
  const refused = [
    { name: 'empty.csv', bytes: '', message: /the file is empty/ },
    { name: 'blank-lines.csv', bytes: '\n\n\n\n', message: /the file is empty/ },
    { name: 'space-line.csv', bytes: '\n\n \n\n', message: /column 1 has no name \(line 3, column #1\)/ },
    { name: 'bom-only.csv', bytes: '\ufeff', message: /the file is empty/ },
    { name: 'header-only.csv', bytes: 'y,t,x\n', message: /header row but no data rows/ },
    { name: 'ragged.csv', bytes: csv(['y,t,x', '1,0,2', '2,1', '3,0,4']), message: /2 fields, but the header has 3.*line 3/ },
    { name: 'too-many-fields.csv', bytes: csv(['y,t,x', '1,0,2', repeat(10000, (i) => i).join(',')]), message: /10000 fields, but the header has 3.*line 3/ },
    { name: 'unbalanced-quote.csv', bytes: csv(['y,t,x', '1,0,"2', '2,1,3', '3,0,4']), message: /line 2/ },
    { name: 'invalid-utf8.csv', bytes: Buffer.concat([Buffer.from('y,t,city\n1,0,Paris\n2,1,S'), Buffer.from([0xe3, 0x6f]), Buffer.from('o Paulo\n')]), message: /not UTF-8.*line 3, column city/ },
    { name: 'latin1-header.csv', bytes: Buffer.from([...Buffer.from('y,t,caf'), 0xe9, ...Buffer.from('\n1,0,2\n')]), message: /not UTF-8.*line 1, column #3/ },
    { name: 'duplicate-names.csv', bytes: csv(['y,t,y', '1,0,2']), message: /two columns are named y.*line 1/ },
    { name: 'unnamed-column.csv', bytes: csv(['y,,x', '1,0,2']), message: /column 2 has no name.*line 1/ },
    { name: 'no-header.csv', bytes: csv(['1,0,2', '2,1,3']), message: /only numbers.*header row.*line 1/ },
    { name: 'garbage.bin.csv', bytes: garbage(5000, false), message: /this is binary data \(it holds NUL bytes\), not delimited text/ },
    { name: 'garbage-no-nul.csv', bytes: garbage(5000, true), message: /not UTF-8 \(save the file as UTF-8 and try again\) \(line \d+, column #?[^)]*\)/ },
    { name: 'workbook.xlsx.csv', bytes: xlsx, message: /this is an Excel workbook \(\.xlsx\) or another ZIP archive, not delimited text.*Save As → CSV UTF-8/ },
    { name: 'old-workbook.csv', bytes: Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), garbage(600, false)]), message: /an old Excel workbook \(\.xls\)/ },
    { name: 'utf16le-bom.csv', bytes: utf16(csv(['y,t,x', '1,0,2', '2,1,3'])), message: /this is UTF-16 text, not delimited text.*save it again as UTF-8/ },
    { name: 'utf16be-bom.csv', bytes: utf16(csv(['y,t,x', '1,0,2']), true), message: /this is UTF-16 text/ },
    { name: 'compressed.csv.gz', bytes: zlib.gzipSync(nswText), message: /gzip-compressed.*decompress it first/ },
    { name: 'table.parquet', bytes: Buffer.concat([Buffer.from('PAR1'), garbage(300, false)]), message: /a Parquet file/ },
    { name: 'report.pdf.csv', bytes: Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n', 'latin1'), message: /a PDF document/ },
    { name: 'saved-page.csv', bytes: '<!DOCTYPE html>\n<html><head><title>data</title></head><body><table><tr><td>y</td><td>t</td></tr></table><script>alert(1)</script></body></html>\n', message: /a web page \(HTML\).*download the data itself/ },
    // A large file the reader refuses halfway through (past its first 4 MiB chunk): a ragged row.
    { name: 'ragged-at-200001.csv', bytes: csv(['y,t,x', ...repeat(200000, (i) => `${i % 97},${i % 2},${(i * 31) % 1000}.5`), '1,0']), message: /found a row with 2 fields, but the header has 3.*line 200002/ },
    // Invalid UTF-8 in a text column far into a file.
    { name: 'bad-byte-late.csv', bytes: Buffer.concat([Buffer.from(csv(['y,t,city', ...repeat(150000, (i) => `${i % 13},${i % 2},c${i % 50}`)])), Buffer.from([0x31, 0x2c, 0x30, 0x2c, 0xff, 0x0a])]), message: /not UTF-8.*line 150002, column city/ },
    // Just above the page's limit of 64 million values: 64,001 rows × 1,000 columns, generated in the
    // page (128 MB). Refused at the row that crosses the limit; memory never holds more.
    { name: 'cells-above-limit.csv', generate: { columns: 1000, rows: 64001 }, message: /holds at least 64,001 rows × 1,000 columns \(64,001,000 values, 512\.0 MB in memory\), more than the 64,000,000 values that can be held here.*line 64002/ },
  ];

  // Unusual files that load: each checks what the page makes of it, then estimates where it can.
  const idRows = repeat(100000, (i) => `C${String(i).padStart(7, '0')},${i % 2},${(i * 37) % 101},${(i * 13) % 17}`);
  const loads = [
    { name: 'lone-cr.csv', bytes: ['y,t,x', '1,0,2', '2,1,3', '3,0,5', '5,1,1', '4,0,2', '6,1,4'].join('\r') + '\r', shape: '6 rows × 3 columns',
      async check(page) { await roles(page, 't', 'y'); await runAndRead(page, 'diff-means', 5 / 3); } },
    { name: 'wide-1000.csv', bytes: csv([['y', 't', ...repeat(998, (i) => `x${i}`)].join(','), ...repeat(40, (r) => [r % 7, r % 2, ...repeat(998, (i) => (r * i) % 11)].join(','))]), shape: '40 rows × 1,000 columns',
      async check(page) {
        await page.locator('[data-testid=covariate-x997]').waitFor();
        await roles(page, 't', 'y');
        await runAndRead(page, 'diff-means');
      } },
    { name: 'ids-100000.csv', bytes: csv(['customer_id,t,y,x', ...idRows]), shape: '100,000 rows × 4 columns',
      async check(page) {
        await roles(page, 't', 'y');
        await page.check('[data-testid=covariate-customer_id]');
        await page.click('[data-testid=run-button]');
        await page.locator('[data-testid=error-message]').filter({ hasText: /customer_id.*100,?000/ }).waitFor({ timeout: 30000 });
        await page.uncheck('[data-testid=covariate-customer_id]');
        await runAndRead(page, 'ols');
      } },
    { name: 'three-arms.csv', bytes: csv(['y,arm,x', ...repeat(60, (i) => `${(i * 7) % 10},${i % 3},${i % 5}`)]), shape: '60 rows × 3 columns',
      async check(page) {
        await roles(page, 'arm', 'y');
        await page.locator('[data-testid=error-message]').filter({ hasText: /arm has 3 values: choose the control level/ }).waitFor();
        assert(await page.isDisabled('[data-testid=run-button]'), 'Run waits for a control level');
        await page.selectOption('[data-testid=control-level]', '0');
        await runAndRead(page, 'diff-means');
      } },
    { name: 'constant-treatment.csv', bytes: csv(['y,t,x', ...repeat(30, (i) => `${i % 4},0,${i % 3}`)]), shape: '30 rows × 3 columns',
      async check(page) {
        await roles(page, 't', 'y');
        await page.locator('[data-testid=error-message]').filter({ hasText: /t is 0 in every row: with no other value there is nothing to compare/ }).waitFor();
        assert(await page.isDisabled('[data-testid=run-button]'), 'Run is disabled for a constant treatment');
      } },
    { name: 'outcome-inf.csv', bytes: csv(['y,t,x', ...repeat(20, (i) => `${i === 7 ? 'inf' : i},${i % 2},${i % 3}`)]), shape: '20 rows × 3 columns',
      async check(page) {
        await page.locator('p.warning').filter({ hasText: /y holds 19 numbers but also text such as "inf"/ }).first().waitFor();
        await roles(page, 't', 'y');
        await page.locator('[data-testid=error-message]').filter({ hasText: /y holds text/ }).waitFor();
        assert(await page.isDisabled('[data-testid=run-button]'), 'Run is disabled for a text outcome');
      } },
    { name: 'html-names.csv', bytes: csv(['"<img src=x onerror=alert(1)>",t,"<b>x</b>"', ...repeat(20, (i) => `${i % 5},${i % 2},"<script>alert(2)</script>${i % 3}"`)]), shape: '20 rows × 3 columns',
      async check(page) {
        await page.locator('[data-testid=data-shape]').waitFor();
        const shown = await page.locator('body').innerText();
        assert(shown.includes('<img src=x onerror=alert(1)>'), 'the HTML name is shown as text');
        await roles(page, 't', '<img src=x onerror=alert(1)>');
        await runAndRead(page, 'diff-means');
      } },
    { name: 'formula-names.csv', bytes: csv(['=HYPERLINK("http://example.invalid";"y"),t,@SUM(A1)', ...repeat(20, (i) => `${i % 6},${i % 2},=1+${i}`)]), shape: '20 rows × 3 columns',
      async check(page) {
        assert((await page.locator('body').innerText()).includes('=HYPERLINK('), 'the formula name is shown as text');
        await roles(page, 't', '=HYPERLINK("http://example.invalid";"y")');
        await runAndRead(page, 'diff-means');
      } },
    { name: 'treatment-is-outcome.csv', bytes: csv(['y,t,x', ...repeat(20, (i) => `${i % 6},${i % 2},${i % 3}`)]), shape: '20 rows × 3 columns',
      async check(page) {
        await roles(page, 't', 't');
        await page.locator('[data-testid=error-message]').filter({ hasText: /t cannot be both the treatment and the outcome/ }).waitFor();
      } },
    { name: 'collinear.csv', bytes: csv(['y,t,a,b', ...repeat(40, (i) => `${(i * 7) % 11},${i % 2},${i % 5},${2 * (i % 5) + 1}`)]), shape: '40 rows × 4 columns',
      async check(page) {
        await roles(page, 't', 'y');
        await methods(page, ['ols']);
        await page.click('[data-testid=run-button]');
        // Column names are shown as code, not between backticks.
        const err = page.locator('[data-testid=method-error-ols]').filter({ hasText: /\bb is a linear combination of a\b/ });
        await err.waitFor({ timeout: 30000 });
        assert(await err.locator('code').allTextContents().then((c) => c.join() === 'b,a'), 'the columns are code');
      } },
    { name: 'multi-arm-collinear.csv', bytes: csv(['y,arm,a,b', ...repeat(60, (i) => `${(i * 7) % 11},${['ctl', '=SUM(1;2)', 'plain'][i % 3]},${i % 5},${2 * (i % 5) + 1}`)]), shape: '60 rows × 4 columns',
      async check(page) {
        // A method that fails in each comparison of a multi-arm treatment names its arm, on the
        // page and in the results CSV (the arm in its own column, a formula defused).
        await roles(page, 'arm', 'y');
        await page.selectOption('[data-testid=control-level]', 'ctl');
        await methods(page, ['diff-means', 'ols']);
        await page.click('[data-testid=run-button]');
        const failed = page.locator('[data-testid=method-error-ols]');
        await failed.nth(1).waitFor({ timeout: 30000 });
        const arms = await failed.evaluateAll((ps) => ps.map((p) => [p.dataset.arm, p.innerText]));
        assert(arms.length === 2, `${arms.length} failures`);
        assert(arms[0][0] === '=SUM(1;2)' && arms[1][0] === 'plain', `arms ${arms.map((a) => a[0])}`);
        assert(arms[1][1].startsWith('Regression adjustment (OLS) · plain vs ctl: b is a linear combination of a'), arms[1][1]);
        await failed.nth(1).scrollIntoViewIfNeeded();
        await page.screenshot({ path: path.join(artifacts, 'multi-arm-failure.png') });
        const [d] = await Promise.all([page.waitForEvent('download', { timeout: 15000 }), page.click('[data-testid=export-results-csv]')]);
        const lines = fs.readFileSync(await d.path(), 'utf8').split('\r\n');
        assert(lines[0].startsWith('method,arm,'), `CSV header ${lines[0]}`);
        assert(lines.some((l) => l.startsWith("ols,'=SUM(1;2),")) && lines.some((l) => l.startsWith('ols,plain,')), `CSV failure lines:\n${lines.join('\n')}`);
      } },
  ];

  async function roles(page, t, y) {
    await page.selectOption('[data-testid=treatment-select]', t);
    await page.selectOption('[data-testid=outcome-select]', y);
  }
  async function methods(page, wanted) {
    for (const m of ['diff-means', 'ols', 'ipw', 'aipw', 'psm', 't-learner', 'x-learner', 'r-learner', 'dr-learner']) {
      const box = page.locator(`input[data-testid=method-${m}]`);
      if (await box.count()) await box.setChecked(wanted.includes(m));
    }
  }
  /** Runs `method` alone and returns its estimate (checked against `expected` when given). */
  async function runAndRead(page, method, expected) {
    await methods(page, [method]);
    await page.click('[data-testid=run-button]');
    const row = page.locator(`[data-testid=result-${method}]`).first();
    await row.waitFor({ timeout: 30000 });
    const estimate = Number(await row.getAttribute('data-estimate'));
    assert(Number.isFinite(estimate), `${method} gives a number`);
    if (expected !== undefined) close(estimate, expected, 1e-9, `${method} estimate`);
    return estimate;
  }

  /** Drops bytes (a string, a Buffer, or a file generated in the page) with real drag events. */
  async function drop(page, c) {
    const dt = c.generate
      ? await page.evaluateHandle(([name, { columns, rows }]) => {
        const header = Array.from({ length: columns }, (_, i) => `c${i}`).join(',') + '\n';
        const row = '0,'.repeat(columns - 1) + '0\n';
        const block = row.repeat(1000);
        const parts = [header, ...Array.from({ length: Math.floor(rows / 1000) }, () => block), row.repeat(rows % 1000)];
        const dt = new DataTransfer();
        dt.items.add(new File(parts, name, { type: 'text/csv' }));
        return dt;
      }, [c.name, c.generate])
      : await page.evaluateHandle(([name, b64]) => {
        const bin = atob(b64);
        const bytes = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], name, { type: 'text/csv' }));
        return dt;
      }, [c.name, Buffer.from(c.bytes).toString('base64')]);
    for (const type of ['dragenter', 'dragover', 'drop']) {
      await page.dispatchEvent('[data-testid=dropzone]', type, { dataTransfer: dt });
    }
    await dt.dispose();
  }

  // Elements the files' HTML would create if it were ever rendered (the page has its own scripts:
  // their number must not grow).
  const injected = () => ({
    alerts: window.__alerts.slice(),
    tags: document.querySelectorAll('img[src="x"], b').length,
    scripts: document.querySelectorAll('script').length,
  });
  let scriptsBefore = 0;
  async function noHtmlRendered(page, label) {
    const found = await page.evaluate(injected);
    assert(found.alerts.length === 0, `${label}: a dialog was opened: ${found.alerts}`);
    assert(found.tags === 0 && found.scripts === scriptsBefore,
      `${label}: HTML from a file was rendered (${found.tags} elements, ${found.scripts} scripts)`);
  }

  test(`bad input: ${refused.length + loads.length} malformed or unusual files dropped in turn keep the page and its data working`, async ({ page }) => {
    const dialogs = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
    await page.evaluate(() => {
      window.__alerts = [];
      for (const f of ['alert', 'confirm', 'prompt']) window[f] = (m) => { window.__alerts.push(`${f}: ${m}`); };
    });
    scriptsBefore = (await page.evaluate(injected)).scripts;

    // What the user has: NSW experimental, roles, a drawn graph, and an estimate.
    const nsw = path.join(refs, 'nsw_experimental.csv');
    const cli = cliJson([nsw, '--treatment', 'treat', '--outcome', 're78', '--covariates', 'age,educ', '--method', 'ols,diff-means']);
    const want = Object.fromEntries(cli.results.map((r) => [r.method, r.estimate]));
    await drop(page, { name: 'nsw_experimental.csv', bytes: nswText });
    const shape = page.locator('[data-testid=data-shape]');
    await shape.filter({ hasText: '445 rows × 14 columns' }).waitFor();
    await roles(page, 'treat', 're78');
    await page.fill('[data-testid=model-code]', 'dag {\n treat [exposure]\n re78 [outcome]\n age -> treat\n age -> re78\n educ -> treat\n educ -> re78\n treat -> re78\n}');
    await page.click('[data-testid=apply-code]');
    await page.locator('[data-testid=edge-treat-re78]').waitFor({ state: 'attached' });
    await page.click('[data-testid=minimal-set-0]');
    await runAndRead(page, 'ols', want.ols);
    const edges = await page.locator('[data-testid^=edge-]').count();

    const seen = [];
    let k = 0;
    for (const c of refused) {
      const t0 = Date.now();
      await drop(page, c);
      const err = page.locator('[data-testid=error-message]').filter({ hasText: c.message });
      try {
        await err.first().waitFor({ timeout: c.generate || c.bytes.length > 1e6 ? 60000 : 15000 });
      } catch {
        const shown = await page.locator('[data-testid=error-message]').allTextContents();
        throw new Error(`${c.name}: expected a message like ${c.message}, the page shows ${JSON.stringify(shown)}`);
      }
      const text = (await err.first().textContent()).trim();
      assert(text.includes(c.name), `${c.name}: the message names the file: ${text}`);
      assert(!/stopped unexpectedly|keeps failing/.test(text), `${c.name}: the worker crashed: ${text}`);
      // The data, the graph and the roles are kept, and a run (alternating methods, so it is a new
      // run) gives the CLI's numbers.
      assert(await shape.filter({ hasText: '445 rows × 14 columns' }).count() === 1, `${c.name}: the NSW data is kept`);
      assert(await page.locator('[data-testid^=edge-]').count() === edges, `${c.name}: the graph is kept`);
      assert(await page.inputValue('[data-testid=treatment-select]') === 'treat', `${c.name}: the treatment is kept`);
      const method = k++ % 2 ? 'ols' : 'diff-means';
      await runAndRead(page, method, want[method]);
      await noHtmlRendered(page, c.name);
      seen.push(`${c.name}: ${text.replace(/\s*✕$/, '')} (${Date.now() - t0} ms)`);
    }
    await drop(page, refused.find((c) => c.name === 'workbook.xlsx.csv'));
    await page.locator('[data-testid=error-message]').filter({ hasText: 'Excel' }).waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(artifacts, 'bad-input-refused.png'), fullPage: false });

    for (const c of loads) {
      const t0 = Date.now();
      await drop(page, c);
      // This file's name and shape (the one before may have the same shape).
      await page.locator(`[data-testid=data-file][title="${c.name}"]`).waitFor({ timeout: 60000 });
      await shape.filter({ hasText: c.shape }).waitFor({ timeout: 60000 });
      await c.check(page);
      await noHtmlRendered(page, c.name);
      const shown = await page.locator('[data-testid=error-message]').allTextContents();
      assert(!shown.some((m) => /stopped unexpectedly|keeps failing/.test(m)), `${c.name}: the worker crashed: ${shown}`);
      seen.push(`${c.name}: loaded as ${c.shape}${shown.length ? `; says: ${shown.join(' | ')}` : ''} (${Date.now() - t0} ms)`);
    }
    await page.screenshot({ path: path.join(artifacts, 'bad-input-last.png'), fullPage: false });

    // Back to the first file: its graph comes back with it, and it still estimates.
    await drop(page, { name: 'nsw_experimental.csv', bytes: nswText });
    await shape.filter({ hasText: '445 rows × 14 columns' }).waitFor();
    await roles(page, 'treat', 're78');
    await page.locator('[data-testid=edge-treat-re78]').waitFor({ state: 'attached' });
    await runAndRead(page, 'diff-means', want['diff-means']);
    assert(dialogs.length === 0, `no dialog opened: ${dialogs}`);
    await noHtmlRendered(page, 'end');
    h.fs.writeFileSync(path.join(artifacts, 'bad-input.txt'), seen.join('\n') + '\n');
  });
};
