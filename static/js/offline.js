// The field page (issue 17): households carried on the phone, entries recorded without signal, and their sending.
//
// - Households come from the caseload endpoint into IndexedDB (window.PkrOffline, static/js/offline-store.js).
// - Each entry (a visit, a note, an assessment, a delivery) is saved on the phone with a client UUID (sent as
//   Idempotency-Key), the version it changes (If-Match) and the moment it was recorded (X-Recorded-Offline-At).
// - Sending goes in the order entries were recorded, through the REST API's session-authenticated endpoints.
//   2xx: sent. A refusal (409 stale, 400/403/404…): kept as a conflict with the reason and, for 409, the server's
//   current record beside the phone's. No answer: kept, and the next send repeats it under the same key (the
//   server recognises a repeat and applies it once). Nothing is overwritten or dropped silently.
// All words on screen come from the page (its template and its JSON config), in the user's language.
(function () {
  "use strict";
  var app = document.querySelector("[data-offline-app]");
  var store = window.PkrOffline;
  if (!app || !store || !window.indexedDB) return;
  var config = JSON.parse(document.getElementById("offline-config").textContent);
  var T = config.text;
  var KIND_VIEW = { visit: "kunjungan", note: "catatan", assessment: "asesmen", delivery: "penyaluran" };
  var VIEW_KIND = { kunjungan: "visit", catatan: "note", asesmen: "assessment", penyaluran: "delivery" };
  var OPEN_STATUSES = ["planned", "in_progress"];
  var RETRY_MS = 60 * 1000;

  var state = {
    meta: null,
    households: new Map(),
    entries: [],
    csrf: null,
    syncing: false,
    clockOffset: 0, // server time minus phone time, from the last answer's Date header
    retryTimer: null
  };

  // ---------------------------------------------------------------------------------------------- small helpers

  function say(key, values) {
    return (T[key] || key).replace(/\{(\w+)\}/g, function (whole, name) {
      return values && values[name] !== undefined ? values[name] : whole;
    });
  }

  // One request at a time from this page: its sends keep their order, and the server is not asked twice at once.
  var queueTail = Promise.resolve();
  // The API's advice to programs after a 409 ("read again, send with If-Match"), left out: the phone shows both
  // versions instead. Cut from its first sentence on, whatever follows it.
  function cutAdvice(detail) {
    var start = detail.indexOf(T.api_stale_advice.split(". ")[0]);
    return (start >= 0 ? detail.slice(0, start) : detail).trim();
  }

  function serial(work) {
    var run = queueTail.then(work);
    queueTail = run.catch(function () {});
    return run;
  }

  function net(url, options) {
    return serial(function () { return fetch(url, options); });
  }

  function $(selector, scope) { return (scope || app).querySelector(selector); }
  function $all(selector, scope) { return Array.prototype.slice.call((scope || app).querySelectorAll(selector)); }

  function make(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function pad(number) { return (number < 10 ? "0" : "") + number; }

  function localDate(date) {
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate());
  }

  function today() { return localDate(new Date()); }

  // "2026-11-29" -> "29/11/2026", as the app shows dates.
  function showDate(iso) {
    if (!iso) return "—";
    var parts = String(iso).slice(0, 10).split("-");
    return parts.length === 3 ? parts[2] + "/" + parts[1] + "/" + parts[0] : String(iso);
  }

  function showDateTime(iso) {
    if (!iso) return "—";
    var date = new Date(iso);
    if (isNaN(date)) return String(iso);
    return showDate(localDate(date)) + " " + pad(date.getHours()) + ":" + pad(date.getMinutes());
  }

  // ISO 8601 with the phone's offset: "2026-11-29T10:02:00+07:00".
  function withOffset(date) {
    var minutes = -date.getTimezoneOffset();
    var sign = minutes >= 0 ? "+" : "-";
    var abs = Math.abs(minutes);
    return localDate(date) + "T" + pad(date.getHours()) + ":" + pad(date.getMinutes()) + ":" +
      pad(date.getSeconds()) + sign + pad(Math.floor(abs / 60)) + ":" + pad(abs % 60);
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function address(name, id) {
    return config.urls[name].replace(config.id_placeholder, String(id));
  }

  function ageOn(birthDate, on) {
    if (!birthDate) return null;
    var born = birthDate.split("-").map(Number);
    var day = on.split("-").map(Number);
    var age = day[0] - born[0];
    if (day[1] < born[1] || (day[1] === born[1] && day[2] < born[2])) age -= 1;
    return age;
  }

  function rupiah(value) {
    if (value === null || value === undefined || value === "") return "—";
    return "Rp " + String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  function interventionStatus(status) { return T["iv_" + status] || status || "—"; }

  function purposeLabel(code) {
    var found = config.purposes.filter(function (pair) { return pair[0] === code; })[0];
    return found ? found[1] : code;
  }

  function needLabel(code) {
    var found = config.needs.filter(function (need) { return need.code === code; })[0];
    return found ? found.label : code;
  }

  function programs() { return (state.meta && state.meta.programs) || []; }

  function programName(id) {
    var found = programs().filter(function (program) { return String(program.id) === String(id); })[0];
    return found ? found.name : "#" + id;
  }

  function memberName(snapshot, id) {
    if (id === null || id === undefined || id === "") return T.whole_household;
    var found = (snapshot.members || []).filter(function (m) { return String(m.id) === String(id); })[0];
    return found ? found.full_name : "#" + id;
  }

  // -------------------------------------------------------------------------------------------------- notices

  // A notice goes when another view opens, unless it is for that view (`keep`: a save's, on the household
  // the form returns to).
  function notice(text, tone, keep) {
    state.noticeKept = Boolean(keep);
    var box = document.getElementById("offline-notice");
    box.className = "alert alert-" + (tone || "info");
    box.textContent = text;
    box.hidden = !text;
  }

  function syncStatus(text) { $("#sync-status").textContent = text || ""; }

  function renderNet() {
    var badge = $("[data-net-badge]");
    var online = navigator.onLine;
    badge.textContent = online ? badge.dataset.online : badge.dataset.offline;
    badge.classList.toggle("is-offline", !online);
    $("#take-button").disabled = !online;
    $("#sync-now").disabled = !online || state.syncing || !pending().length;
    var status = $("#sync-status");
    if (!online) syncStatus(T.offline);
    else if (status.textContent === T.offline) syncStatus("");
  }

  function showSignedOut(show) {
    var box = document.getElementById("offline-sign-in");
    $("[data-sign-in-text]", box).textContent = T.signed_out;
    $("[data-sign-in-link]", box).href = config.urls.login;
    box.hidden = !show;
  }

  // ------------------------------------------------------------------------------------------------ the store

  function loadAll() {
    return Promise.all([store.get("meta", "caseload"), store.getAll("households"), store.getAll("queue")])
      .then(function (found) {
        state.meta = found[0] || null;
        state.households = new Map(found[1].map(function (h) { return [h.id, h]; }));
        state.entries = found[2];
      });
  }

  function loadEntries() {
    return store.getAll("queue").then(function (entries) { state.entries = entries; })
      .catch(function () { state.entries = []; });
  }

  function saveEntry(entry) {
    return store.put("queue", entry).then(function (seq) { entry.seq = seq; return entry; });
  }

  function pending() {
    return state.entries.filter(function (e) { return e.status === "queued" || e.status === "sending"; });
  }

  function unsent() { return state.entries.filter(function (e) { return e.status !== "sent"; }); }

  function entryByKey(key) { return state.entries.filter(function (e) { return e.uuid === key; })[0]; }

  function clearStores(names) {
    return store.transact(names, "readwrite", function (stores) {
      names.forEach(function (name) { stores[name].clear(); });
    });
  }

  // The households and what came with them go; unsent entries stay until sent or discarded.
  function dropCaseload() {
    return store.transact(["meta", "households", "queue"], "readwrite", function (stores) {
      stores.meta.clear();
      stores.households.clear();
      state.entries.forEach(function (entry) { if (entry.status === "sent") stores.queue.delete(entry.seq); });
    }).then(loadAll);
  }

  // Whose data this is: another account's (a shared phone) is not shown to this one, and not sent as its.
  function checkOwner() {
    var owners = [state.meta && state.meta.owner].concat(state.entries.map(function (e) { return e.owner; }))
      .filter(function (owner) { return owner !== undefined && owner !== null; });
    var foreign = owners.some(function (owner) { return owner !== config.user.id; });
    if (!foreign) return Promise.resolve();
    return clearStores(["meta", "households", "queue"]).then(loadAll).then(function () {
      notice(T.other_account, "warning", true);
    });
  }

  // Past its keeping date the caseload goes; entries too old for the server to accept go, said on screen.
  function expire() {
    var now = Date.now();
    var work = Promise.resolve();
    if (state.meta && state.meta.expires_at && Date.parse(state.meta.expires_at) <= now) {
      work = dropCaseload().then(function () { notice(T.expired, "warning", true); });
    }
    var limit = now - config.send_within_days * 24 * 3600 * 1000;
    var stale = unsent().filter(function (e) { return Date.parse(e.recorded_offline_at) < limit; });
    if (stale.length) {
      work = work.then(function () {
        return store.transact(["queue"], "readwrite", function (stores) {
          stale.forEach(function (entry) { stores.queue.delete(entry.seq); });
        });
      }).then(loadEntries).then(function () {
        notice(say("too_old", { count: stale.length, days: config.send_within_days }), "warning", true);
      });
    }
    return work;
  }

  // The account may no longer do casework: everything goes, the service worker too.
  function endAccount() {
    return store.wipe().then(function () {
      state.meta = null;
      state.households = new Map();
      state.entries = [];
      renderAll();
      notice(T.account_ended, "danger", true);
    });
  }

  // ------------------------------------------------------------------------------------- taking the caseload

  // This page, stored for use without signal (the service worker serves it), once there is something to carry.
  function keepPage() {
    return serial(function () { return store.storePage(app.dataset.page); });
  }

  function takeCaseload(event) {
    keepHere(event);
    if (!navigator.onLine) { notice(T.take_needs_signal, "warning"); return; }
    var form = event.target;
    var mine = form.elements.scope.value === "mine";
    var select = form.elements.kelurahan;
    var query = mine ? "mine=1" : "kelurahan=" + encodeURIComponent(select.value);
    var label = mine ? T.carried_scope_mine : select.options[select.selectedIndex].text;
    var kelurahan = mine ? null : select.value;
    var scope = state.meta && state.meta.scope;
    var same = scope && (mine ? scope.mine : !scope.mine && String(scope.kelurahan) === String(kelurahan));
    if (state.households.size && !same) {
      var question = say("replace_caseload_confirm", { count: state.households.size,
        label: (scope && scope.label) || "—", "new": label, unsent: unsent().length });
      if (!window.confirm(question)) return;
    }
    var button = $("#take-button");
    button.disabled = true;
    notice(T.taking);
    net(config.urls.caseload + "?" + query, {
      credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" }
    }).then(function (response) {
      noteClock(response);
      return response.json().catch(function () { return null; }).then(function (body) {
        if (response.status === 401) return checkSession().then(handleSessionState);
        if (!response.ok || !body || !body.households) {
          var detail = (body && body.detail) || response.statusText || String(response.status);
          notice(say("take_failed", { detail: detail }), "danger");
          return null;
        }
        return storeCaseload(body, { mine: mine, label: label, kelurahan: kelurahan }).then(function () {
          notice(say("taken", { count: body.households.length }), "success");
          return keepPage();
        });
      });
    }).catch(function () {
      notice(T.network_failed, "warning");
    }).then(function () {
      button.disabled = !navigator.onLine;
      renderAll();
    });
  }

  function storeCaseload(body, scope) {
    var meta = {
      key: "caseload",
      owner: body.user && body.user.id !== undefined ? body.user.id : config.user.id,
      user: body.user || null,
      scope: scope,
      generated_at: body.generated_at,
      expires_at: body.expires_at,
      keep_days: body.keep_days,
      programs: body.programs || [],
      purposes: body.purposes || null,
      needs: body.needs || null,
      count: body.households.length
    };
    return store.transact(["meta", "households"], "readwrite", function (stores) {
      stores.households.clear();
      body.households.forEach(function (household) { stores.households.put(household); });
      stores.meta.put(meta);
    }).then(loadAll);
  }

  // --------------------------------------------------------------------------------------------- the entries

  // What an entry needs of its household, kept with it: it stays readable and editable after the caseload goes.
  function snapshot(household) {
    return {
      id: household.id,
      head_name: household.head_name,
      kelurahan: household.kelurahan,
      members: (household.members || []).map(function (m) {
        return { id: m.id, full_name: m.full_name, birth_date: m.birth_date, sex: m.sex };
      }),
      interventions: (household.interventions || []).map(function (iv) {
        return { id: iv.id, version: iv.version, program: iv.program, program_name: iv.program_name,
          person: iv.person, status: iv.status, planned_on: iv.planned_on };
      })
    };
  }

  // The request an entry becomes: the same endpoints and checks as the pages' forms.
  function requestFor(entry) {
    var d = entry.data;
    var household = entry.household.id;
    if (entry.kind === "visit") {
      var visit = { household: household, visited_on: d.visited_on, purpose: d.purpose, findings: d.findings || "" };
      if (d.next_follow_up_on) visit.next_follow_up_on = d.next_follow_up_on;
      return { url: config.urls.visits, body: visit };
    }
    if (entry.kind === "note") {
      return { url: config.urls.visits,
        body: { household: household, visited_on: d.date, purpose: config.note_purpose, findings: d.note } };
    }
    if (entry.kind === "assessment") {
      return { url: config.urls.assessments,
        body: { household: household, assessed_on: d.assessed_on, needs: d.needs } };
    }
    var amount = d.amount === "" || d.amount === null || d.amount === undefined ? null : Number(d.amount);
    if (d.intervention) {
      var move = { status: "delivered", delivered_on: d.delivered_on };
      if (amount !== null) move.amount = amount;
      return { url: address("transition", d.intervention), ifMatch: '"' + entry.base.version + '"', body: move };
    }
    var delivery = { household: household, program: Number(d.program), person: d.person ? Number(d.person) : null,
      delivered_on: d.delivered_on };
    if (amount !== null) delivery.amount = amount;
    if (d.notes) delivery.notes = d.notes;
    if (d.confirm_duplicate) delivery.confirm_duplicate = true;
    return { url: config.urls.interventions, body: delivery };
  }

  // One line saying what an entry is.
  function summary(entry) {
    var d = entry.data || {};
    if (entry.kind === "visit") {
      return purposeLabel(d.purpose) + " · " + showDate(d.visited_on) + (d.findings ? " · " + d.findings : "");
    }
    if (entry.kind === "note") return showDate(d.date) + " · " + (d.note || "");
    if (entry.kind === "assessment") {
      return showDate(d.assessed_on) + " · " + (d.needs || []).map(function (n) {
        return needLabel(n.need) + (n.person ? " (" + memberName(entry.household, n.person) + ")" : "");
      }).join(", ");
    }
    var what = d.intervention ? d.program_name : programName(d.program);
    return say("delivered_from_planned", { program: what, date: showDate(d.delivered_on) }) +
      " · " + memberName(entry.household, d.person);
  }

  // The entry's fields, labelled, for reading it and for the side-by-side view.
  function phoneFields(entry) {
    var d = entry.data || {};
    if (entry.kind === "visit") {
      return [[T.field_date, showDate(d.visited_on)], [T.field_purpose, purposeLabel(d.purpose)],
        [T.field_findings, d.findings || "—"], [T.field_follow_up, showDate(d.next_follow_up_on)]];
    }
    if (entry.kind === "note") {
      return [[T.field_date, showDate(d.date)], [T.field_purpose, purposeLabel(config.note_purpose)],
        [T.field_findings, d.note || "—"]];
    }
    if (entry.kind === "assessment") {
      return [[T.field_date, showDate(d.assessed_on)], [T.field_needs, (d.needs || []).map(function (n) {
        return needLabel(n.need) + (n.person ? " (" + memberName(entry.household, n.person) + ")" : "") +
          (n.note ? ": " + n.note : "");
      }).join("; ")]];
    }
    var rows = [[T.field_program, d.intervention ? d.program_name : programName(d.program)],
      [T.field_recipient, memberName(entry.household, d.person)],
      [T.field_status, interventionStatus("delivered")], [T.field_delivered_on, showDate(d.delivered_on)],
      [T.field_amount, rupiah(d.amount)]];
    if (entry.base) rows.push([T.field_version, String(entry.base.version)]);
    if (d.notes) rows.push([T.field_note, d.notes]);
    return rows;
  }

  // The server's record, in the same rows as phoneFields (what the server answered or holds now).
  function serverFields(entry, record) {
    if (!record) return null;
    if (entry.kind === "visit" || entry.kind === "note") {
      var rows = [[T.field_date, showDate(record.visited_on)], [T.field_purpose, purposeLabel(record.purpose)],
        [T.field_findings, record.findings || "—"]];
      if (entry.kind === "visit") rows.push([T.field_follow_up, showDate(record.next_follow_up_on)]);
      return rows;
    }
    if (entry.kind === "assessment") {
      return [[T.field_date, showDate(record.assessed_on)],
        [T.field_needs, String((record.referrals || []).length)]];
    }
    var d = entry.data || {};
    var server = [[T.field_program, record.program ? programName(record.program) : "—"],
      [T.field_recipient, memberName(entry.household, record.person)],
      [T.field_status, interventionStatus(record.status)], [T.field_delivered_on, showDate(record.delivered_on)],
      [T.field_amount, rupiah(record.amount)]];
    if (entry.base) server.push([T.field_version, String(record.version)]);
    if (d.notes) server.push([T.field_note, record.notes || "—"]);
    if (record.cancel_reason) server.push([T.field_cancel_reason, record.cancel_reason]);
    if (record.status_changed_at) server.push([T.field_changed_at, showDateTime(record.status_changed_at)]);
    return server;
  }

  // -------------------------------------------------------------------------------------------------- sending

  function noteClock(response) {
    var date = Date.parse(response.headers.get("Date") || "");
    if (!isNaN(date)) state.clockOffset = date - Date.now();
  }

  // The moment recorded, as sent: never ahead of the server's clock (a phone's clock may run fast).
  function recordedHeader(entry) {
    var recorded = new Date(entry.recorded_offline_at);
    var serverNow = Date.now() + state.clockOffset;
    return recorded.getTime() > serverNow ? withOffset(new Date(serverNow - 1000)) : entry.recorded_offline_at;
  }

  // May this browser send casework now, and with which CSRF token?
  function checkSession() {
    return net(config.urls.session, {
      credentials: "same-origin", cache: "no-store", redirect: "manual", headers: { Accept: "application/json" }
    }).then(function (response) {
      if (response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400)) {
        return { state: "signed_out" };
      }
      noteClock(response);
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.status === 403 && body.state === "ended") return { state: "ended" };
        if (!response.ok || !body.csrf) return { state: "unreachable" };
        return { state: "ok", csrf: body.csrf, user: body.user };
      });
    }).catch(function () { return { state: "unreachable" }; });
  }

  // Returns true when sending may go on.
  function handleSessionState(session) {
    if (session.state === "ended") return endAccount().then(function () { return false; });
    if (session.state === "signed_out") { showSignedOut(true); return false; }
    if (session.state !== "ok") { syncStatus(T.network_failed); return false; }
    if (session.user !== config.user.id) { showSignedOut(true); return false; }
    showSignedOut(false);
    state.csrf = session.csrf;
    return true;
  }

  function post(entry, request) {
    var headers = {
      "Content-Type": "application/json",
      Accept: "application/json",
      "Idempotency-Key": entry.uuid,
      "X-CSRFToken": state.csrf,
      "X-Recorded-Offline-At": request.recordedAt
    };
    if (request.ifMatch) headers["If-Match"] = request.ifMatch;
    return net(request.url, {
      method: "POST", credentials: "same-origin", cache: "no-store", headers: headers,
      body: JSON.stringify(request.body)
    }).then(function (response) {
      noteClock(response);
      return response.json().catch(function () { return null; }).then(function (body) {
        var answer = { status: response.status, body: body };
        if (response.ok) {
          answer.kind = "ok";
          answer.replayed = response.headers.get("Idempotent-Replayed") === "true";
        } else if (response.status === 401) {
          answer.kind = "auth";
        } else if (response.status === 403 && body && /csrf/i.test(body.detail || "")) {
          answer.kind = "csrf";
        } else if (response.status === 429) {
          answer.kind = "busy";
        } else if (response.status >= 500) {
          answer.kind = "unknown"; // it may or may not have been applied: sent again later under the same key
        } else {
          answer.kind = "refused";
          answer.body = body || { status: response.status, detail: response.statusText };
        }
        return answer;
      });
    }, function () {
      return { kind: "unknown" };
    });
  }

  function fetchServerRecord(entry) {
    if (!(entry.kind === "delivery" && entry.data.intervention)) return Promise.resolve(null);
    return net(address("intervention", entry.data.intervention), {
      credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" }
    }).then(function (response) { return response.ok ? response.json() : null; })
      .catch(function () { return null; });
  }

  // The phone's copy of a planned intervention, brought up to the server's record (a 409 fetched it, or a delivery
  // was sent): still open, its new version and status; closed, it leaves the household's open interventions.
  function refreshCarried(entry, record) {
    var id = entry.kind === "delivery" && entry.data && entry.data.intervention;
    var household = id && state.households.get(entry.household.id);
    if (!household || !record || record.id !== id) return Promise.resolve();
    var list = household.interventions || [];
    var found = list.filter(function (iv) { return iv.id === id; })[0];
    if (!found) return Promise.resolve();
    if (OPEN_STATUSES.indexOf(record.status) === -1) {
      household.interventions = list.filter(function (iv) { return iv !== found; });
    } else {
      found.version = record.version;
      found.status = record.status;
      if (record.planned_on !== undefined) found.planned_on = record.planned_on;
    }
    return store.put("households", household).catch(function () {});
  }

  function markSent(entry, answer) {
    entry.status = "sent";
    entry.sent = { at: withOffset(new Date()), id: answer.body && answer.body.id, replayed: Boolean(answer.replayed),
      summary: summary(entry) };
    // What was sent is on the server now; the phone keeps only the line saying it went.
    entry.data = null;
    entry.attempt = null;
    entry.problem = null;
    entry.server = null;
    entry.household = { id: entry.household.id, head_name: entry.household.head_name, members: [] };
    return saveEntry(entry);
  }

  function markConflict(entry, problem, server) {
    entry.status = "conflict";
    entry.problem = problem;
    entry.server = server || null;
    entry.attempt = null;
    return saveEntry(entry);
  }

  // One entry: "sent", "next" (kept as a conflict; go on with the others) or "stop" (try again later).
  function send(entry, retried) {
    var request = requestFor(entry);
    request.recordedAt = recordedHeader(entry);
    var signature = JSON.stringify([request.url, request.ifMatch || "", request.body]);
    var earlier = Promise.resolve(null);
    if (entry.attempt && entry.attempt.signature !== signature) {
      // It was sent before it was edited, and no answer came: that send may have landed. Ask again with its key.
      earlier = post(entry, entry.attempt.request);
    } else if (entry.attempt) {
      request.recordedAt = entry.attempt.request.recordedAt; // a repeat must be the same request
    }
    return earlier.then(function (before) {
      if (before && (before.kind === "unknown" || before.kind === "busy")) return "stop";
      if (before && before.kind === "ok") {
        return markConflict(entry, { status: before.status, landed: true, detail: T.conflict_landed }, before.body)
          .then(function () { return "next"; });
      }
      if (before && (before.kind === "auth" || before.kind === "csrf")) return askAgain(retried, entry);
      entry.attempt = { signature: signature, request: request };
      entry.status = "sending";
      return saveEntry(entry).then(function () { return post(entry, request); }).then(function (answer) {
        return settle(entry, answer, retried);
      });
    });
  }

  function settle(entry, answer, retried) {
    if (answer.kind === "ok") {
      var carried = refreshCarried(entry, answer.body);
      return carried.then(function () { return markSent(entry, answer); }).then(function () { return "sent"; });
    }
    if (answer.kind === "refused") {
      var keep = answer.status === 409 ? fetchServerRecord(entry) : Promise.resolve(null);
      return keep.then(function (server) {
        return markConflict(entry, answer.body, server).then(function () { return refreshCarried(entry, server); });
      })
        .then(function () { return "next"; });
    }
    // No answer, or not read (busy, signed out, a stale token): kept as it is, with the attempt it made.
    entry.status = "queued";
    return saveEntry(entry).then(function () {
      if (answer.kind === "busy") { syncStatus(T.retry_after); return "stop"; }
      if (answer.kind === "unknown") { syncStatus(T.network_failed); return "stop"; }
      return askAgain(retried, entry);
    });
  }

  // 401, or a stale CSRF token: ask again who we are; with a fresh token, one more try.
  function askAgain(retried, entry) {
    return checkSession().then(handleSessionState).then(function (mayGoOn) {
      if (!mayGoOn || retried) return "stop";
      return send(entry, true);
    });
  }

  function sync() {
    if (!navigator.onLine) return Promise.resolve();
    if (state.syncing) { state.again = true; return Promise.resolve(); }
    state.syncing = true;
    state.again = false;
    clearTimeout(state.retryTimer);
    renderNet();
    var run = function () {
      return loadEntries().then(function () {
        var todo = pending();
        if (!todo.length) return null;
        return checkSession().then(function (session) {
          if (session.state === "unreachable") state.retryTimer = setTimeout(sync, RETRY_MS);
          return handleSessionState(session);
        }).then(function (mayGoOn) {
          if (!mayGoOn) return null;
          var sent = 0;
          var done = 0;
          var stopped = false;
          return todo.reduce(function (chain, entry) {
            return chain.then(function () {
              if (stopped) return null;
              done += 1;
              syncStatus(say("sending", { done: done, count: todo.length }));
              return send(entry).then(function (outcome) {
                if (outcome === "sent") sent += 1;
                if (outcome === "stop") stopped = true;
              });
            });
          }, Promise.resolve()).then(function () {
            if (!stopped && state.again) state.retryTimer = setTimeout(sync, 0);
            var left = pending().length + unsent().filter(function (e) { return e.status === "conflict"; }).length;
            if (!stopped) syncStatus(left ? say("sent_some", { sent: sent, left: left }) : T.sent_all);
            if (stopped) state.retryTimer = setTimeout(sync, RETRY_MS);
          });
        });
      });
    };
    var locked = navigator.locks ? navigator.locks.request("pkr-offline-sync", run) : run();
    return locked.catch(function () { syncStatus(T.network_failed); }).then(loadEntries).then(function () {
      state.syncing = false;
      // "Sent when there is signal" is no longer true of an entry the server refused: the notice says so instead.
      var conflicts = state.entries.filter(function (e) { return e.status === "conflict"; }).length;
      var box = document.getElementById("offline-notice");
      if (conflicts && !box.hidden && (box.textContent === T.saved || box.textContent === T.saved_edit)) {
        notice(say("conflicts_notice", { count: conflicts }), "danger", state.noticeKept);
      }
      renderAll();
      routeRefresh();
    });
  }

  // ------------------------------------------------------------------------------------------------ rendering

  function renderCarried() {
    var meta = state.meta;
    var text = T.carried_none;
    if (meta) {
      text = say("carried", { count: state.households.size, since: showDateTime(meta.generated_at),
        until: showDate(localDate(new Date(meta.expires_at))) });
      if (meta.scope && meta.scope.label) text += " (" + meta.scope.label + ")";
    }
    $("#carried-summary").textContent = text;
    $("#wipe-caseload").hidden = !meta;
    if (meta && meta.scope && !state.scopeShown) {
      state.scopeShown = true; // the choice made last time, until the person changes it
      var form = $("#take-form");
      form.elements.scope.value = meta.scope.mine ? "mine" : "kelurahan";
      if (meta.scope.kelurahan) form.elements.kelurahan.value = meta.scope.kelurahan;
    }
  }

  function entryItem(entry) {
    var item = make("li", "list-group-item queue-item status-" + entry.status);
    item.dataset.entry = entry.uuid;
    var head = make("div", "d-flex flex-wrap justify-content-between gap-2");
    var title = make("span", "fw-semibold", T["kind_" + entry.kind] + " · " + entry.household.head_name);
    var badge = make("span", "badge entry-badge entry-" + entry.status, T["status_" + entry.status]);
    head.append(title, badge);
    item.append(head);
    var line = entry.status === "sent" ? entry.sent.summary : summary(entry);
    item.append(make("div", "small text-truncate-2", line));
    var when = say("recorded_at", { when: showDateTime(entry.recorded_offline_at) });
    if (entry.status === "sent") when += " · " + say("sent_at", { when: showDateTime(entry.sent.at) });
    item.append(make("div", "small text-muted", when));
    if (entry.status === "conflict" && entry.problem) {
      item.append(make("div", "small text-danger fw-semibold", entry.problem.detail || ""));
    }
    var link = make("a", "btn btn-sm btn-outline-primary mt-1",
      entry.status === "sent" ? T.open_case_file : entry.status === "conflict" ? T.check : T.open_entry);
    link.href = entry.status === "sent" ? address("case_file", entry.household.id) : "#/entri/" + entry.uuid;
    item.append(link);
    return item;
  }

  function renderQueue() {
    var waiting = pending().length;
    var conflicts = state.entries.filter(function (e) { return e.status === "conflict"; }).length;
    var parts = [];
    if (waiting) parts.push(say("queue_pending", { count: waiting }));
    if (conflicts) parts.push(say("queue_conflicts", { count: conflicts }));
    $("#queue-summary").textContent = parts.length ? parts.join(" · ") : T.queue_empty;
    $("#queue-card").classList.toggle("has-unsent", Boolean(parts.length));
    var list = $("#queue-list");
    list.replaceChildren();
    var shown = state.entries.filter(function (e) { return e.status !== "sent"; })
      .concat(state.entries.filter(function (e) { return e.status === "sent"; }).slice(-10).reverse());
    shown.forEach(function (entry) { list.append(entryItem(entry)); });
    list.hidden = !shown.length;
  }

  function renderHouseholds() {
    var list = $("#household-list");
    var words = $("#household-search").value.trim().toLowerCase();
    list.replaceChildren();
    var counts = {};
    unsent().forEach(function (e) { counts[e.household.id] = (counts[e.household.id] || 0) + 1; });
    var shown = 0;
    Array.from(state.households.values()).sort(function (a, b) {
      return (a.head_name || "").localeCompare(b.head_name || "");
    }).forEach(function (household) {
      var text = [household.head_name, household.address, household.kelurahan].join(" ").toLowerCase();
      if (words && text.indexOf(words) === -1) return;
      shown += 1;
      var item = make("li", "list-group-item");
      var link = make("a", "household-link");
      link.href = "#/rumah/" + household.id;
      link.append(make("span", "fw-semibold d-block", household.head_name || "#" + household.id));
      link.append(make("span", "small text-muted d-block", [household.address, household.kelurahan].join(" · ")));
      item.append(link);
      var status = make("span", "badge status-" + household.status, household.status_label);
      item.append(status);
      if (counts[household.id]) {
        var here = say("pending_here", { count: counts[household.id] });
        item.append(make("span", "small ms-2 text-success-emphasis", here));
      }
      list.append(item);
    });
    if (!shown && state.households.size) list.append(make("li", "list-group-item text-muted", T.no_households));
    $("#households-section").hidden = !state.households.size;
  }

  function renderAll() {
    renderNet();
    renderCarried();
    renderQueue();
    renderHouseholds();
  }

  function fillList(list, rows, empty) {
    list.replaceChildren();
    if (!rows.length) { list.append(make("li", "list-group-item text-muted", empty)); return; }
    rows.forEach(function (row) {
      var item = make("li", "list-group-item");
      item.append(make("div", "", row[0]));
      if (row[1]) item.append(make("div", "small text-muted", row[1]));
      list.append(item);
    });
  }

  function renderHousehold(household) {
    $("#hh-title").textContent = household.head_name || "#" + household.id;
    $("#hh-meta").textContent = [household.address, household.kelurahan, household.no_kk ? "KK " + household.no_kk : "",
      household.status_label].filter(Boolean).join(" · ");
    $all("[data-form-link]").forEach(function (link) {
      link.href = "#/rumah/" + household.id + "/" + KIND_VIEW[link.dataset.formLink];
    });
    var mine = state.entries.filter(function (e) { return e.household.id === household.id; });
    $("#hh-entries-section").hidden = !mine.length;
    var entries = $("#hh-entries");
    entries.replaceChildren();
    mine.forEach(function (entry) { entries.append(entryItem(entry)); });
    var byId = {};
    (household.members || []).forEach(function (m) { byId[m.id] = m.full_name; });
    fillList($("#hh-members"), (household.members || []).map(function (m) {
      var age = ageOn(m.birth_date, today());
      return [m.full_name, [m.relation_label, m.sex, age === null ? "" : say("age_years", { age: age }),
        m.nik ? "NIK " + m.nik : ""].filter(Boolean).join(" · ")];
    }), T.no_members);
    fillList($("#hh-referrals"), (household.open_referrals || []).map(function (r) {
      return [r.need_label, [r.person ? byId[r.person] || "" : T.whole_household, r.opd, r.status_label || r.status]
        .filter(Boolean).join(" · ")];
    }), T.no_referrals);
    fillList($("#hh-interventions"), (household.interventions || []).map(function (iv) {
      return [iv.program_name, [iv.person ? byId[iv.person] || "" : T.whole_household, interventionStatus(iv.status),
        say("planned_on", { date: showDate(iv.planned_on) })].join(" · ")];
    }), T.no_interventions);
    fillList($("#hh-visits"), (household.last_visits || []).map(function (v) {
      return [showDate(v.visited_on) + " · " + (v.purpose_label || ""),
        [v.findings, v.caseworker].filter(Boolean).join(" — ")];
    }), T.no_visits);
  }

  // --------------------------------------------------------------------------------------------------- forms

  function dateBounds(form) {
    var now = today();
    var latest = new Date();
    latest.setFullYear(latest.getFullYear() + config.planning_years);
    $all("[data-happened]", form).forEach(function (input) { input.min = config.earliest; input.max = now; });
    $all("[data-planned]", form).forEach(function (input) {
      input.min = config.earliest;
      input.max = localDate(latest);
    });
  }

  function fillPurposes(select) {
    if (select.options.length > 1) return;
    config.purposes.forEach(function (pair) {
      var option = make("option", "", pair[1]);
      option.value = pair[0];
      select.append(option);
    });
  }

  function needRow(need, key, ticked) {
    var row = make("div", "need-row");
    row.dataset.needRow = "";
    var id = "need-" + key;
    var label = make("label", "need-check");
    label.htmlFor = id;
    var box = make("input", "form-check-input");
    box.type = "checkbox";
    box.id = id;
    box.name = "need";
    box.value = key;
    box.checked = Boolean(ticked);
    label.append(box, make("span", "", need.label));
    var noteBox = make("div", "need-note");
    var noteId = "note-" + key;
    var noteLabel = make("label", "visually-hidden", T.field_note + ": " + need.label);
    noteLabel.htmlFor = noteId;
    var note = make("input", "form-control form-control-sm");
    note.id = noteId;
    note.name = "note-" + key;
    note.maxLength = 300;
    note.placeholder = T.field_note;
    note.value = ticked ? ticked.note || "" : "";
    noteBox.append(noteLabel, note);
    noteBox.hidden = !box.checked;
    row.append(label, noteBox);
    return row;
  }

  // The checklist as the page's assessment form offers it: household needs once, then per member the needs of
  // their age on the assessment date (coordination.models.NEED_SCOPE).
  function renderNeeds(form, household, chosen) {
    var holder = $("[data-needs]", form);
    var on = form.elements.assessed_on.value || today();
    var ticked = {};
    (chosen || []).forEach(function (n) { ticked[n.need + ":" + (n.person || "")] = n; });
    holder.replaceChildren();
    var group = make("fieldset", "mb-3");
    group.append(make("legend", "h6", T.need_for_household));
    config.needs.filter(function (n) { return n.household; }).forEach(function (need) {
      group.append(needRow(need, need.code + ":", ticked[need.code + ":"]));
    });
    holder.append(group);
    (household.members || []).forEach(function (member) {
      var age = ageOn(member.birth_date, on);
      var fits = config.needs.filter(function (n) {
        if (n.household) return false;
        if (age === null) return true;
        return (n.min_age === null || age >= n.min_age) && (n.max_age === null || age <= n.max_age);
      });
      if (!fits.length) return;
      var fieldset = make("fieldset", "mb-3");
      var legend = member.full_name + (age === null ? "" : " · " + say("age_years", { age: age }));
      fieldset.append(make("legend", "h6", legend));
      fits.forEach(function (need) {
        fieldset.append(needRow(need, need.code + ":" + member.id, ticked[need.code + ":" + member.id]));
      });
      holder.append(fieldset);
    });
  }

  function readNeeds(form) {
    return $all("input[name=need]:checked", form).map(function (box) {
      var parts = box.value.split(":");
      var note = form.elements["note-" + box.value];
      return { need: parts[0], person: parts[1] ? Number(parts[1]) : null, note: note ? note.value.trim() : "" };
    });
  }

  function fillRecipients(form, household, chosen) {
    var select = $("[data-recipients]", form);
    var program = programs().filter(function (p) { return String(p.id) === form.elements.program.value; })[0];
    select.replaceChildren();
    if (!program || program.target === "household") {
      var whole = make("option", "", T.whole_household);
      whole.value = "";
      select.append(whole);
    }
    if (!program || program.target !== "household") {
      (household.members || []).forEach(function (m) {
        var option = make("option", "", m.full_name);
        option.value = String(m.id);
        select.append(option);
      });
    }
    if (chosen !== undefined && chosen !== null) select.value = String(chosen);
  }

  function renderDeliveryChoices(form, household, data) {
    var holder = $("[data-delivery-choices]", form);
    holder.replaceChildren();
    var open = (household.interventions || []).filter(function (iv) {
      return OPEN_STATUSES.indexOf(iv.status) !== -1;
    });
    var byId = {};
    (household.members || []).forEach(function (m) { byId[m.id] = m.full_name; });
    open.forEach(function (iv) {
      var row = make("div", "form-check");
      var radio = make("input", "form-check-input");
      radio.type = "radio";
      radio.name = "intervention";
      radio.id = "delivery-iv-" + iv.id;
      radio.value = String(iv.id);
      radio.required = true;
      var label = make("label", "form-check-label");
      label.htmlFor = radio.id;
      label.append(make("span", "d-block", iv.program_name));
      label.append(make("span", "d-block small text-muted", [iv.person ? byId[iv.person] || "" : T.whole_household,
        interventionStatus(iv.status), say("planned_on", { date: showDate(iv.planned_on) })].join(" · ")));
      row.append(radio, label);
      holder.append(row);
    });
    var select = $("[data-programs]", form);
    while (select.options.length > 1) select.remove(1);
    programs().forEach(function (program) {
      var option = make("option", "", program.name);
      option.value = String(program.id);
      select.append(option);
    });
    var choice = data ? (data.intervention ? String(data.intervention) : "new") : open.length ? "" : "new";
    $all("input[name=intervention]", form).forEach(function (radio) { radio.checked = radio.value === choice; });
    form.elements.program.value = data && data.program ? String(data.program) : "";
    fillRecipients(form, household, data ? data.person : undefined);
    showNewDelivery(form);
  }

  function showNewDelivery(form) {
    var chosen = $("input[name=intervention]:checked", form);
    var isNew = Boolean(chosen && chosen.value === "new");
    $("[data-new-delivery]", form).hidden = !isNew;
    form.elements.program.required = isNew;
  }

  // A message beside the field (the browser's own bubble vanishes, and is not read out on every phone).
  function fieldError(field, text, quiet) {
    var anchor = field.type === "radio" ? field.closest("fieldset") || field : field;
    var id = (field.type === "radio" ? "radio-" + field.name : field.id) + "-error";
    var box = document.getElementById(id);
    if (!text) {
      if (box) box.remove();
      field.classList.remove("is-invalid");
      if (field.getAttribute("aria-describedby") === id) field.removeAttribute("aria-describedby");
      return;
    }
    if (!box) {
      box = make("div", "invalid-feedback d-block field-error");
      box.id = id;
      box.dataset.fieldError = "";
      anchor.insertAdjacentElement(field.type === "radio" ? "beforeend" : "afterend", box);
    }
    box.textContent = text;
    field.classList.add("is-invalid");
    field.setAttribute("aria-describedby", id);
    if (!quiet) field.focus();
  }

  function clearFieldErrors(form) {
    $all("[data-field-error]", form).forEach(function (box) { box.remove(); });
    $all(".is-invalid", form).forEach(function (field) {
      field.classList.remove("is-invalid");
      field.removeAttribute("aria-describedby");
    });
  }

  function fieldInvalid(event) {
    var field = event.target;
    fieldError(field, field.validity.valueMissing ? T.required : field.validationMessage, true);
  }

  function fieldChanged(event) {
    var field = event.target;
    if (field.name && field.classList.contains("is-invalid") && field.checkValidity()) fieldError(field, "");
    if (field.type === "radio") {
      var box = document.getElementById("radio-" + field.name + "-error");
      if (box) box.remove();
    }
  }

  function formError(form, text) {
    var box = $("[data-form-error]", form);
    box.textContent = text || "";
    box.hidden = !text;
    if (text) {
      box.setAttribute("tabindex", "-1");
      box.focus();
    }
  }

  // Open a form for a household (new entry) or for an entry (edit).
  function openForm(kind, household, entry) {
    var view = app.querySelector('[data-view="' + kind + '"]');
    var form = $("form", view);
    form.reset();
    formError(form, "");
    clearFieldErrors(form);
    var title = $("h2", view);
    if (!title.dataset.newTitle) title.dataset.newTitle = title.textContent;
    title.textContent = entry && T[kind + "_edit_title"] ? T[kind + "_edit_title"] : title.dataset.newTitle;
    form.dataset.household = String(household.id);
    form.dataset.editing = entry ? entry.uuid : "";
    $("[data-form-household]", view).textContent =
      household.head_name + (household.kelurahan ? " · " + household.kelurahan : "");
    $("[data-back]", view).href = entry ? "#/entri/" + entry.uuid : "#/rumah/" + household.id;
    dateBounds(form);
    var d = entry ? entry.data : null;
    if (kind === "visit") {
      fillPurposes(form.elements.purpose);
      form.elements.visited_on.value = d ? d.visited_on : today();
      if (d) {
        form.elements.purpose.value = d.purpose;
        form.elements.findings.value = d.findings || "";
        form.elements.next_follow_up_on.value = d.next_follow_up_on || "";
      }
    } else if (kind === "note") {
      form.elements.date.value = d ? d.date : today();
      form.elements.note.value = d ? d.note : "";
    } else if (kind === "assessment") {
      form.elements.assessed_on.value = d ? d.assessed_on : today();
      renderNeeds(form, household, d ? d.needs : []);
    } else if (kind === "delivery") {
      form.elements.delivered_on.value = d ? d.delivered_on : today();
      form.elements.amount.value = d && d.amount !== null && d.amount !== undefined ? d.amount : "";
      form.elements.notes.value = d ? d.notes || "" : "";
      renderDeliveryChoices(form, household, d);
    }
  }

  // The household a form works on: from the caseload, or the entry's own copy when the caseload has gone.
  function formHousehold(form) {
    var id = Number(form.dataset.household);
    var editing = form.dataset.editing && entryByKey(form.dataset.editing);
    var carried = state.households.get(id);
    return carried ? snapshot(carried) : editing ? editing.household : null;
  }

  function readForm(kind, form, household) {
    var f = form.elements;
    if (kind === "visit") {
      return { visited_on: f.visited_on.value, purpose: f.purpose.value, findings: f.findings.value.trim(),
        next_follow_up_on: f.next_follow_up_on.value || null };
    }
    if (kind === "note") return { date: f.date.value, note: f.note.value.trim() };
    if (kind === "assessment") return { assessed_on: f.assessed_on.value, needs: readNeeds(form) };
    var chosen = $("input[name=intervention]:checked", form);
    var data = { delivered_on: f.delivered_on.value, amount: f.amount.value === "" ? null : Number(f.amount.value) };
    if (chosen && chosen.value !== "new") {
      var iv = household.interventions.filter(function (i) { return String(i.id) === chosen.value; })[0];
      data.intervention = iv.id;
      data.program = iv.program;
      data.program_name = iv.program_name;
      data.person = iv.person;
      data.base_version = iv.version;
    } else {
      data.intervention = null;
      data.program = f.program.value ? Number(f.program.value) : null;
      data.person = f.person.value ? Number(f.person.value) : null;
      data.notes = f.notes.value.trim();
    }
    return data;
  }

  function checkForm(kind, form, data) {
    if (kind === "note" && !data.note) return T.note_blank;
    if (kind === "visit" && data.next_follow_up_on && data.next_follow_up_on < data.visited_on) {
      return form.elements.next_follow_up_on.validationMessage || T.follow_up_before_visit;
    }
    if (kind === "assessment" && !data.needs.length) return T.tick_one;
    if (kind === "delivery" && !$("input[name=intervention]:checked", form)) return T.choose_intervention;
    if (kind === "delivery" && !data.intervention && !data.program) return T.choose_program;
    return "";
  }

  // This page's forms stay on the page and are used again: app.js's submit-once lock is for forms that leave it.
  function keepHere(event) {
    event.preventDefault();
    event.stopPropagation();
  }

  function submitForm(event) {
    keepHere(event);
    var form = event.target;
    var kind = form.dataset.kind;
    var household = formHousehold(form);
    if (!household) { notice(T.household_gone, "warning"); location.hash = "#/"; return; }
    var data = readForm(kind, form, household);
    var problem = checkForm(kind, form, data);
    if (problem) {
      if (kind === "note" && !data.note) { fieldError(form.elements.note, problem); return; }
      formError(form, problem);
      return;
    }
    var editing = form.dataset.editing ? entryByKey(form.dataset.editing) : null;
    var entry = editing || {
      uuid: newKey(),
      owner: config.user.id,
      kind: kind,
      recorded_offline_at: withOffset(new Date()),
      attempt: null
    };
    // Its earlier version landed on the server already: this one is a new record, under a key of its own.
    if (editing && editing.problem && editing.problem.landed) entry.uuid = newKey();
    entry.household = household;
    entry.data = data;
    // The version it changes: the one read into the phone (or, once the person chose to send on the server's
    // newer one, that one) — for the same intervention.
    var sameTarget = editing && editing.base && editing.base.intervention === data.intervention;
    entry.base = kind === "delivery" && data.intervention
      ? { intervention: data.intervention, version: sameTarget ? editing.base.version : data.base_version }
      : null;
    entry.status = "queued";
    entry.problem = null;
    entry.server = null;
    entry.edited_at = editing ? withOffset(new Date()) : null;
    saveEntry(entry).then(loadEntries).then(function () {
      renderAll();
      location.hash = "#/rumah/" + household.id;
      notice(editing ? T.saved_edit : T.saved, "success", true);
      if (navigator.onLine) sync();
    }).catch(function (error) {
      formError(form, String(error));
    });
  }

  // --------------------------------------------------------------------------------------------- one entry

  function renderEntry(entry) {
    $("#entry-title").textContent = T["kind_" + entry.kind] + " · " + entry.household.head_name;
    var stateLine = $("#entry-state");
    stateLine.replaceChildren();
    stateLine.append(make("span", "badge entry-badge entry-" + entry.status, T["status_" + entry.status]), " ",
      make("span", "small text-muted", say("recorded_at", { when: showDateTime(entry.recorded_offline_at) })));
    var problem = entry.status === "conflict" ? entry.problem : null;
    var box = $("#entry-problem");
    box.hidden = !problem;
    var errors = $("[data-problem-errors]", box);
    errors.replaceChildren();
    var open = entry.status !== "sent";
    var stale = problem && problem.status === 409;
    var serverOpen = stale && entry.server && OPEN_STATUSES.indexOf(entry.server.status) !== -1;
    var closed = stale && entry.kind === "delivery" && entry.server && !serverOpen;
    if (problem) {
      $("[data-problem-detail]", box).textContent = closed ? closedText(entry.server)
        : stale ? cutAdvice(problem.detail || "") + " " + (serverOpen ? T.conflict_stale : T.conflict_no_resend)
        : problem.detail || problem.title || "";
      Object.keys(problem.errors || {}).forEach(function (field) {
        (problem.errors[field] || []).forEach(function (message) { errors.append(make("li", "", message)); });
      });
    }
    errors.hidden = !errors.children.length;
    renderCompare(entry);
    var fields = $("#entry-fields");
    fields.replaceChildren();
    fields.hidden = !$("#entry-compare").hidden; // the side-by-side view shows them already
    if (entry.status === "sent") {
      fields.append(make("dt", "", T.field_note), make("dd", "", entry.sent.summary));
    } else {
      phoneFields(entry).forEach(function (row) { fields.append(make("dt", "", row[0]), make("dd", "", row[1])); });
    }
    var duplicate = problem && problem.status === 400 && entry.kind === "delivery" && !entry.data.intervention &&
      !entry.data.confirm_duplicate && problem.errors && problem.errors.non_field_errors;
    action("resend").hidden = !serverOpen;
    action("confirm-duplicate").hidden = !duplicate;
    action("as-new").hidden = !(problem && problem.landed);
    action("as-delivery").hidden = !closed;
    action("edit").hidden = !open || closed; // an edit would meet the same closed record
    action("edit").href = "#/entri/" + entry.uuid + "/ubah";
    action("discard").hidden = !open;
    action("case-file").hidden = open;
    action("case-file").href = address("case_file", entry.household.id);
    $("#discard-confirm").hidden = true;
    $("#entry-actions").dataset.entry = entry.uuid;
  }

  // The server's record is closed (cancelled, or delivered by someone else): said plainly, with when.
  function closedText(server) {
    var when = showDateTime(server.status_changed_at || server.updated_at);
    var said = say(server.status === "cancelled" ? "closed_cancelled" : "closed_delivered", { when: when });
    return said + (server.cancel_reason ? " " + T.field_cancel_reason + ": " + server.cancel_reason + "." : "") +
      " " + T.closed_choice;
  }

  function action(name) { return $('[data-entry-action="' + name + '"]'); }

  function renderCompare(entry) {
    var holder = $("#entry-compare");
    var problem = entry.status === "conflict" ? entry.problem : null;
    var show = Boolean(problem && (problem.status === 409 || problem.landed));
    holder.hidden = !show;
    if (!show) return;
    $("[data-side-phone]", holder).textContent = T.side_phone;
    $("[data-side-server]", holder).textContent = T.side_server;
    var body = $("tbody", holder);
    body.replaceChildren();
    var phone = phoneFields(entry);
    var server = serverFields(entry, entry.server);
    if (!server) {
      var row = make("tr");
      row.append(make("td", "", "—"), make("td", "", ""), make("td", "", T.server_unreadable));
      body.append(row);
      return;
    }
    var serverByLabel = {};
    server.forEach(function (pair) { serverByLabel[pair[0]] = pair[1]; });
    var labels = phone.map(function (pair) { return pair[0]; });
    server.forEach(function (pair) { if (labels.indexOf(pair[0]) === -1) labels.push(pair[0]); });
    var phoneByLabel = {};
    phone.forEach(function (pair) { phoneByLabel[pair[0]] = pair[1]; });
    labels.forEach(function (label) {
      var a = phoneByLabel[label] === undefined ? "—" : phoneByLabel[label];
      var b = serverByLabel[label] === undefined ? "—" : serverByLabel[label];
      var tr = make("tr", a !== b ? "differs" : "");
      tr.append(make("th", "", label), make("td", "", a), make("td", "", b));
      tr.firstChild.scope = "row";
      body.append(tr);
    });
  }

  function entryAction(event) {
    var button = event.target.closest("[data-entry-action], [data-discard]");
    if (!button || button.tagName === "A") return;
    var entry = entryByKey($("#entry-actions").dataset.entry);
    if (!entry) return;
    var name = button.dataset.entryAction;
    if (name === "discard") {
      $("#discard-confirm").hidden = false;
      $('[data-discard="no"]').focus();
      return;
    }
    if (button.dataset.discard === "no") {
      $("#discard-confirm").hidden = true;
      action("discard").focus();
      return;
    }
    if (button.dataset.discard === "yes") {
      store.remove("queue", entry.seq).then(loadEntries).then(function () {
        renderAll();
        location.hash = "#/rumah/" + entry.household.id;
        notice(T.discarded, "info", true);
      });
      return;
    }
    if (name === "resend") {
      entry.base.version = entry.server.version; // the person decided, having seen the server's version
    } else if (name === "confirm-duplicate") {
      entry.data.confirm_duplicate = true;
    } else if (name === "as-delivery") {
      // A new one-step delivery of the same programme for the same recipient, under a key of its own.
      entry.data.intervention = null;
      entry.data.base_version = null;
      entry.base = null;
      entry.uuid = newKey();
      history.replaceState(null, "", "#/entri/" + entry.uuid);
      current.key = location.hash;
    } else if (name === "as-new") {
      entry.uuid = newKey();
      history.replaceState(null, "", "#/entri/" + entry.uuid);
      current.key = location.hash;
    }
    entry.status = "queued";
    entry.problem = null;
    entry.server = null;
    entry.attempt = null;
    saveEntry(entry).then(loadEntries).then(function () {
      renderAll();
      renderEntry(entry);
      return sync();
    });
  }

  // --------------------------------------------------------------------------------------------------- routes

  var current = { view: null, key: null };

  function show(view, heading) {
    $all("[data-view]").forEach(function (section) { section.hidden = section.dataset.view !== view; });
    var changed = current.view !== view || current.key !== location.hash;
    current.view = view;
    current.key = location.hash;
    if (changed && heading) {
      var target = $(heading);
      if (target) target.focus({ preventScroll: false });
      window.scrollTo(0, 0);
    }
  }

  function route() {
    if (!state.noticeKept) notice("");
    state.noticeKept = false;
    var parts = location.hash.replace(/^#\/?/, "").split("/").filter(Boolean);
    if (parts[0] === "rumah" && parts[1]) {
      var household = state.households.get(Number(parts[1]));
      if (!household) { notice(T.household_gone, "warning", true); location.hash = "#/"; return; }
      if (parts[2] && VIEW_KIND[parts[2]]) {
        var kind = VIEW_KIND[parts[2]];
        openForm(kind, snapshot(household));
        show(kind, "#" + kind + "-title");
        return;
      }
      renderHousehold(household);
      show("household", "#hh-title");
      return;
    }
    if (parts[0] === "entri" && parts[1]) {
      var entry = entryByKey(parts[1]);
      if (!entry) { notice(T.entry_gone, "warning", true); location.hash = "#/"; return; }
      if (parts[2] === "ubah" && entry.status !== "sent") {
        openForm(entry.kind, entry.household, entry);
        show(entry.kind, "#" + entry.kind + "-title");
        return;
      }
      renderEntry(entry);
      show("entry", "#entry-title");
      return;
    }
    renderAll();
    show("home", current.view && current.view !== "home" ? "#offline-title" : null);
  }

  // After sending: the page on screen shows the new states (a form being filled is left alone).
  function routeRefresh() {
    var parts = location.hash.replace(/^#\/?/, "").split("/").filter(Boolean);
    if (current.view === "entry") {
      var entry = entryByKey(parts[1]);
      if (entry) renderEntry(entry);
    } else if (current.view === "household") {
      var household = state.households.get(Number(parts[1]));
      if (household) renderHousehold(household);
    }
  }

  // ---------------------------------------------------------------------------------------------------- start

  function start() {
    // Without signal the service worker answers any page with this one: say so, and show its own address.
    var page = app.dataset.page;
    if (location.pathname !== page) history.replaceState(null, "", page + location.hash);
    $("#take-form").addEventListener("submit", takeCaseload);
    $("#take-kelurahan").addEventListener("change", function () { $("#scope-kelurahan").checked = true; });
    $("#household-search").addEventListener("input", renderHouseholds);
    $("#sync-now").addEventListener("click", function () { sync(); });
    $("#wipe-caseload").addEventListener("click", function () {
      if (!window.confirm(T.wipe_caseload_confirm)) return;
      dropCaseload().then(function () { renderAll(); notice(T.wiped_caseload, "info"); });
    });
    $all("form.offline-form").forEach(function (form) {
      form.addEventListener("submit", submitForm);
      form.addEventListener("invalid", fieldInvalid, true);
      form.addEventListener("input", fieldChanged);
      form.addEventListener("change", fieldChanged);
    });
    var assessment = document.getElementById("form-assessment");
    assessment.addEventListener("change", function (event) {
      if (event.target.name === "assessed_on") {
        renderNeeds(assessment, formHousehold(assessment), readNeeds(assessment));
      } else if (event.target.name === "need") {
        event.target.closest("[data-need-row]").querySelector(".need-note").hidden = !event.target.checked;
      }
    });
    var delivery = document.getElementById("form-delivery");
    delivery.addEventListener("change", function (event) {
      if (event.target.name === "intervention") showNewDelivery(delivery);
      if (event.target.name === "program") fillRecipients(delivery, formHousehold(delivery));
    });
    var visit = document.getElementById("form-visit");
    visit.elements.visited_on.addEventListener("change", function () {
      visit.elements.next_follow_up_on.min = visit.elements.visited_on.value || config.earliest;
    });
    app.addEventListener("click", entryAction);
    window.addEventListener("hashchange", route);
    window.addEventListener("online", function () { renderNet(); sync(); });
    window.addEventListener("offline", renderNet);
    setInterval(function () { expire().then(renderAll); }, 60 * 1000);
    store.register();
    loadAll().then(checkOwner).then(expire).then(function () {
      route();
      renderAll();
      app.dataset.ready = "yes";
      if (!navigator.onLine) return null;
      var stored = state.meta ? store.pageStored(app.dataset.page).then(function (found) {
        return found ? null : keepPage();
      }) : Promise.resolve();
      return stored.then(function () { return pending().length ? sync() : null; });
    }).catch(function (error) {
      notice(String(error), "danger");
    });
  }

  start();
})();
