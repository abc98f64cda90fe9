/** The live page's stylesheet: two columns from 1300 px, one below; nothing wider than the window from 800 px. */
export const pageStyle = `
:root { color-scheme: light; --ink: #0f172a; --muted: #64748b; --line: #e2e8f0; --hot: #b45309; --hot-bg: #fde68a; --bad: #991b1b; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, sans-serif; color: var(--ink); background: #f8fafc; overflow-wrap: anywhere; }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 12px; padding: 8px 16px; background: #fff; border-bottom: 1px solid var(--line); }
h1 { font-size: 16px; margin: 0; min-width: 0; }
h2 { font-size: 13px; margin: 0 0 6px; }
.muted { color: var(--muted); font-weight: normal; }
.pill { border-radius: 999px; padding: 2px 10px; background: #e2e8f0; font-size: 12px; }
.pill.live { background: #dcfce7; color: #166534; }
.pill.down { background: #fee2e2; color: var(--bad); }
.pill.travel { background: #ede9fe; color: #5b21b6; }
.blocked { margin: 0; padding: 8px 16px; background: #fef2f2; border-bottom: 1px solid #fecaca; color: var(--bad); }
.blocked[hidden] { display: none; }
.summary { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 8px 16px; padding: 10px 16px; background: #fff; border-bottom: 1px solid var(--line); }
.summary[hidden], .progress[hidden], #travel[hidden], .event-error[hidden] { display: none; }
.fact { display: flex; flex-direction: column; min-width: 0; }
.fact .label { font-size: 11px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.fact.problem { grid-column: 1 / -1; }
.fact.problem.bad { background: #fef2f2; border-left: 4px solid #dc2626; padding: 4px 8px; color: var(--bad); }
.fix { display: block; color: var(--ink); font-weight: 600; }
.progress { padding: 8px 16px; background: #fffbeb; border-bottom: 1px solid #fcd34d; }
.meter { height: 10px; background: #fde68a; border-radius: 5px; overflow: hidden; }
#progress-bar { height: 100%; width: 0; background: var(--hot); transition: width .5s; }
.progress-line { display: flex; flex-wrap: wrap; gap: 4px 16px; margin-top: 4px; font-variant-numeric: tabular-nums; font-weight: 600; }
#progress-current { margin: 4px 0 0; padding-left: 18px; font-size: 13px; }
#progress-current .file { font-family: ui-monospace, monospace; }
#travel { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: center; padding: 6px 16px; background: #ede9fe; color: #4c1d95; }
button { font: inherit; padding: 2px 10px; border: 1px solid #7c3aed; background: #fff; color: #5b21b6; border-radius: 4px; cursor: pointer; }
main { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 12px; padding: 12px; height: calc(100vh - 50px); min-height: 480px; }
#chart { background: #fff; border: 1px solid var(--line); border-radius: 6px; overflow: auto; padding: 8px; min-width: 0; }
#chart svg { max-width: 100%; height: auto; }
aside { display: flex; flex-direction: column; gap: 12px; min-height: 0; min-width: 0; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px; min-width: 0; }
.state-name { font: 600 18px/1.3 ui-monospace, monospace; color: var(--hot); }
.event-error { margin: 6px 0 0; padding: 6px 8px; background: #fef2f2; border-left: 4px solid #dc2626; color: var(--bad); white-space: pre-wrap; }
pre { max-height: 30vh; overflow: auto; background: #f1f5f9; padding: 8px; font-size: 12px; margin: 6px 0 0; white-space: pre-wrap; }
.timeline { flex: 1; min-height: 0; overflow: auto; }
table { width: 100%; border-collapse: collapse; font-size: 13px; }
th, td { text-align: left; padding: 3px 6px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { position: sticky; top: 0; background: #fff; }
tbody tr { cursor: pointer; }
tbody tr:hover { background: #f1f5f9; }
tbody tr.selected { background: #ede9fe; }
tbody tr:focus { outline: 2px solid #7c3aed; outline-offset: -2px; }
tbody tr.failed td.error { color: var(--bad); }
td.error { min-width: 8em; white-space: pre-wrap; }
td.num, td.took, td.time { white-space: nowrap; color: var(--muted); }
td.took.ongoing { font-style: italic; }
td.event, td.state { font-family: ui-monospace, monospace; white-space: nowrap; overflow-wrap: normal; }
.state.active > path, .state.active > polygon { fill: var(--hot-bg); stroke: var(--hot); stroke-width: 2.5; }
.cluster.state.active > path, .cluster.state.active > polygon { fill: #fffbeb; }
.transition.taken > path { stroke: var(--hot); stroke-width: 2.5; }
.transition.taken > polygon { fill: var(--hot); stroke: var(--hot); }
.transition.taken > text { fill: var(--hot); font-weight: bold; }
@media (max-width: 1299px) {
  main { grid-template-columns: minmax(0, 1fr); height: auto; }
  #chart { max-height: 60vh; }
  .timeline { max-height: 70vh; }
  td.event, td.state { white-space: normal; overflow-wrap: anywhere; }
}
`;
