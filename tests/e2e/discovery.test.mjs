// "Suggest a graph from the data" on the Sachs et al. (2005) protein-signalling data: the page's PC
// gives causal-learn's 25-edge CPDAG (and the CLI's, edge for edge), says which of the 20 consensus
// edges it found, goes into the graph with undo, and orienting its undecided edge updates the
// adjustment sets.
import { execFileSync } from 'node:child_process';

export default (test, h) => {
  const { assert, dropFile, path, fs, refs, artifacts } = h;
  const cli = process.env.CF_CLI || path.join(h.root, 'target', 'debug', 'counterfact');

  test('suggest a graph: PC on Sachs equals causal-learn, shows 12 of 20 consensus edges, is accepted and oriented', async ({ page }) => {
    const file = path.join(refs, 'sachs_continuous.csv');
    await dropFile(page, 'sachs_continuous.csv', fs.readFileSync(file, 'utf8'));
    await page.locator('[data-testid=data-shape]').filter({ hasText: '7,466 rows' }).waitFor();
    // The consensus network as the user's graph.
    const refsJson = JSON.parse(fs.readFileSync(path.join(refs, '..', 'discovery_results.json'), 'utf8'));
    const truth = refsJson.meta.sachs.truth_edges;
    await page.fill('[data-testid=model-code]', `dag {\n${truth.map(([a, b]) => `${a} -> ${b}`).join('\n')}\n}\n`);
    await page.click('[data-testid=apply-code]');
    await page.locator('[data-testid=edge-pka-akt]').waitFor();
    await page.selectOption('[data-testid=treatment-select]', 'p38');
    await page.selectOption('[data-testid=outcome-select]', 'mek');

    await page.click('[data-testid=discover-open]');
    await page.click('[data-testid=discover-all-columns]');
    await page.selectOption('[data-testid=discover-resamples]', '20');
    await page.click('[data-testid=discover-button]');
    const proposal = page.locator('[data-testid=proposal]');
    await proposal.waitFor({ timeout: 60000 });
    const p = await proposal.evaluate((e) => ({ ...e.dataset }));
    assert(p.edges === '25' && p.directed === '24' && p.undirected === '1', `25 edges, 24 directed: ${JSON.stringify(p)}`);

    // causal-learn's CPDAG (DISCOVERY.md) and the CLI's, edge for edge.
    const ref = refsJson.cases.sachs_continuous;
    const want = JSON.parse(execFileSync(cli, ['discover', file, '--json', '--bootstrap', '20'], { encoding: 'utf8' }));
    const dagitty = p.dagitty;
    for (const [a, b] of want.directed) assert(dagitty.includes(`${a} -> ${b}`), `the page has ${a} -> ${b}`);
    for (const [a, b] of want.undirected) assert(dagitty.includes(`${a} -- ${b}`), `the page has ${a} -- ${b}`);
    assert(Number(p.tests) === want.n_ci_tests, `CI tests: page ${p.tests}, CLI ${want.n_ci_tests}`);
    assert(want.n_ci_tests === ref.runs['alpha_0.05'].n_ci_calls, `CI tests: causal-learn ${ref.runs['alpha_0.05'].n_ci_calls}`);
    // causal-learn 0.1.4.8's pc() on the same file, alpha 0.05 (discovery_results.json).
    const cl = ref.runs['alpha_0.05'].cpdag;
    const pairs = (list) => list.map(([a, b]) => `${a}>${b}`).sort().join(' ');
    assert(pairs(want.directed) === pairs(cl.directed), `CLI directed edges equal causal-learn's`);
    const undir = (list) => list.map((e) => [...e].sort().join('--')).sort().join(' ');
    assert(undir(want.undirected) === undir(cl.undirected), `CLI undirected edges equal causal-learn's`);
    for (const [a, b] of cl.directed) assert(dagitty.includes(`${a} -> ${b}`), `the page has causal-learn's ${a} -> ${b}`);
    // Edge stability drawn from the same resamples as the CLI's.
    for (const e of want.bootstrap.slice(0, 5)) {
      const forward = page.locator(`[data-testid=proposal-edge-${e.edge[0]}-${e.edge[1]}]`);
      const el = (await forward.count()) ? forward : page.locator(`[data-testid=proposal-edge-${e.edge[1]}-${e.edge[0]}]`);
      const f = Number(await el.getAttribute('data-frequency'));
      assert(Math.abs(f - e.frequency) < 1e-12, `${e.edge}: frequency page ${f}, CLI ${e.frequency}`);
    }
    // Which consensus edges the data found (DISCOVERY.md: 12 of 20, 11 in the same direction, 1 reversed).
    const c = await page.locator('[data-testid=discover-comparison]').evaluate((e) => ({ ...e.dataset }));
    const vs = ref.vs_sachs_truth['alpha_0.05'];
    assert(Number(c.found) === vs.found_adjacent && Number(c.drawn) === vs.true_edges, `found ${c.found} of ${c.drawn}`);
    assert(Number(c.same) === vs.oriented_correctly && Number(c.reversed) === vs.reversed, `directions ${JSON.stringify(c)}`);
    await page.locator('[data-testid=discovery]').screenshot({ path: path.join(artifacts, 'discovery-proposal.png') });

    // Accept: the editor holds the pattern; the undecided edge is drawn without an arrowhead.
    await page.click('[data-testid=discover-accept]');
    await page.locator('[data-testid=proposal-accepted]').waitFor();
    const code = await page.inputValue('[data-testid=model-code]');
    assert(code.startsWith('pdag {') && code.includes('jnk -- p38'), `model code in pdag syntax: ${code.slice(0, 60)}`);
    const und = page.locator('[data-testid=edge-jnk-p38], [data-testid=edge-p38-jnk]');
    assert((await und.getAttribute('data-undirected')) === 'true', 'jnk — p38 is drawn undecided');
    // The effect of p38 on mek depends on that edge: orient it and the adjustment sets appear.
    const status = page.locator('[data-testid=pattern-status]');
    const kind = await status.getAttribute('data-kind');
    assert(kind === 'depends-on' && (await status.getAttribute('data-edge')).split('--').sort().join() === 'jnk,p38',
      `identification waits on jnk — p38: ${kind}`);
    await page.locator('[data-testid=graph-panel]').screenshot({ path: path.join(artifacts, 'discovery-accepted.png') });
    await page.click('[data-testid=orient-jnk-p38]');
    await page.locator('[data-testid=edge-jnk-p38][data-undirected=false]').waitFor();
    await page.locator('[data-testid=minimal-set-0]').waitFor();
    const sets = await page.locator('[data-testid^=minimal-set-]').evaluateAll((els) => els.map((e) => e.dataset.set));
    const oriented = await page.inputValue('[data-testid=model-code]');
    assert(oriented.startsWith('dag {') && oriented.includes('jnk -> p38'), `oriented: ${oriented.slice(0, 60)}`);
    const graphFile = path.join(artifacts, 'sachs-oriented.dagitty');
    fs.writeFileSync(graphFile, oriented);
    const id = JSON.parse(execFileSync(cli, ['identify', '--graph', graphFile, '--treatment', 'p38', '--outcome', 'mek', '--json'],
      { encoding: 'utf8' }));
    const cliSets = id.backdoor.minimal_sets.map((s) => s.join(','));
    assert(JSON.stringify(sets) === JSON.stringify(cliSets), `minimal sets: page ${sets}, CLI ${cliSets}`);
    // Undo twice: back to the undecided edge, then to the consensus graph.
    await page.click('[data-testid=undo]');
    await page.locator('[data-testid=pattern-status]').waitFor();
    await page.click('[data-testid=undo]');
    await page.locator('[data-testid=edge-pka-akt]').waitFor();
    await page.locator('[data-testid=discover-accept]').waitFor();
    assert((await page.locator('[data-testid=graph-svg] [data-undirected=true]').count()) === 0, 'undo brings back the graph the user had');
    await page.evaluate(() => localStorage.clear());
  });

  test('suggest a graph: edges required and forbidden on the page give the CLI\'s --require and --forbid proposal', async ({ page }) => {
    const file = path.join(refs, 'sachs_continuous.csv');
    await dropFile(page, 'sachs_continuous.csv', fs.readFileSync(file, 'utf8'));
    await page.locator('[data-testid=data-shape]').filter({ hasText: '7,466 rows' }).waitFor();
    await page.click('[data-testid=discover-open]');
    await page.click('[data-testid=discover-all-columns]');
    await page.selectOption('[data-testid=discover-resamples]', '0');
    const order = page.locator('[data-testid=discover-treatment-first]');
    if (await order.isChecked()) await order.uncheck();
    const plain = JSON.parse(execFileSync(cli, ['discover', file, '--json'], { encoding: 'utf8' }));
    const [fa, fb] = plain.directed[0];
    const [ra, rb] = plain.undirected[0];
    // Forbid the plain run's first arrow; require its undecided edge one way.
    for (const [from, kind, to] of [[fa, 'forbidden', fb], [rb, 'required', ra]]) {
      await page.selectOption('[data-testid=discover-rule-from]', from);
      await page.selectOption('[data-testid=discover-rule-kind]', kind);
      await page.selectOption('[data-testid=discover-rule-to]', to);
      await page.click('[data-testid=discover-rule-add]');
    }
    const listed = await page.locator('[data-testid=discover-edge-rule]').allTextContents();
    assert(listed.length === 2 && listed[0].includes(`${fa} → ${fb} forbidden`) && listed[1].includes(`${rb} → ${ra} required`),
      `the rules are listed: ${listed}`);
    await page.click('[data-testid=discover-button]');
    const proposal = page.locator('[data-testid=proposal]');
    await proposal.waitFor({ timeout: 60000 });
    const dagitty = await proposal.getAttribute('data-dagitty');
    const want = JSON.parse(execFileSync(cli, ['discover', file, '--json', '--forbid', `${fa}->${fb}`, '--require', `${rb}->${ra}`],
      { encoding: 'utf8' }));
    assert(!dagitty.includes(`${fa} -> ${fb}\n`), `${fa} -> ${fb} is forbidden: ${dagitty}`);
    assert(want.directed.length + want.undirected.length === Number(await proposal.getAttribute('data-edges')), 'edge count equals the CLI\'s');
    for (const [a, b] of want.directed) assert(dagitty.includes(`${a} -> ${b}\n`), `the page has the CLI's ${a} -> ${b}`);
    for (const [a, b] of want.undirected) assert(dagitty.includes(`${a} -- ${b}\n`), `the page has the CLI's ${a} -- ${b}`);
    assert(want.directed.some(([a, b]) => a === rb && b === ra), `the CLI orients the required ${rb} -> ${ra}`);
    await page.locator('[data-testid=discovery]').screenshot({ path: path.join(artifacts, 'discovery-rules.png') });
    // A rule on a column left out stops the run, saying which.
    await page.click(`[data-testid=discover-column-${fa}]`);
    const why = await page.locator('[data-testid=discovery] .discovery-options p.muted.small').textContent();
    assert(why.includes(`names ${fa}`), `the rule on a column left out is named: ${why}`);
    assert(await page.locator('[data-testid=discover-button]').isDisabled(), 'Suggest waits for the rule to be fixed');
    await page.evaluate(() => localStorage.clear());
  });
};
