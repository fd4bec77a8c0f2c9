// The graph editor must not mislead: no node hides another or loses part of its name, no arrow
// runs through a node it does not touch, a drop on a node lands beside it, the implications
// start with the ones the data reject most (never a column against its own dummy), and the
// editor works from the keyboard, renaming in place.

export default (test, h) => {
  const { assert, dropFile, path, artifacts } = h;

  // NHEFS-like, with 26 of its columns, plus a dummy of `active` and a missing-value indicator
  // of `wt82`, as an exported design matrix has them.
  const names = ['seqn', 'qsmk', 'death', 'yrdth', 'sex', 'age', 'race', 'income', 'marital', 'school',
    'education', 'ht', 'wt71', 'wt82', 'wt82_71', 'smokeintensity', 'smkintensity82_71', 'smokeyrs',
    'asthma', 'bronch', 'active', 'exercise', 'alcoholfreq', 'price71', 'tax71_82', 'birthplace'];
  let seed = 7;
  const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const rows = [[...names, 'active_1', 'wt82_missing'].join(',')];
  for (let i = 0; i < 360; i++) {
    const age = 25 + Math.floor(rnd() * 50);
    const sex = rnd() < 0.5 ? 1 : 0;
    const active = Math.floor(rnd() * 3);
    const education = 1 + Math.floor(rnd() * 5);
    const smokeintensity = 1 + Math.floor(rnd() * 40);
    const qsmk = rnd() < 0.15 + age / 200 + 0.1 * sex ? 1 : 0;
    const wt71 = Math.round((55 + rnd() * 40 + 0.1 * age) * 10) / 10;
    const missing = rnd() < 0.05;
    const wt82v = Math.round((wt71 + 3 * qsmk - active + (rnd() - 0.5) * 8) * 10) / 10;
    const v = {
      seqn: 233 + i * 3, qsmk, death: rnd() < age / 150 ? 1 : 0, yrdth: 80 + Math.floor(rnd() * 13), sex, age,
      race: rnd() < 0.15 ? 1 : 0, income: 11 + Math.floor(rnd() * 12), marital: 1 + Math.floor(rnd() * 5),
      school: 6 + Math.floor(rnd() * 12), education, ht: Math.round((150 + rnd() * 40) * 10) / 10, wt71,
      wt82: missing ? '' : wt82v, wt82_71: missing ? '' : Math.round((wt82v - wt71) * 10) / 10, smokeintensity,
      smkintensity82_71: Math.floor(rnd() * 40) - 20, smokeyrs: Math.max(1, age - 15 - Math.floor(rnd() * 10)),
      asthma: rnd() < 0.05 ? 1 : 0, bronch: rnd() < 0.08 ? 1 : 0, active, exercise: Math.floor(rnd() * 3),
      alcoholfreq: Math.floor(rnd() * 4), price71: Math.round((2 + rnd()) * 100) / 100,
      tax71_82: Math.round((0.5 + rnd()) * 100) / 100, birthplace: 1 + Math.floor(rnd() * 50),
    };
    rows.push([...names.map((n) => v[n]), active === 1 ? 1 : 0, missing ? 1 : 0].join(','));
  }
  const nhefs = rows.join('\n') + '\n';

  /** Every node's box against the others and the drawing; every label against its box and the drawing. */
  const layoutProblems = (page) => page.locator('[data-testid=graph-svg]').evaluate((svg) => {
    const s = svg.getBoundingClientRect();
    const nodes = [...svg.querySelectorAll('g.node')].map((g) => ({
      name: g.dataset.testid.slice(5),
      box: g.querySelector('rect:not(.focus-ring)').getBoundingClientRect(),
      text: g.querySelector('text').getBoundingClientRect(),
    }));
    const out = [];
    const e = 0.5;
    const inside = (a, b) => a.left >= b.left - e && a.right <= b.right + e && a.top >= b.top - e && a.bottom <= b.bottom + e;
    for (const n of nodes) {
      if (!inside(n.text, s)) out.push(`${n.name}: name clipped by the drawing`);
      if (!inside(n.text, n.box)) out.push(`${n.name}: name wider than its box`);
    }
    for (let i = 0; i < nodes.length; i++) {
      for (let j = i + 1; j < nodes.length; j++) {
        const [a, b] = [nodes[i].box, nodes[j].box];
        if (a.left < b.right - e && b.left < a.right - e && a.top < b.bottom - e && b.top < a.bottom - e) {
          out.push(`${nodes[i].name} overlaps ${nodes[j].name}`);
        }
      }
    }
    return { out, count: nodes.length };
  });

  /** Arrows sampled every 2 units along their path, against the box of every node but their two ends. */
  const edgesThroughNodes = (page) => page.locator('[data-testid=graph-svg]').evaluate((svg) => {
    const boxes = new Map([...svg.querySelectorAll('g.node')].map((g) =>
      [g.dataset.testid.slice(5), g.querySelector('rect:not(.focus-ring)').getBoundingClientRect()]));
    const out = [];
    let count = 0;
    for (const g of svg.querySelectorAll('g.edge')) {
      count++;
      const id = g.dataset.testid.slice(5);
      // The two node names: the split of `a-b` whose halves are both nodes.
      const cut = [...id].map((c, i) => i).filter((i) => id[i] === '-' && boxes.has(id.slice(0, i)) && boxes.has(id.slice(i + 1)))[0];
      const [from, to] = [id.slice(0, cut), id.slice(cut + 1)];
      const p = g.querySelector('path.edge-line');
      const m = p.getScreenCTM();
      const len = p.getTotalLength();
      const hit = new Set();
      for (let l = 0; l <= len; l += 2) {
        const q = p.getPointAtLength(l).matrixTransform(m);
        for (const [name, b] of boxes) {
          if (name !== from && name !== to && q.x > b.left + 0.5 && q.x < b.right - 0.5 && q.y > b.top + 0.5 && q.y < b.bottom - 0.5) hit.add(name);
        }
      }
      for (const n of hit) out.push(`${from} → ${to} passes through ${n}`);
    }
    return { out, count };
  });

  /** A page without a graph saved by an earlier test for the same columns. */
  async function fresh(page) {
    await page.evaluate(() => localStorage.clear());
    await page.reload();
  }

  const { nodeCentre } = h;
  /** The runner's mouse-drawn arrow, then its edge in the drawing. */
  async function drawEdge(page, from, to) {
    await h.drawEdge(page, from, to);
    await page.locator(`[data-testid=edge-${from}-${to}]`).waitFor({ state: 'attached', timeout: 5000 });
  }

  test('graph editor: NSW nodes neither overlap nor lose their names, and a drop on a node lands beside it', async ({ page }) => {
    await fresh(page);
    await dropFile(page, 'nsw_experimental.csv', h.nswText);
    await page.locator('[data-testid=graph-panel] [data-testid=node-re78]').waitFor();
    const first = await layoutProblems(page);
    assert(first.count === 14, `every NSW column is a node (${first.count})`);
    assert(first.out.length === 0, `NSW layout: ${first.out.join('; ')}`);
    // A plain drag of u74 onto u75.
    const [a, b] = [await nodeCentre(page, 'u74'), await nodeCentre(page, 'u75')];
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 4 });
    await page.mouse.move(b.x + 2, b.y + 1, { steps: 4 });
    await page.mouse.up();
    await page.waitForTimeout(100);
    const after = await layoutProblems(page);
    assert(after.out.length === 0, `after the drop: ${after.out.join('; ')}`);
    const c = await nodeCentre(page, 'u74');
    assert(Math.abs(c.x - a.x) + Math.abs(c.y - a.y) > 5, 'u74 moved');
    assert(Math.hypot(c.x - b.x, c.y - b.y) < 220, `u74 lands beside u75: ${JSON.stringify([c, b])}`);
    await page.evaluate(() => localStorage.clear());
  });

  test('graph editor: 26 columns laid out without overlap at 390, 768 and 1280 px; arrows go around nodes; implications ranked, encodings left out', async ({ page }) => {
    await fresh(page);
    await dropFile(page, 'nhefs_like.csv', nhefs);
    await page.locator('[data-testid=data-shape]').filter({ hasText: '360 rows' }).waitFor();
    await page.locator('[data-testid=graph-panel] [data-testid=node-birthplace]').waitFor();
    const laid = await layoutProblems(page);
    assert(laid.count === 28, `every column is a node (${laid.count})`);
    assert(laid.out.length === 0, `26 columns: ${laid.out.join('; ')}`);
    // Arrows between distant nodes, across the grid.
    const edges = [['qsmk', 'death'], ['qsmk', 'wt82_71'], ['wt71', 'wt82_71'], ['age', 'death'], ['seqn', 'birthplace'],
      ['education', 'qsmk'], ['smokeintensity', 'qsmk'], ['age', 'wt82_71'], ['sex', 'wt82']];
    for (const [x, y] of edges) await drawEdge(page, x, y);
    const through = await edgesThroughNodes(page);
    assert(through.count === edges.length, `${through.count} arrows drawn`);
    assert(through.out.length === 0, `arrows through nodes: ${through.out.join('; ')}`);
    assert(await page.locator('g.edge[data-bent=true]').count() > 0, 'some arrows bend around nodes');
    // The implications: the strongest rejections first, a few until asked for all.
    const rows = page.locator('[data-testid=implications] tr[data-testid^=implication-]');
    await rows.first().waitFor({ timeout: 30000 });
    const pairs = async () => rows.evaluateAll((rs) => rs.map((r) => ({ x: r.dataset.x, y: r.dataset.y, p: r.dataset.p === '' ? Infinity : Number(r.dataset.p) })));
    const top = await pairs();
    assert(top.length > 0 && top.length <= 8, `${top.length} rows shown first`);
    const more = page.locator('[data-testid=implications-show-all]');
    const label = await more.innerText();
    const total = Number((label.match(/Show all (\d+)/) || [])[1]);
    assert(total > 8, `a "show all" control: ${label}`);
    const ascending = (list) => list.every((r, i) => i === 0 || list[i - 1].p <= r.p);
    assert(ascending(top), `ranked by p: ${top.map((r) => r.p).join(', ')}`);
    await page.locator('.graph-lower').screenshot({ path: path.join(artifacts, 'graph-implications-top.png') });
    await more.click();
    await page.locator('[data-testid=implications-show-all]').filter({ hasText: 'top 8' }).waitFor();
    const all = await pairs();
    assert(all.length === total, `all ${total} rows shown (${all.length})`);
    assert(ascending(all), 'all rows ranked by p');
    // The file's two encodings: a dummy of active's level 1, and wt82's missing-value indicator.
    const enc = (a, b) => (a === 'active' && b === 'active_1') || (a === 'wt82' && b === 'wt82_missing');
    const own = all.filter((r) => enc(r.x, r.y) || enc(r.y, r.x));
    assert(own.length === 0, `a column against its own encoding: ${own.map((r) => `${r.x} ⟂ ${r.y}`).join(', ')}`);
    // wt82_71 is a column of its own (wt82 − wt71), not an encoding of wt82: still tested.
    assert(all.some((r) => (r.x === 'wt82' && r.y === 'wt82_71') || (r.y === 'wt82' && r.x === 'wt82_71')),
      'wt82 ⟂ wt82_71 is tested');
    await page.locator('[data-testid=graph-panel]').scrollIntoViewIfNeeded();
    for (const width of [1280, 768, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.waitForTimeout(150);
      const at = await layoutProblems(page);
      assert(at.out.length === 0, `at ${width} px: ${at.out.join('; ')}`);
      const thr = await edgesThroughNodes(page);
      assert(thr.out.length === 0, `at ${width} px: ${thr.out.join('; ')}`);
      await page.locator('.graph-main').screenshot({ path: path.join(artifacts, `graph-nhefs-${width}.png`) });
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.evaluate(() => localStorage.clear());
  });

  test('graph editor: Tab to a node, Enter selects it, e makes it the treatment; r renames in place', async ({ page }) => {
    let dialogs = 0;
    page.on('dialog', (d) => { dialogs++; d.dismiss().catch(() => {}); });
    await fresh(page);
    await dropFile(page, 'nsw_experimental.csv', h.nswText);
    await page.locator('[data-testid=graph-panel] [data-testid=node-re78]').waitFor();
    await page.focus('.graph-canvas');
    const focused = () => page.evaluate(() => document.activeElement?.dataset?.testid || document.activeElement?.tagName);
    let name = '';
    for (let i = 0; i < 20 && name !== 'node-black'; i++) {
      await page.keyboard.press('Tab');
      name = await focused();
    }
    assert(name === 'node-black', `Tab reaches the node black (${name})`);
    const ring = await page.locator('[data-testid=node-black] .focus-ring').evaluate((r) => getComputedStyle(r).stroke);
    assert(ring && ring !== 'none', `a visible focus ring (${ring})`);
    await page.locator('[data-testid=graph-panel]').screenshot({ path: path.join(artifacts, 'graph-focus.png') });
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=node-black][data-selected=true]').waitFor();
    await page.keyboard.press('e');
    await page.locator('[data-testid=node-black][data-role=exposure]').waitFor();
    assert(await page.inputValue('[data-testid=treatment-select]') === 'black', 'the treatment select follows');
    // The arrow keys move between nodes; Space selects too.
    await page.keyboard.press('ArrowRight');
    const next = await focused();
    assert(next.startsWith('node-') && next !== 'node-black', `ArrowRight moves the focus (${next})`);
    await page.keyboard.press(' ');
    await page.locator(`[data-testid=${next}][data-selected=true]`).waitFor();
    // Renaming a latent node in place: no dialog.
    await page.click('[data-testid=add-latent]');
    await page.locator('[data-testid=node-U1]').waitFor();
    const u = await nodeCentre(page, 'U1');
    await page.mouse.click(u.x, u.y);
    await page.keyboard.press('r');
    const input = page.locator('[data-testid=rename-input]');
    await input.waitFor();
    assert(await input.evaluate((el) => document.activeElement === el), 'the field has the focus');
    await page.keyboard.press('Control+a');
    await page.keyboard.type('ability');
    await page.locator('[data-testid=graph-panel]').screenshot({ path: path.join(artifacts, 'graph-rename.png') });
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=node-ability]').waitFor();
    assert(await page.locator('[data-testid=node-U1]').count() === 0, 'U1 renamed');
    assert(await input.count() === 0, 'the field is gone');
    // Typing in the field does not reach the drawing's keys; Escape keeps the old name.
    await page.keyboard.press('r');
    await input.waitFor();
    await page.keyboard.type('eou');
    await page.keyboard.press('Escape');
    await input.waitFor({ state: 'detached' });
    assert(await page.locator('[data-testid=node-ability]').count() === 1, 'Escape keeps the name');
    assert(await page.inputValue('[data-testid=treatment-select]') === 'black', 'typed letters changed no role');
    assert(dialogs === 0, `no browser dialog (${dialogs})`);
    await page.evaluate(() => localStorage.clear());
  });
};
