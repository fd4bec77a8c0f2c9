// Service worker: after the first visit the page works without a network.
//
// The build (scripts/sw-manifest.sh, a Trunk post_build hook) puts
//   const MANIFEST = {"version": "...", "files": ["index.html", ...]};
// above this text: every file of the build, paths relative to this script, and a hash of their
// contents. Install caches all of them under that version; activate deletes the caches of older
// versions. Registered by index.html with the scope of the directory the page is served from.
//
// Requests:
//  * non-GET, other origins, and same-origin URLs outside the scope: not touched;
//  * navigations: network first, the cached index.html when the network fails;
//  * files whose name carries Trunk's content hash (app-<hash>.js, ..._bg.wasm, style-<hash>.css):
//    cache first; they never change under the same name;
//  * other files in the scope (worker_loader.js, worker.js, worker_bg.wasm, examples/...): network
//    first, the cache when the network fails. They keep their names from build to build, so after
//    a deployment the cache of the previous version must not serve them to a page whose
//    index.html (from the network) already belongs to the new one.
// Nothing is added to the cache at run time: it holds exactly one build.

/* global MANIFEST */
const BUILD = typeof MANIFEST === 'object' ? MANIFEST : null;
const SCOPE = self.registration.scope;
const PREFIX = `counterfact ${SCOPE} `;
const CACHE = PREFIX + (BUILD ? BUILD.version : 'unversioned');
const INDEX = new URL('index.html', self.location.href).href;
/** Trunk's hashed names: `name-<hex>.ext`, `name-<hex>_bg.wasm` (the hex hash drops leading zeros). */
const HASHED = /-[0-9a-f]{8,16}(?:_bg)?\.[a-z0-9]+$/;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      if (!BUILD) throw new Error('sw.js was built without its manifest (scripts/sw-manifest.sh)');
      const cache = await caches.open(CACHE);
      try {
        await Promise.all(
          BUILD.files.map(async (file) => {
            const url = new URL(file, self.location.href).href;
            // A name without a content hash may sit stale in the HTTP cache: revalidate it.
            const res = await fetch(url, { cache: HASHED.test(file) ? 'default' : 'no-cache', credentials: 'same-origin' });
            if (!res.ok) throw new Error(`${file}: HTTP ${res.status}`);
            await cache.put(url, res.redirected ? new Response(await res.blob(), res) : res);
          }),
        );
      } catch (e) {
        await caches.delete(CACHE);
        throw e;
      }
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key.startsWith(PREFIX) && key !== CACHE) await caches.delete(key);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin || !url.href.startsWith(SCOPE)) return;
  if (req.mode === 'navigate') {
    event.respondWith(networkFirst(req, INDEX));
  } else if (!req.headers.has('range')) {
    event.respondWith(HASHED.test(url.pathname) ? cacheFirst(req) : networkFirst(req, null));
  }
});

async function cached(req) {
  const cache = await caches.open(CACHE);
  return cache.match(req, { ignoreVary: true });
}

async function cacheFirst(req) {
  return (await cached(req)) || fetch(req);
}

/**
 * The network's answer (even a 404); when there is none, or the server fails (5xx), the cached
 * copy or `fallback`'s.
 */
async function networkFirst(req, fallback) {
  let res;
  try {
    res = await fetch(req);
  } catch (err) {
    const hit = (await cached(req)) || (fallback && (await cached(fallback)));
    if (hit) return hit;
    throw err;
  }
  if (res.status >= 500) {
    const hit = (await cached(req)) || (fallback && (await cached(fallback)));
    if (hit) return hit;
  }
  return res;
}
