import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname } from "node:path";

const COLUMNS = [
  { title: "target", width: 36, value: (r) => r.target, left: true },
  { title: "body B", width: 6, value: (r) => String(r.bodyBytes) },
  { title: "req/s", width: 7, value: (r) => r.rps.toFixed(0) },
  { title: "p50 ms", width: 6, value: (r) => fixed(r.p50Ms) },
  { title: "p99 ms", width: 6, value: (r) => fixed(r.p99Ms) },
  { title: "ratio", width: 5, value: (r) => fixed(r.ratio) },
  { title: "CPU µs/req", width: 10, value: (r) => String(r.serverCpuUsPerRequest ?? "?") },
  { title: "CPU ratio", width: 9, value: (r) => fixed(r.cpuRatio) },
  { title: "srv CPU%", width: 8, value: (r) => String(r.serverCpuPercent ?? "?") },
  { title: "gen CPU%", width: 8, value: (r) => String(r.loadCpuPercent) },
  { title: "failed", width: 6, value: (r) => String(r.non2xx + r.errors) },
];

function fixed(value) {
  return Number.isFinite(value) ? value.toFixed(2) : "?";
}

function line(cells) {
  return cells
    .map((text, i) =>
      COLUMNS[i].left ? text.padEnd(COLUMNS[i].width) : text.padStart(COLUMNS[i].width),
    )
    .join("  ");
}

/** Bare runs further apart than this say that other work shared the machine. */
const DRIFT_WARNING_PERCENT = 5;

const NOTES = [
  "ratio: requests/s over the bare runs' mean. CPU ratio: the bare server's CPU time per answer",
  "over this one's, steadier when other work shares the machine. srv/gen CPU%: share of one core",
  "used by the server and by the load generator (this process); the generator near 100 means",
  "the figure is a floor for that server. failed: non-2xx answers and errors, warm-up included.",
];

/** One scenario as a text table; ratios are to the mean of the bare runs with the same body. */
export function formatScenario(scenario) {
  const rows = scenario.rows.map((r) => line(COLUMNS.map((c) => c.value(r))));
  return [
    ...headOf(scenario),
    "",
    line(COLUMNS.map((c) => c.title)),
    line(COLUMNS.map((c) => "-".repeat(c.width))),
    ...rows,
    "",
    ...driftOf(scenario.baselines),
    ...NOTES,
  ].join("\n");
}

function headOf({ name, description, env, fixture, tokens, tokenId, loadAverage }) {
  const variables = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  return [
    `scenario ${name}: ${description}`,
    ...(variables.length > 0 ? [`with ${variables.join(" ")}`] : []),
    `fixture ${fixture} (${tokens} tokens), token ${tokenId}`,
    `load average (1 min): ${loadAverage.before.toFixed(2)} before the loads, ` +
      `${loadAverage.after.toFixed(2)} after`,
  ];
}

function driftOf(baselines) {
  const lines = Object.entries(baselines).map(
    ([name, b]) => `bare drift (${name} body), after vs before: ${formatPercent(b.driftPercent)}`,
  );
  const drifted = Object.values(baselines).some(
    (b) => Math.abs(b.driftPercent) > DRIFT_WARNING_PERCENT,
  );
  if (drifted) {
    lines.push(
      `WARNING: bare runs moved by more than ${DRIFT_WARNING_PERCENT} %: read ratios no finer.`,
    );
  }
  return lines;
}

function formatPercent(value) {
  return `${value >= 0 ? "+" : ""}${value.toFixed(1)} %`;
}

/** The machine the figures belong to: they mean little without it. */
export function machine() {
  const cores = cpus();
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpu: cores[0]?.model ?? "unknown",
    cores: cores.length,
  };
}

export function writeJson(file, report) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
}

/** A failure nobody can miss at the end of a long output. */
export function shout(lines) {
  const bar = "!".repeat(78);
  return [bar, ...lines.map((l) => `!! ${l}`), bar].join("\n");
}
