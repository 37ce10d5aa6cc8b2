/**
 * The pages' one style sheet, served as /ui/assets/cairn.css (no CDN, no build step). Step states
 * share one palette across the DAG, the timeline and the tables (the `state-*` classes).
 */
export const STYLES = `
:root { --fg: #1d2330; --muted: #5c6577; --line: #d8dce4; --bg: #f6f7f9; --card: #fff; --accent: #2f6fde;
  --pending: #b8bfcc; --running: #2f6fde; --succeeded: #2e9d5b; --failed: #d23f3f; --awaiting_operator: #e08a1e;
  --awaiting_approval: #8a55d6; --skipped: #9aa3b2; --cancelled: #59606e; --scheduled: #b8bfcc; --timed_out: #d23f3f; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; gap: 1.25rem; align-items: center; padding: .6rem 1.25rem; background: #1d2330; color: #fff; }
header a { color: #dfe6f3; text-decoration: none; }
header a.brand { font-weight: 700; color: #fff; letter-spacing: .02em; }
header .who { margin-left: auto; color: #aab4c5; font-size: 12px; display: flex; gap: .6rem; align-items: center; }
header form { margin: 0; }
main { padding: 1rem 1.25rem 3rem; max-width: 1400px; }
h1 { font-size: 20px; margin: .3rem 0 .8rem; }
h2 { font-size: 16px; margin: 1.5rem 0 .5rem; }
h3 { font-size: 14px; margin: 1rem 0 .4rem; }
a { color: var(--accent); }
section.card { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: .8rem 1rem; margin: .8rem 0; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code, pre { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; }
pre { background: #f0f2f5; padding: .5rem; border-radius: 4px; overflow-x: auto; max-height: 24rem; margin: .3rem 0; white-space: pre-wrap; word-break: break-word; }
.muted { color: var(--muted); }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 9px; font-size: 12px; color: #fff; background: var(--pending); white-space: nowrap; }
.state-pending { background: var(--pending); } .state-running { background: var(--running); } .state-succeeded { background: var(--succeeded); }
.state-failed { background: var(--failed); } .state-awaiting_operator { background: var(--awaiting_operator); } .state-awaiting_approval { background: var(--awaiting_approval); }
.state-skipped { background: var(--skipped); } .state-cancelled { background: var(--cancelled); } .state-scheduled { background: var(--scheduled); } .state-timed_out { background: var(--timed_out); }
svg .node rect { stroke: #1d2330; stroke-opacity: .25; rx: 5; }
svg .node text { font-size: 12px; fill: #fff; }
svg .node.state-none rect { fill: #fff; } svg .node.state-none text { fill: var(--fg); }
svg .node.state-pending rect { fill: var(--pending); } svg .node.state-running rect { fill: var(--running); } svg .node.state-succeeded rect { fill: var(--succeeded); }
svg .node.state-failed rect { fill: var(--failed); } svg .node.state-awaiting_operator rect { fill: var(--awaiting_operator); } svg .node.state-awaiting_approval rect { fill: var(--awaiting_approval); }
svg .node.state-skipped rect { fill: var(--skipped); } svg .node.state-cancelled rect { fill: var(--cancelled); }
svg .edge { fill: none; stroke: #7b8496; stroke-width: 1.4; }
svg .arrow { fill: #7b8496; }
svg .bar.state-succeeded { fill: var(--succeeded); } svg .bar.state-failed, svg .bar.state-timed_out { fill: var(--failed); } svg .bar.state-running { fill: var(--running); }
svg .bar.state-scheduled { fill: var(--scheduled); } svg .bar.state-cancelled { fill: var(--cancelled); }
svg .axis, svg .grid { stroke: #c9ced8; stroke-width: 1; } svg text { font-size: 11px; fill: var(--muted); }
svg .reference { fill: #2f6fde; fill-opacity: .45; } svg .current { fill: #e08a1e; fill-opacity: .55; }
svg .line { fill: none; stroke-width: 2; }
svg.timeseries { max-width: 100%; height: auto; } td pre { max-height: 9rem; } svg .dot { stroke: none; }
.legend { font-size: 12px; color: var(--muted); display: flex; gap: 1rem; flex-wrap: wrap; }
.swatch { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px; vertical-align: -1px; margin-right: .25rem; }
.swatch.reference { background: #2f6fde; opacity: .6; } .swatch.current { background: #e08a1e; opacity: .7; }
form.filters { display: flex; gap: .6rem; flex-wrap: wrap; align-items: end; margin: .5rem 0; }
form.filters label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); }
input, select, button { font: inherit; padding: .25rem .45rem; border: 1px solid var(--line); border-radius: 4px; background: #fff; }
button { background: var(--accent); color: #fff; border-color: var(--accent); cursor: pointer; }
button.danger { background: var(--failed); border-color: var(--failed); }
button.quiet { background: transparent; color: #dfe6f3; border-color: #59606e; }
form.action { display: inline-flex; gap: .3rem; margin: .2rem .4rem .2rem 0; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: .8rem; }
.chart h3 { margin-top: .2rem; }
.notice { padding: .5rem .8rem; border-radius: 4px; background: #fff4e0; border: 1px solid #f0c27a; margin: .5rem 0; }
.error { padding: .5rem .8rem; border-radius: 4px; background: #fdeaea; border: 1px solid #e9a0a0; }
details summary { cursor: pointer; }
.kv { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; }
.kv dt { color: var(--muted); } .kv dd { margin: 0; }
`;
