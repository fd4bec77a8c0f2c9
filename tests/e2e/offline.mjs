// The page deployed under a sub-path, then used offline (service worker), in headless Chromium.
//
//   node tests/e2e/offline.mjs DIST_DIR /sub/path/
//
// DIST_DIR must be built with `trunk build --release --offline --public-url /sub/path/`. It is served
// from an in-process HTTP server on 127.0.0.1 ONLY under /sub/path/ (anything else is a 404, a
// directory without its trailing slash is redirected, as on GitHub Pages). The test loads the page,
// waits until the service worker controls it and has cached every file of the build (the list is
// read from DIST_DIR), checks that 404s do not disturb the running page and that a changed sw.js
// replaces the cache, then closes the server, reloads and runs the NSW example. Also opens the page where the browser offers no service worker
// (plain http on a host name other than localhost). Fails on page errors, console errors and
// requests to another origin. Screenshot: tests/artifacts/offline.png. Prints "N passed, M failed".
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const dist = path.resolve(process.argv[2] || path.join(root, 'target', 'dist-subpath'));
const sub = process.argv[3] || '/counterfact/';
const artifacts = path.join(root, 'tests', 'artifacts');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
if (!/^\/([^/]+\/)+$/.test(sub)) throw new Error(`the sub-path must look like /a/b/, not ${sub}`);
fs.mkdirSync(artifacts, { recursive: true });

// ---------------------------------------------------------------- static server, sub-path only
const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css',
  '.csv': 'text/csv', '.json': 'application/json' };
/** When set, sw.js is served with this cache version instead of its own. */
let nextVersion = null;
function serve(dir) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === sub.slice(0, -1)) {
      res.writeHead(301, { location: sub });
      return res.end();
    }
    if (!url.pathname.startsWith(sub)) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return res.end('not found');
    }
    let file = path.join(dir, decodeURIComponent(url.pathname.slice(sub.length)));
    if (!file.startsWith(dir)) { res.writeHead(403); return res.end(); }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!fs.existsSync(file)) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return res.end('not found');
    }
    res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
    if (nextVersion && file === path.join(dir, 'sw.js')) {
      // A new deployment, as far as the browser can tell: sw.js with another cache version.
      return res.end(fs.readFileSync(file, 'utf8').replace(/"version":"[0-9a-f]+"/, `"version":"${nextVersion}"`));
    }
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function assert(cond, msg) { if (!cond) throw new Error(msg); }

/** Every file of the build but sw.js, relative to DIST_DIR: what the service worker must cache. */
function buildFiles(dir, prefix = '') {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => e.isDirectory()
    ? buildFiles(path.join(dir, e.name), `${prefix}${e.name}/`)
    : [`${prefix}${e.name}`]).filter((f) => f !== 'sw.js').sort();
}

/** Keys (paths relative to the scope) of the page's own cache, and the cache names. */
async function cacheState(page) {
  return page.evaluate(async () => {
    const reg = await navigator.serviceWorker.getRegistration();
    const names = await caches.keys();
    const mine = names.filter((n) => reg && n.startsWith(`counterfact ${reg.scope} `));
    const keys = [];
    for (const n of mine) {
      for (const r of await (await caches.open(n)).keys()) keys.push(r.url.slice(reg.scope.length));
    }
    return { names, mine, keys: keys.sort() };
  });
}

async function waitFor(what, fn, ms = 30000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function runNswExample(page) {
  await page.click('[data-testid=example-nsw]');
  await page.locator('[data-testid=run-button]:not([disabled])').waitFor({ timeout: 30000 });
  await page.click('[data-testid=run-button]');
  const ols = page.locator('[data-testid=result-ols]');
  await ols.waitFor({ timeout: 30000 });
  const estimate = Number(await ols.getAttribute('data-estimate'));
  assert(Number.isFinite(estimate), `OLS estimate is finite: ${estimate}`);
  return estimate;
}

// ---------------------------------------------------------------- the test
const server = await serve(dist);
const origin = `http://127.0.0.1:${server.address().port}`;
const base = origin + sub;
const expected = buildFiles(dist);
const version = /"version":"([0-9a-f]+)"/.exec(fs.readFileSync(path.join(dist, 'sw.js'), 'utf8'))?.[1];
/** Same-origin URLs outside the sub-path that the test asks for on purpose (their 404 is expected). */
const wrong = [`${origin}/`, `${origin}/elsewhere/app.js`, `${base}no-such-file.js`];
/** Asked for on purpose too: the sub-path without its slash (redirected). */
const noSlash = base.slice(0, -1);

/** A name for the same server that is neither localhost nor an IP: plain http there is not a secure
 * context, so the browser offers no service worker. */
const insecureHost = 'counterfact.test';
const insecureBase = `http://${insecureHost}:${server.address().port}${sub}`;

const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-offline-'));
const context = await chromium.launchPersistentContext(userDir, {
  executablePath: chromiumPath, headless: true, viewport: { width: 1280, height: 900 },
  args: [`--host-resolver-rules=MAP ${insecureHost} 127.0.0.1`, '--no-sandbox', '--disable-gpu', '--disable-quic',
    '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-dev-shm-usage'],
});
const problems = [];
// Every request of every page, worker and service worker in the context.
context.on('request', (r) => {
  const u = r.url();
  if (u.startsWith('data:') || u.startsWith('blob:')) return;
  if (u.startsWith(insecureBase)) return;
  if (!u.startsWith(`${origin}/`)) problems.push(`request left the origin: ${u}`);
  else if (!u.startsWith(base) && !wrong.includes(u) && u !== noSlash) problems.push(`request outside ${sub}: ${u}`);
});
function watch(page) {
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // The browser reports each deliberate 404 as "Failed to load resource".
    if (/Failed to load resource.*404/.test(m.text()) && wrong.includes(m.location().url)) return;
    problems.push(`console error: ${m.text()} (${m.location().url})`);
  });
}

let passed = 0, failed = 0;
async function step(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    if (problems.length) throw new Error(problems.splice(0).join('\n'));
    passed++;
    console.log(`ok   ${name} (${Date.now() - t0} ms)`);
    return true;
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}\n     ${String(e.stack || e).split('\n').slice(0, 6).join('\n     ')}`);
    return false;
  }
}

const page = await context.newPage();
watch(page);
let ok = await step(`the page under ${sub} is controlled by its service worker, which caches the whole build`, async () => {
  assert(version, 'dist/sw.js carries the manifest (Trunk post_build hook)');
  assert(expected.includes('index.html') && expected.some((f) => f.startsWith('examples/')), `build files: ${expected}`);
  await page.goto(base);
  await page.locator('[data-testid=example-nsw]').waitFor({ timeout: 30000 });
  await waitFor('the service worker to control the page', () => page.evaluate(() => !!navigator.serviceWorker.controller));
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  assert(scope === base, `scope ${scope} is the sub-path ${base}`);
  const state = await cacheState(page);
  assert(state.mine.length === 1 && state.mine[0].endsWith(` ${version}`), `one cache, of this build's version ${version}: ${state.names}`);
  const missing = expected.filter((f) => !state.keys.includes(f));
  assert(!missing.length, `cached: every file of the build; missing ${missing}`);
  assert(state.keys.length === expected.length, `nothing else cached: ${state.keys}`);
});

ok = ok && await step('404s outside the sub-path and under it leave the running page working', async () => {
  const statuses = await page.evaluate(async (urls) => Promise.all(urls.map(async (u) => (await fetch(u)).status)), wrong);
  assert(statuses.every((s) => s === 404), `404s: ${statuses}`);
  const state = await cacheState(page);
  assert(state.keys.length === expected.length, `a 404 is not cached: ${state.keys}`);
  // The path without its slash is redirected to the app.
  const other = await context.newPage();
  watch(other);
  await other.goto(noSlash);
  assert(other.url() === base, `redirected to ${base}: ${other.url()}`);
  await other.close();
  await runNswExample(page);
});

ok = ok && await step('a new version of sw.js replaces the cache, and the old one is deleted', async () => {
  nextVersion = version === 'f'.repeat(16) ? '0'.repeat(16) : 'f'.repeat(16);
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
  const state = await waitFor(`the cache of version ${nextVersion} alone`, async () => {
    const st = await cacheState(page);
    return st.mine.length === 1 && st.mine[0].endsWith(` ${nextVersion}`) && st;
  });
  assert(state.keys.length === expected.length, `the new cache holds the build: ${state.keys}`);
  await waitFor('the new worker to control the page', () => page.evaluate(() =>
    navigator.serviceWorker.controller?.state === 'activated'));
});

ok = ok && await step('without service workers (plain http, not localhost) the page works online', async () => {
  const plain = await context.newPage();
  watch(plain);
  await plain.goto(insecureBase);
  await plain.locator('[data-testid=example-nsw]').waitFor({ timeout: 30000 });
  assert(await plain.evaluate(() => !window.isSecureContext && !navigator.serviceWorker), 'no service worker there');
  await runNswExample(plain);
  await plain.close();
});

ok = ok && await step('after the server is gone, a reload and a new tab still run the NSW example', async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  const refused = await fetch(base).then(() => false, () => true);
  assert(refused, 'the HTTP server is closed');
  // Every response the pages get from here on must come from the service worker.
  const direct = [];
  const onResponse = (r) => { if (!r.fromServiceWorker() && r.url().startsWith(base)) direct.push(r.url()); };
  page.on('response', onResponse);
  await page.reload();
  await page.locator('[data-testid=example-nsw]').waitFor({ timeout: 30000 });
  const estimate = await runNswExample(page);
  await page.screenshot({ path: path.join(artifacts, 'offline.png'), fullPage: true });
  const tab = await context.newPage();
  watch(tab);
  tab.on('response', onResponse);
  await tab.goto(base);
  await tab.locator('[data-testid=example-nsw]').waitFor({ timeout: 30000 });
  assert(await runNswExample(tab) === estimate, 'the same estimate in a new tab');
  await tab.close();
  assert(direct.length === 0, `answered without the service worker: ${direct.join(', ')}`);
});
if (!ok) await page.screenshot({ path: path.join(artifacts, 'offline-fail.png'), fullPage: true }).catch(() => {});

await context.close();
server.close();
try { fs.rmSync(userDir, { recursive: true, force: true, maxRetries: 5 }); } catch { /* a profile still being written */ }
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
