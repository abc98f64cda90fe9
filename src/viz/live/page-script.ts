/**
 * The live page's script (plain browser JavaScript, no dependency): follows the server-sent events,
 * highlights the active states and the transition just taken, fills the timeline, and on a selected
 * event shows the state and context right after it (time travel, rebuilt by the server from the log).
 * The keyboard steps through the events (arrow keys, j/k, Home/End; Escape goes back to live). The
 * summary and progress panels are `page-panels.ts`. Tested in headless Chromium by `test/viz/live-page*.test.ts`.
 */
import { panelsScript } from "./page-panels.js";

export const pageScript = `
"use strict";
${panelsScript}
(function () {
  var config = JSON.parse(document.getElementById("config").textContent);
  var rows = new Map();
  var live = true;
  var latest = null;
  var selected = null;
  var tbody = document.getElementById("timeline");

  // In the dashboard's tab: a short-lived read-only capability, renewed by the event stream.
  var cap = config.cap;

  function url(path, params) {
    var query = new URLSearchParams(params || {});
    if (config.token) query.set("token", config.token);
    if (cap) query.set("cap", cap);
    var text = query.toString();
    return config.base + path + (text ? "?" + text : "");
  }

  // Without a token or capability the gateway authenticates: in its dashboard's sandboxed frame that is a
  // cookie grant, sent on these (cross-origin, from the opaque frame) requests only when asked to.
  var credentials = config.token || cap ? "same-origin" : "include";

  function getJson(path, params) {
    return fetch(url(path, params), { cache: "no-store", credentials: credentials }).then(function (res) {
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
    var pad = function (n) { return String(n).padStart(2, "0"); };
    return pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
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
    cell(tr, "took", "");
    cell(tr, "error", entry.error || "");
    tr.title = entry.at;
    tr.tabIndex = -1;
    tr.addEventListener("click", function () { travelTo(entry.seq); });
    rows.set(entry.seq, { entry: entry, row: tr });
    updateTook(entry.seq);
    updateTook(entry.seq - 1);
    var next = null;
    tbody.querySelectorAll("tr").forEach(function (other) {
      if (next === null && Number(other.dataset.seq) < entry.seq) next = other;
    });
    tbody.insertBefore(tr, next);
  }

  // "took": how long the state this event led to lasted, up to the next event (the newest: so far).
  function updateTook(seq) {
    var found = rows.get(seq);
    if (!found) return;
    var next = rows.get(seq + 1);
    var td = found.row.querySelector("td.took");
    var start = Date.parse(found.entry.at);
    if (next) td.textContent = duration(Date.parse(next.entry.at) - start);
    else td.textContent = duration(Math.max(0, Date.now() - start)) + " so far";
    td.classList.toggle("ongoing", !next);
  }
  setInterval(function () {
    var newest = tbody.querySelector("tr");
    if (newest) updateTook(Number(newest.dataset.seq));
  }, 1000);

  function showError(entry) {
    var box = document.getElementById("event-error");
    box.hidden = !(entry && entry.error);
    box.textContent = entry && entry.error ? "#" + entry.seq + " " + entry.event.type + ": " + entry.error : "";
  }

  var travelling = 0;
  function travelTo(seq) {
    // The selection moves at once (keys step from it); the state after it arrives from the server.
    if (selected) {
      selected.classList.remove("selected");
      selected.removeAttribute("aria-selected");
    }
    var found = rows.get(seq);
    selected = found ? found.row : null;
    if (selected) {
      selected.classList.add("selected");
      selected.setAttribute("aria-selected", "true");
    }
    live = false;
    var ticket = ++travelling;
    getJson("/api/state", { seq: String(seq) }).then(function (snapshot) {
      if (ticket !== travelling || live) return;
      showError(found ? found.entry : null);
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
    if (selected) {
      selected.classList.remove("selected");
      selected.removeAttribute("aria-selected");
    }
    selected = null;
    showError(latest ? latest.entry : null);
    document.getElementById("travel").hidden = true;
    setConnection("live", "live");
    if (latest) show(latest.snapshot, latest.entry);
  }
  document.getElementById("back-to-live").addEventListener("click", backToLive);

  // Keyboard: step through the events (down/j: older, up/k: newer, Home/End), Escape: back to live.
  function step(key) {
    var all = Array.prototype.slice.call(tbody.querySelectorAll("tr"));
    if (all.length === 0) return;
    var at = selected ? all.indexOf(selected) : -1;
    var to = at;
    if (key === "ArrowDown" || key === "j") to = at === -1 ? 0 : Math.min(all.length - 1, at + 1);
    else if (key === "ArrowUp" || key === "k") to = at === -1 ? 0 : Math.max(0, at - 1);
    else if (key === "Home") to = 0;
    else if (key === "End") to = all.length - 1;
    var row = all[to];
    if (!row || (row === selected && at !== -1)) return;
    row.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
    travelTo(Number(row.dataset.seq));
  }
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var tag = event.target && event.target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") return;
    if (event.key === "Escape") {
      if (!live) { event.preventDefault(); backToLive(); }
      return;
    }
    if (["ArrowDown", "ArrowUp", "j", "k", "Home", "End"].indexOf(event.key) === -1) return;
    if (tag === "SUMMARY" || (event.target && event.target.closest && event.target.closest("#context-box"))) return;
    event.preventDefault();
    step(event.key);
  });

  function loadHistory() {
    return getJson("/api/history", { limit: "500" }).then(function (entries) {
      entries.forEach(addEntry);
    });
  }

  var blocked = document.getElementById("blocked");
  var events = null;
  var retryMs = 1000;
  function connect() {
    events = new EventSource(url("/events"), { withCredentials: credentials === "include" });
    events.addEventListener("open", function () { retryMs = 1000; });
    events.addEventListener("capability", function (message) {
      cap = JSON.parse(message.data).cap;
    });
    events.addEventListener("snapshot", function (message) {
      var snapshot = JSON.parse(message.data);
      blocked.hidden = true;
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
      if (live) {
        show(update.snapshot, update.entry);
        showError(update.entry);
      }
    });
    events.addEventListener("summary", function (message) {
      panels.summary(JSON.parse(message.data), latest ? latest.snapshot.state : "");
    });
    events.addEventListener("progress", function (message) {
      panels.progress(JSON.parse(message.data));
    });
    events.addEventListener("error", cap ? retry : function () {
      // In the dashboard's frame, a stream that never opened was refused (no cookie sent): the browser
      // closes it for good, so say why rather than "reconnecting" forever.
      var closed = events.readyState === EventSource.CLOSED;
      if (config.embedded && latest === null) blocked.hidden = false;
      if (live) setConnection(closed ? "no live data" : "reconnecting", "down");
    });
  }

  // With a capability the browser's own retry would present the old one: reconnect here with the newest,
  // after asking whether it is still good (a refusal means it expired or the plugin restarted).
  // A page that was live reloads itself for a fresh one: the frame's own navigation carries the gateway's
  // grant as its first load did. A page refused before it was ever live says so instead (no reload loop).
  function retry() {
    events.close();
    if (live) setConnection("reconnecting", "down");
    var wait = retryMs;
    retryMs = Math.min(retryMs * 2, 30000);
    setTimeout(function () {
      fetch(url("/api/snapshot"), { cache: "no-store", credentials: credentials }).then(function (res) {
        if (res.status !== 401) return connect();
        if (latest !== null) return location.reload();
        blocked.hidden = false;
        setConnection("no live data", "down");
      }, retry);
    }, wait);
  }
  connect();
})();
`;
