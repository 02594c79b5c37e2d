// The field app's storage on this phone (issue 17), on every page of a casework account:
// - window.PkrOffline: the IndexedDB database (households taken offline, the queue of entries), the stored field
//   page, the service worker (/sw.js, registered by the field page: desk work needs none of it) and their wipe;
// - signing out wipes it all, after a warning when entries are still unsent (the server's Clear-Site-Data
//   header wipes it too, for any other way out).
(function () {
  "use strict";
  var script = document.currentScript;
  var DB_NAME = "pkr-offline";
  var DB_VERSION = 1;
  var CACHE_PREFIX = "pkr-shell-";
  var PAGE_CACHE = CACHE_PREFIX + "page"; // the field page (static/js/sw.js serves it without signal)
  var opened = null;
  var wiped = false; // wiped from this page: it does not create the database again

  function promised(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function open() {
    if (wiped) return Promise.reject(new Error("wiped"));
    if (!opened) {
      opened = new Promise(function (resolve, reject) {
        var request = indexedDB.open(DB_NAME, DB_VERSION);
        request.onupgradeneeded = function () {
          var db = request.result;
          db.createObjectStore("meta", { keyPath: "key" });
          db.createObjectStore("households", { keyPath: "id" });
          // Entries in the order they were recorded: they are sent in that order.
          var queue = db.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
          queue.createIndex("uuid", "uuid", { unique: true });
        };
        request.onsuccess = function () {
          var db = request.result;
          // Another tab wipes the database: let it, and open afresh next time.
          db.onversionchange = function () { db.close(); opened = null; };
          resolve(db);
        };
        request.onerror = function () { opened = null; reject(request.error); };
      });
    }
    return opened;
  }

  // One transaction over `names`; `work(stores)` issues the requests. Resolves with what `work` returned (a
  // request's result once the transaction has committed).
  function transact(names, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(names, mode);
        var stores = {};
        names.forEach(function (name) { stores[name] = tx.objectStore(name); });
        var result = work(stores);
        tx.oncomplete = function () {
          resolve(result instanceof IDBRequest ? result.result : result);
        };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function get(store, key) {
    return transact([store], "readonly", function (s) { return s[store].get(key); });
  }

  function getAll(store) {
    return transact([store], "readonly", function (s) { return s[store].getAll(); });
  }

  function put(store, value) {
    return transact([store], "readwrite", function (s) { return s[store].put(value); });
  }

  function remove(store, key) {
    return transact([store], "readwrite", function (s) { s[store].delete(key); });
  }

  // Whether this browser holds the database at all (so that asking does not create it).
  function exists() {
    if (!window.indexedDB) return Promise.resolve(false);
    if (!indexedDB.databases) return Promise.resolve(true);
    return indexedDB.databases().then(function (list) {
      return list.some(function (db) { return db.name === DB_NAME; });
    });
  }

  function unsentCount() {
    return exists().then(function (found) {
      if (!found) return 0;
      return getAll("queue").then(function (entries) {
        return entries.filter(function (entry) { return entry.status !== "sent"; }).length;
      });
    });
  }

  // Everything the field app keeps in this browser: the database, the stored shell, the service worker.
  function wipe() {
    wiped = true;
    var closing = opened ? opened.then(function (db) { db.close(); }).catch(function () {}) : Promise.resolve();
    opened = null;
    var database = closing.then(function () {
      return new Promise(function (resolve) {
        var request = indexedDB.deleteDatabase(DB_NAME);
        request.onsuccess = request.onerror = function () { resolve(); };
        // Another tab still holds it open: it closes on `versionchange`; do not wait forever.
        request.onblocked = function () { setTimeout(resolve, 1500); };
      });
    });
    var shell = window.caches ? caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name.indexOf(CACHE_PREFIX) === 0; })
        .map(function (name) { return caches.delete(name); }));
    }) : Promise.resolve();
    var worker = navigator.serviceWorker ? navigator.serviceWorker.getRegistrations().then(function (list) {
      return Promise.all(list.map(function (registration) { return registration.unregister(); }));
    }) : Promise.resolve();
    return Promise.all([database, shell, worker]).catch(function () {});
  }

  // The service worker that serves the field page without signal.
  function register() {
    if (!("serviceWorker" in navigator) || !script.dataset.serviceWorker) return Promise.resolve(null);
    return navigator.serviceWorker.register(script.dataset.serviceWorker).catch(function () { return null; });
  }

  // The field page as the server renders it now, kept for use without signal (not the page on screen, which
  // its script has changed). False when it could not be stored (signed out, no signal).
  function storePage(path) {
    if (!window.caches) return Promise.resolve(false);
    return fetch(path, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      if (!response.ok || response.redirected || new URL(response.url).pathname !== path) return false;
      return caches.open(PAGE_CACHE).then(function (cache) { return cache.put(path, response); })
        .then(function () { return true; });
    }).catch(function () { return false; });
  }

  function pageStored(path) {
    if (!window.caches) return Promise.resolve(false);
    return caches.open(PAGE_CACHE).then(function (cache) { return cache.match(path); })
      .then(function (found) { return Boolean(found); });
  }

  window.PkrOffline = {
    open: open, transact: transact, get: get, getAll: getAll, put: put, remove: remove,
    exists: exists, unsentCount: unsentCount, wipe: wipe, register: register, storePage: storePage,
    pageStored: pageStored
  };

  // Signing out: say so if entries have not been sent, then wipe, then sign out. (In the capture phase, before
  // app.js's submit-once lock, so that "stay" leaves the button usable.)
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-sign-out") || form.dataset.wiped === "yes") return;
    event.preventDefault();
    event.stopImmediatePropagation();
    // Without signal the sign-out cannot reach the server: nothing is wiped, the user stays signed in (and the
    // field page keeps working) until there is signal again.
    if (!navigator.onLine) {
      window.alert(script.dataset.offlineWarning);
      return;
    }
    unsentCount().catch(function () { return 0; }).then(function (count) {
      if (count > 0 && !window.confirm(script.dataset.unsentWarning)) return;
      return wipe().then(function () {
        form.dataset.wiped = "yes";
        HTMLFormElement.prototype.submit.call(form);
      });
    });
  }, true);
})();
