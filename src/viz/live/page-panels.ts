/**
 * The live page's two panels above the chart, as plain browser JavaScript: the plain summary (now, last
 * sync, next run, what is wrong and the fix) and the transfer progress of a running cycle (bytes, files,
 * speed, ETA, the files being transferred). It defines `panels`, used by `page-script.ts`.
 */
export const panelsScript = `
var panels = (function () {
  function text(id, value) {
    var el = document.getElementById(id);
    if (el) el.textContent = value;
  }

  function bytes(n) {
    var units = ["B", "KiB", "MiB", "GiB", "TiB"];
    var value = n;
    var unit = 0;
    while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
    return unit === 0 ? n + " B" : value.toFixed(1) + " " + units[unit];
  }

  function seconds(s) {
    if (s === null || s === undefined) return "";
    if (s < 10) return s.toFixed(1) + " s";
    if (s < 60) return Math.round(s) + " s";
    if (s < 3600) return Math.floor(s / 60) + " min " + Math.round(s % 60) + " s";
    return Math.floor(s / 3600) + " h " + Math.round((s % 3600) / 60) + " min";
  }

  function ago(iso) {
    var s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
    return s < 5 ? "just now" : seconds(s) + " ago";
  }

  function when(iso) {
    var d = new Date(iso);
    return d.toLocaleDateString() + " " + d.toLocaleTimeString();
  }

  function nowInWords(state) {
    if (state.indexOf("running") === 0) return "syncing (" + state.split(".").slice(1).join(".") + ")";
    if (state === "idle") return "waiting for the next sync";
    if (state === "failed") return "the last sync failed";
    if (state === "halted") return "halted: a guard stopped a sync";
    if (state === "needsResync") return "needs a resync";
    return state;
  }

  var last = null;
  function summary(s, state) {
    last = s;
    var box = document.getElementById("summary");
    if (!box) return;
    box.hidden = false;
    text("sum-now", nowInWords(state));
    text("sum-last", s.lastSync && s.lastSync.at
      ? when(s.lastSync.at) + " (" + ago(s.lastSync.at) + "), took " + seconds(s.lastSync.tookMs / 1000)
      : "never");
    text("sum-next", s.nextRun.at ? when(s.nextRun.at) + " (" + s.nextRun.text + ")" : s.nextRun.text);
    var problem = document.getElementById("sum-problem-box");
    problem.classList.toggle("bad", s.problem !== null);
    text("sum-problem", s.problem ? s.problem.what : "Nothing is wrong.");
    text("sum-fix", s.problem && s.problem.fix ? "Fix: " + s.problem.fix : "");
    if (!s.busy) hideProgress();
  }

  function hideProgress() {
    var box = document.getElementById("progress");
    if (box) box.hidden = true;
  }

  function progress(p) {
    if (last && !last.busy) return;
    var st = p.stats;
    var box = document.getElementById("progress");
    box.hidden = false;
    var pct = st.totalBytes > 0 ? Math.min(100, (100 * st.bytes) / st.totalBytes) : null;
    // rclone's run-wide speed and ETA can read 0 and unknown early in a run: then the files' own.
    var speed = st.speed > 0 ? st.speed : st.transferring.reduce(function (sum, f) { return sum + (f.speed || 0); }, 0);
    var eta = st.etaSeconds !== null ? st.etaSeconds
      : speed > 0 && st.totalBytes > 0 ? Math.max(0, st.totalBytes - st.bytes) / speed : null;
    document.getElementById("progress-bar").style.width = (pct === null ? 0 : pct) + "%";
    document.getElementById("progress-meter").setAttribute("aria-valuenow", pct === null ? "0" : pct.toFixed(0));
    text("progress-bytes", bytes(st.bytes) + (st.totalBytes > 0 ? " / " + bytes(st.totalBytes) + " (" + pct.toFixed(0) + "%)" : ""));
    text("progress-files", st.transfers + (st.totalTransfers > 0 ? " / " + st.totalTransfers : "") + " files");
    text("progress-speed", bytes(Math.round(speed)) + "/s");
    text("progress-eta", eta === null ? "ETA unknown" : "ETA " + seconds(eta));
    var list = document.getElementById("progress-current");
    list.textContent = "";
    st.transferring.forEach(function (f) {
      var li = document.createElement("li");
      var name = document.createElement("span");
      name.className = "file";
      name.textContent = f.name;
      var how = document.createElement("span");
      how.className = "muted";
      how.textContent = " " + f.percentage + "% of " + bytes(f.size) + ", " + bytes(f.speed) + "/s";
      li.appendChild(name);
      li.appendChild(how);
      list.appendChild(li);
    });
  }

  return { summary: summary, progress: progress, hideProgress: hideProgress, seconds: seconds };
})();
`;
