/**
 * The live page's script (plain browser JavaScript, no dependency): follows the server-sent events,
 * highlights the active states and the transition just taken, fills the timeline, and on a selected
 * event shows the state and context right after it (time travel, rebuilt by the server from the log).
 * Tested in headless Chromium by `test/viz/live-page.test.ts`.
 */
export const pageScript = `
"use strict";
(function () {
  var config = JSON.parse(document.getElementById("config").textContent);
  var rows = new Map();
  var live = true;
  var latest = null;
  var selected = null;
  var tbody = document.getElementById("timeline");

  function url(path, params) {
    var query = new URLSearchParams(params || {});
    if (config.token) query.set("token", config.token);
    var text = query.toString();
    return config.base + path + (text ? "?" + text : "");
  }

  function getJson(path, params) {
    return fetch(url(path, params), { cache: "no-store" }).then(function (res) {
      return res.json().then(function (body) {
        if (!res.ok) throw new Error(body.error || res.statusText);
        return body;
      });
    });
  }

  function duration(ms) {
    if (ms === null || ms === undefined) return "";
    if (ms < 1000) return ms + " ms";
    if (ms < 60000) return (ms / 1000).toFixed(1) + " s";
    return Math.floor(ms / 60000) + " min " + Math.round((ms % 60000) / 1000) + " s";
  }

  function clock(iso) {
    var d = new Date(iso);
    var pad = function (n, w) { return String(n).padStart(w || 2, "0"); };
    return pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds()) + "." + pad(d.getMilliseconds(), 3);
  }

  function setConnection(text, kind) {
    var pill = document.getElementById("connection");
    pill.textContent = text;
    pill.className = "pill " + (kind || "");
  }

  function highlight(activeIds, entry) {
    document.querySelectorAll(".state.active, .transition.taken").forEach(function (el) {
      el.classList.remove("active", "taken");
    });
    activeIds.forEach(function (id) {
      var el = document.getElementById("state:" + id);
      if (el) el.classList.add("active");
    });
    if (!entry) return;
    var before = rows.get(entry.seq - 1);
    var wasIn = before ? before.entry.activeIds : [];
    config.transitions.forEach(function (t) {
      if (t.eventType !== entry.event.type) return;
      if (activeIds.indexOf(t.target) === -1 || wasIn.indexOf(t.source) === -1) return;
      var el = document.getElementById(t.id);
      if (el) el.classList.add("taken");
    });
  }

  function show(snapshot, entry) {
    document.getElementById("current-state").textContent = snapshot.state;
    document.getElementById("state-seq").textContent = snapshot.seq ? "after #" + snapshot.seq : "(no event yet)";
    document.getElementById("context").textContent = JSON.stringify(snapshot.context, null, 2);
    highlight(snapshot.activeIds, entry);
    // For tools and tests following the page: every state it shows, in order.
    document.dispatchEvent(new CustomEvent("workspace-sync:shown", {
      detail: { state: snapshot.state, seq: snapshot.seq, live: live },
    }));
  }

  function cell(row, cls, text) {
    var td = document.createElement("td");
    td.className = cls;
    td.textContent = text;
    row.appendChild(td);
  }

  function addEntry(entry) {
    if (rows.has(entry.seq)) return;
    var tr = document.createElement("tr");
    tr.dataset.seq = String(entry.seq);
    if (entry.error) tr.classList.add("failed");
    cell(tr, "num", "#" + entry.seq);
    cell(tr, "time", clock(entry.at));
    cell(tr, "event", entry.event.type);
    cell(tr, "state", entry.state);
    cell(tr, "took", duration(entry.durationMs));
    cell(tr, "error", entry.error || "");
    tr.title = entry.at;
    tr.addEventListener("click", function () { travelTo(entry.seq); });
    rows.set(entry.seq, { entry: entry, row: tr });
    var next = null;
    tbody.querySelectorAll("tr").forEach(function (other) {
      if (next === null && Number(other.dataset.seq) < entry.seq) next = other;
    });
    tbody.insertBefore(tr, next);
  }

  function travelTo(seq) {
    getJson("/api/state", { seq: String(seq) }).then(function (snapshot) {
      live = false;
      if (selected) selected.classList.remove("selected");
      var found = rows.get(seq);
      selected = found ? found.row : null;
      if (selected) selected.classList.add("selected");
      document.getElementById("travel").hidden = false;
      document.getElementById("travel-label").textContent =
        "#" + seq + (found ? " " + found.entry.event.type + " (" + found.entry.at + ")" : "");
      setConnection("time travel", "travel");
      show(snapshot, found ? found.entry : null);
    }).catch(function (error) {
      document.getElementById("travel").hidden = false;
      document.getElementById("travel-label").textContent = "#" + seq + ": " + error.message;
    });
  }

  function backToLive() {
    live = true;
    if (selected) selected.classList.remove("selected");
    selected = null;
    document.getElementById("travel").hidden = true;
    setConnection("live", "live");
    if (latest) show(latest.snapshot, latest.entry);
  }
  document.getElementById("back-to-live").addEventListener("click", backToLive);

  function loadHistory() {
    return getJson("/api/history", { limit: "500" }).then(function (entries) {
      entries.forEach(addEntry);
    });
  }

  var events = new EventSource(url("/events"));
  events.addEventListener("snapshot", function (message) {
    var snapshot = JSON.parse(message.data);
    latest = { snapshot: snapshot, entry: null };
    if (live) {
      setConnection("live", "live");
      show(snapshot, null);
    }
    loadHistory();
  });
  events.addEventListener("entry", function (message) {
    var update = JSON.parse(message.data);
    addEntry(update.entry);
    if (latest && latest.snapshot.seq >= update.snapshot.seq) return;
    latest = { snapshot: update.snapshot, entry: update.entry };
    if (live) show(update.snapshot, update.entry);
  });
  events.addEventListener("error", function () {
    if (live) setConnection("reconnecting", "down");
  });
})();
`;
