// The field app's service worker (issue 17). Served at the site's root by poverty.views.service_worker, which
// puts self.OFFLINE_SHELL above this line: {version, page: the field page's address, assets: its static files}.
//
// It stores only the app shell: the field page (no personal data in it) and its stylesheets, scripts and icons.
// Other pages and every API answer go to the network and are never stored here; the households taken offline
// live in IndexedDB (static/js/offline-store.js). Signing out clears this cache (Clear-Site-Data).
"use strict";

var SHELL = self.OFFLINE_SHELL;
var PREFIX = "pkr-shell-";
var CACHE = PREFIX + SHELL.version; // the static files of this version
var PAGE_CACHE = PREFIX + "page"; // the field page, stored by the page itself (offline.js) and on each visit

// The field page as the server rendered it for this account: not a redirect to sign in, not an error.
function isShellPage(response) {
  return Boolean(
    response && response.ok && response.type === "basic" && !response.redirected &&
    new URL(response.url).pathname === SHELL.page
  );
}

function storePage(response) {
  if (!isShellPage(response)) return Promise.resolve();
  return caches.open(PAGE_CACHE).then(function (cache) { return cache.put(SHELL.page, response); });
}

// A new version of the shell: its static files, and (when a page is stored already) the page that names them.
// The first time, the field page stores itself once it has households to carry.
self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL.assets); }).then(function () {
      return caches.open(PAGE_CACHE).then(function (cache) { return cache.match(SHELL.page); });
    }).then(function (stored) {
      if (!stored) return null;
      return fetch(SHELL.page, { credentials: "same-origin", cache: "no-store" }).then(storePage)
        .catch(function () { /* stored again the next time the page is opened with signal */ });
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf(PREFIX) === 0 && name !== CACHE && name !== PAGE_CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

// Pages: the network first; without it, the stored field page (whatever address was asked for: the field
// page says it is offline). The field page is stored again each time it comes from the network.
function navigate(request) {
  var url = new URL(request.url);
  return fetch(request).then(function (response) {
    if (url.pathname === SHELL.page && isShellPage(response)) storePage(response.clone());
    return response;
  }).catch(function (error) {
    return caches.open(PAGE_CACHE).then(function (cache) {
      return cache.match(SHELL.page, { ignoreSearch: true });
    }).then(function (stored) {
      if (stored) return stored;
      throw error;
    });
  });
}

// The shell's static files: from the store (their names change with their contents in production).
function fromShell(request) {
  return caches.match(request).then(function (stored) {
    return stored || fetch(request);
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(navigate(request));
  } else if (SHELL.assets.indexOf(url.pathname) !== -1) {
    event.respondWith(fromShell(request));
  }
  // Anything else (the API above all): the network, untouched and unstored.
});
