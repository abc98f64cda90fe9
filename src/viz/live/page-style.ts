/** The live page's stylesheet. */
export const pageStyle = `
:root { color-scheme: light; --ink: #0f172a; --muted: #64748b; --line: #e2e8f0; --hot: #b45309; --hot-bg: #fde68a; }
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.4 system-ui, sans-serif; color: var(--ink); background: #f8fafc; }
header { display: flex; align-items: center; gap: 12px; padding: 8px 16px; background: #fff; border-bottom: 1px solid var(--line); }
h1 { font-size: 16px; margin: 0; }
h2 { font-size: 13px; margin: 0 0 6px; }
.muted { color: var(--muted); font-weight: normal; }
.pill { border-radius: 999px; padding: 2px 10px; background: #e2e8f0; font-size: 12px; }
.pill.live { background: #dcfce7; color: #166534; }
.pill.down { background: #fee2e2; color: #991b1b; }
.pill.travel { background: #ede9fe; color: #5b21b6; }
#travel { display: flex; gap: 12px; align-items: center; padding: 6px 16px; background: #ede9fe; color: #4c1d95; }
#travel[hidden] { display: none; }
button { font: inherit; padding: 2px 10px; border: 1px solid #7c3aed; background: #fff; color: #5b21b6; border-radius: 4px; cursor: pointer; }
main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(340px, 2fr); gap: 12px; padding: 12px; height: calc(100vh - 50px); }
#chart { background: #fff; border: 1px solid var(--line); border-radius: 6px; overflow: auto; padding: 8px; }
#chart svg { max-width: 100%; height: auto; }
aside { display: flex; flex-direction: column; gap: 12px; min-height: 0; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px; }
.state-name { font: 600 18px/1.3 ui-monospace, monospace; color: var(--hot); }
pre { max-height: 30vh; overflow: auto; background: #f1f5f9; padding: 8px; font-size: 11px; margin: 6px 0 0; }
.timeline { flex: 1; min-height: 0; overflow: auto; }
table { width: 100%; border-collapse: collapse; font-size: 12px; }
th, td { text-align: left; padding: 3px 6px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { position: sticky; top: 0; background: #fff; }
tbody tr { cursor: pointer; }
tbody tr:hover { background: #f1f5f9; }
tbody tr.selected { background: #ede9fe; }
tbody tr.failed td.error { color: #b91c1c; }
td.num, td.took { white-space: nowrap; color: var(--muted); }
td.event { font-family: ui-monospace, monospace; }
.state.active > path, .state.active > polygon { fill: var(--hot-bg); stroke: var(--hot); stroke-width: 2.5; }
.cluster.state.active > path, .cluster.state.active > polygon { fill: #fffbeb; }
.transition.taken > path { stroke: var(--hot); stroke-width: 2.5; }
.transition.taken > polygon { fill: var(--hot); stroke: var(--hot); }
.transition.taken > text { fill: var(--hot); font-weight: bold; }
`;
