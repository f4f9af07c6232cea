// CPU profile of the service during a run (BENCH_CPU_PROF=1), summed up by component.
// Also usable alone: `node bench/profile.mjs <file.cpuprofile> [answers served]`.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** JavaScript whose self time is better-sqlite3 running a statement: Kysely's, and ours. */
const SQLITE_CALLERS = [
  /\/kysely\/dist\/esm\/dialect\/sqlite\/sqlite-driver\.js$/,
  /\/dist\/db\/dialects\/sqlite\.js$/,
];
const NODE_IO = /^node:(net|_http_|internal\/stream_base_commons|internal\/streams\/)/;

/**
 * Components of the hot path, tried in this order on each frame (`leaf`: the sampled frame).
 * V8 shows no frame for the C++ behind better-sqlite3's methods: their time is the self time of
 * the JavaScript that calls them, a few lines that run the statement (Kysely's driver, or our
 * dialect's direct query) or better-sqlite3's `prepare` wrapper (which compiles the SQL).
 */
const COMPONENTS = [
  {
    name: "better-sqlite3: prepare (compiles the SQL)",
    test: (f, _parent, leaf) =>
      leaf && f.url.includes("/better-sqlite3/") && f.functionName === "prepare",
  },
  {
    name: "better-sqlite3: run the statement (native, self time of its caller)",
    test: (f, _parent, leaf) => leaf && SQLITE_CALLERS.some((caller) => caller.test(f.url)),
  },
  { name: "better-sqlite3: other", test: (f) => f.url.includes("/node_modules/better-sqlite3/") },
  { name: "key verification (src/keys)", test: (f) => f.url.includes("/dist/keys/") },
  {
    name: "rate limiter (src/ratelimit + rate-limiter-flexible)",
    test: (f) => /\/dist\/ratelimit\/|\/rate-limiter-flexible\//.test(f.url),
  },
  { name: "auth guard (src/http/guard)", test: (f) => f.url.endsWith("/dist/http/guard.js") },
  { name: "activity log (src/audit)", test: (f) => f.url.includes("/dist/audit/") },
  {
    name: "Kysely: build, compile, connection and promise plumbing",
    test: (f) => f.url.includes("/node_modules/kysely/"),
  },
  {
    name: "metadata service + serialise (src/metadata)",
    test: (f) => f.url.includes("/dist/metadata/"),
  },
  {
    name: "logging (pino, src/http/logging)",
    test: (f) => /\/node_modules\/pino|\/dist\/http\/logging\.js$/.test(f.url),
  },
  { name: "other src (dist/)", test: (f) => f.url.includes("/dist/") },
  {
    name: "Node HTTP and socket writes/reads",
    test: (f, parent) => NODE_IO.test(f.url) || (f.url === "" && NODE_IO.test(parent?.url ?? "")),
  },
  {
    name: "Fastify + its dependencies",
    test: (f) =>
      /\/node_modules\/(fastify|@fastify|find-my-way|avvio|light-my-request|fast-)/.test(f.url),
  },
  { name: "garbage collector", test: (f) => f.functionName === "(garbage collector)" },
  { name: "other node_modules", test: (f) => f.url.includes("/node_modules/") },
];

/**
 * What the shares can and cannot say: V8 samples on a clock, whether or not the thread holds a
 * core, and a socket write that wakes the client is where the scheduler most often takes the
 * core away.
 */
const SAMPLING_NOTE = [
  "Samples are of wall-clock time on the main thread: time spent descheduled counts for the",
  "function that was running, most often a socket write (writev) on a busy machine. Compare the",
  "busy µs per answer with the CPU µs/req measured in the table before reading those shares.",
];

const NODE_INTERNALS = "other Node internals (timers, promises, crypto…) and V8";

/** Node flags that write a profile for this scenario, when BENCH_CPU_PROF is set. */
export function profileArgs(scenarioName, resultsDir) {
  if (!process.env.BENCH_CPU_PROF) return { nodeArgs: [], file: undefined };
  const dir = join(resultsDir, "profiles");
  mkdirSync(dir, { recursive: true });
  const name = `${scenarioName}-${new Date().toISOString().replace(/[:.]/g, "-")}.cpuprofile`;
  return {
    nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}`],
    file: join(dir, name),
  };
}

function load(file) {
  const profile = JSON.parse(readFileSync(file, "utf8"));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parentOf.set(child, node);
  }
  return { profile, byId, parentOf };
}

/** Frames from the sampled one up to the root. */
function stackOf(node, parentOf) {
  const stack = [];
  for (let n = node; n; n = parentOf.get(n.id)) stack.push(n);
  return stack;
}

/**
 * Each sample goes to the innermost frame that belongs to a component (a hash computed for the key
 * check counts as key verification), so that shares add up to 100 %; `inclusive` counts a sample
 * for every component on its stack.
 */
function attribute(stack) {
  let owner;
  const seen = new Set();
  for (let i = 0; i < stack.length; i++) {
    const frame = stack[i].callFrame;
    const parent = stack[i + 1]?.callFrame;
    const component = COMPONENTS.find((c) => c.test(frame, parent, i === 0));
    if (!component) continue;
    owner ??= component.name;
    seen.add(component.name);
  }
  return { owner: owner ?? NODE_INTERNALS, inclusive: seen };
}

function isIdle(frame) {
  return frame.functionName === "(idle)";
}

/**
 * Busy time by component and the functions with the most self time; with `requests`, the number
 * of answers the profile covers, also microseconds per answer.
 */
export function summariseProfile(file, { requests, topCount = 15 } = {}) {
  const { profile, byId, parentOf } = load(file);
  const owned = new Map();
  const inclusive = new Map();
  const self = new Map();
  let busyUs = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const us = profile.timeDeltas[i] ?? 0;
    if (isIdle(node.callFrame)) return;
    busyUs += us;
    const { owner, inclusive: seen } = attribute(stackOf(node, parentOf));
    add(owned, owner, us);
    for (const name of seen) add(inclusive, name, us);
    add(self, frameName(node.callFrame), us);
  });
  const share = (map) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .map(([name, us]) => ({
        name,
        ms: Math.round(us / 1000),
        percent: (us / busyUs) * 100,
        usPerRequest: requests ? us / requests : undefined,
      }));
  return {
    file,
    requests,
    busyMs: Math.round(busyUs / 1000),
    components: share(owned),
    inclusive: share(inclusive),
    topSelf: share(self).slice(0, topCount),
  };
}

function add(map, key, us) {
  map.set(key, (map.get(key) ?? 0) + us);
}

function frameName({ functionName, url, lineNumber }) {
  const where = url
    ? `${url.replace(/^file:\/\/.*?\/(node_modules|dist)\//, "$1/")}:${lineNumber + 1}`
    : "native";
  return `${functionName || "(anonymous)"} ${where}`;
}

export function formatProfile(summary) {
  const perRequest = (e) =>
    e.usPerRequest === undefined ? "" : `${e.usPerRequest.toFixed(1).padStart(6)} µs/req  `;
  const rows = (list) =>
    list.map((e) => `  ${e.percent.toFixed(1).padStart(5)} %  ${perRequest(e)}${e.name}`);
  const perAnswer = summary.requests && ((summary.busyMs * 1000) / summary.requests).toFixed(1);
  const served = summary.requests
    ? `, ${summary.requests} answers, ${perAnswer} µs busy per answer`
    : "";
  return [
    `CPU profile ${summary.file}: ${summary.busyMs} ms busy${served}`,
    ...SAMPLING_NOTE,
    "by component (innermost owner; adds up to 100 %):",
    ...rows(summary.components),
    "by component, inclusive (any frame on the stack):",
    ...rows(summary.inclusive),
    "functions with the most self time:",
    ...rows(summary.topSelf),
  ].join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, answers] = process.argv.slice(2);
  if (!file) {
    console.error("usage: node bench/profile.mjs <file.cpuprofile> [answers served]");
    process.exit(2);
  }
  const requests = answers === undefined ? undefined : Number(answers);
  console.log(formatProfile(summariseProfile(file, { requests })));
}
