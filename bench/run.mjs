// `npm run bench`: the service's read paths against Fastify alone on the same machine
// (PRODUCT.md §6, "Fast"). Settings and choices come from BENCH_* variables; see bench/README.md.
import { rmSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { basename, join } from "node:path";
import { killAllNow, stopAll, stopChild } from "./children.mjs";
import { measure, stopLoad } from "./load.mjs";
import { answerOf, fixtureDir, metadataIdOf, prepareData } from "./prepare.mjs";
import { formatProfile, profileArgs, summariseProfile } from "./profile.mjs";
import { formatScenario, machine, shout, writeJson } from "./report.mjs";
import { DEFAULT_SCENARIOS, missingFor, pick, SCENARIOS, TARGETS } from "./scenarios.mjs";
import { REPO_ROOT, serviceEnv, startBare, startService } from "./service.mjs";

const RESULTS_DIR = join(REPO_ROOT, "bench", "results");
const ALL_TARGETS = TARGETS.map((t) => t.name);

const SETTINGS = Object.freeze({
  seconds: positiveNumber("BENCH_SECONDS", 10),
  warmupSeconds: positiveNumber("BENCH_WARMUP_SECONDS", 2),
  connections: positiveNumber("BENCH_CONNECTIONS", 50),
});

function positiveNumber(name, fallback) {
  const text = process.env[name];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}: '${text}' is not above 0`);
  return value;
}

async function main() {
  const scenarios = pick(SCENARIOS, "BENCH_SCENARIOS", DEFAULT_SCENARIOS);
  const targets = pick(TARGETS, "BENCH_TARGETS", ALL_TARGETS);
  const fixture = fixtureDir();

  const results = [];
  for (const scenario of scenarios) {
    const missing = missingFor(scenario);
    if (missing.length > 0) {
      console.log(`skipping scenario ${scenario.name}: ${missing.join(", ")} not set`);
      continue;
    }
    const result = await runScenario(scenario, targets, fixture);
    console.log(`\n${formatScenario(result)}\n`);
    if (result.profile) console.log(`${formatProfile(result.profile)}\n`);
    results.push(result);
  }

  const problems = results.flatMap(problemsOf);
  const report = {
    generatedAt: new Date().toISOString(),
    machine: machine(),
    settings: SETTINGS,
    ok: problems.length === 0,
    problems,
    scenarios: results,
  };
  writeJson(join(RESULTS_DIR, "latest.json"), report);
  console.log("written to bench/results/latest.json");
  if (problems.length > 0) {
    console.error(
      shout(["THE BENCHMARK SAW FAILED REQUESTS: ITS FIGURES DO NOT COUNT", ...problems]),
    );
    process.exitCode = 1;
  }
}

/** Temporary folders to remove on every way out, SIGINT included. */
const workDirs = new Set();

function removeWorkDirs() {
  if (process.env.BENCH_KEEP_DATA) return;
  for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
  workDirs.clear();
}

async function runScenario(scenario, targets, fixture) {
  const workDir = await mkdtemp(join(tmpdir(), `nftmeta-bench-${scenario.name}-`));
  workDirs.add(workDir);
  // A scenario on shared servers makes its own database first, and removes it after.
  const stores = scenario.setup ? await scenario.setup() : { env: {}, teardown: async () => {} };
  try {
    const profile = profileArgs(scenario.name, RESULTS_DIR);
    const env = serviceEnv(workDir, { ...scenario.env, ...stores.env, ...extraEnv() });
    const { service, data } = await startWithData(env, fixture, profile);
    const plans = await planTargets(targets, data, service.url);
    const bare = await startBareFor(plans, workDir);
    const loadAverageBefore = loadavg()[0];
    const { rows, baselines } = await measureAll(plans, service, bare);

    await stopChild(bare.handle);
    await stopChild(service.handle);
    return {
      name: scenario.name,
      description: scenario.description,
      env: shownEnv({ ...scenario.env, ...extraEnv() }),
      fixture: basename(fixture),
      tokens: data.report.created + data.report.updated + data.report.unchanged,
      tokenId: data.tokenId,
      loadAverage: { before: loadAverageBefore, after: loadavg()[0] },
      rows,
      baselines,
      profile: profile.file && summariseProfile(profile.file, { requests: served(rows) }),
    };
  } finally {
    await stopAll();
    await stores.teardown();
    removeWorkDirs();
  }
}

async function startWithData(env, fixture, profile) {
  const nodeArgs = [...profile.nodeArgs, ...words(process.env.BENCH_NODE_ARGS)];
  const service = await startService(env, { nodeArgs });
  progress(`service (pid ${service.handle.child.pid}) on ${service.url}; importing ${fixture}`);
  const data = await prepareData(env, fixture);
  data.metadataId = await metadataIdOf(service.url, data.key, data.tokenId);
  return { service, data };
}

function words(text) {
  return (text ?? "").split(/\s+/).filter(Boolean);
}

/** BENCH_SERVICE_ENV="NAME=value …": variables added to every scenario, for one-off trials. */
function extraEnv() {
  const pairs = words(process.env.BENCH_SERVICE_ENV);
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf("=");
      if (at < 1) throw new Error(`BENCH_SERVICE_ENV: '${pair}' is not NAME=value`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

/** The variables a scenario set, for the record; URLs and secrets may hold passwords. */
function shownEnv(env) {
  const hidden = /SECRET|PASSWORD|TOKEN|_URL$/;
  return Object.fromEntries(
    Object.entries(env).map(([name, value]) => [name, hidden.test(name) ? "[set]" : value]),
  );
}

/** Each target's request, and the exact bytes it answers, which its bare route will send. */
async function planTargets(targets, data, serviceUrl) {
  const plans = [];
  for (const target of targets) {
    const { path, headers } = target.request(data);
    const body = await answerOf(`${serviceUrl}${path}`, headers);
    plans.push({ target, path, headers, body, barePath: `/bare/${target.name}` });
  }
  return plans;
}

async function startBareFor(plans, workDir) {
  const routes = plans.map((p) => ({ path: p.barePath, bodyBase64: p.body.toString("base64") }));
  const file = join(workDir, "bare-routes.json");
  await writeFile(file, JSON.stringify(routes));
  const bare = await startBare(file, "/ready", workDir);
  for (const plan of plans) {
    const copy = await answerOf(`${bare.url}${plan.barePath}`, {});
    if (!copy.equals(plan.body)) throw new Error(`bare route ${plan.barePath} sends other bytes`);
  }
  return bare;
}

/**
 * Bare routes before and after the service's, so that drift of the machine during the run shows
 * as a difference between the two; each ratio is to their mean.
 */
async function measureAll(plans, service, bare) {
  const bareRun = (phase) => (plan) => ({ phase, plan, server: bare, path: plan.barePath });
  const schedule = [
    ...plans.map(bareRun("before")),
    ...plans.map((plan) => ({ phase: "service", plan, server: service, path: plan.path })),
    ...plans.map(bareRun("after")),
  ];
  const runs = [];
  for (const run of schedule) {
    const request = {
      url: `${run.server.url}${run.path}`,
      headers: run.phase === "service" ? run.plan.headers : {},
      pid: run.server.handle.child.pid,
    };
    progress(`measuring ${labelOf(run)} (${SETTINGS.warmupSeconds} s + ${SETTINGS.seconds} s)`);
    runs.push({ ...run, figures: await measure(request, SETTINGS) });
  }
  const baselines = baselinesOf(plans, runs);
  const rows = runs.map((run) => rowOf(run, baselines[run.plan.target.name]));
  return { rows, baselines };
}

function baselinesOf(plans, runs) {
  const figuresOf = (plan, phase) => runs.find((r) => r.plan === plan && r.phase === phase).figures;
  const entries = plans.map((plan) => {
    const before = figuresOf(plan, "before");
    const after = figuresOf(plan, "after");
    return [
      plan.target.name,
      {
        rpsBefore: before.rps,
        rpsAfter: after.rps,
        rps: (before.rps + after.rps) / 2,
        driftPercent: ((after.rps - before.rps) / before.rps) * 100,
        cpuUsPerRequest: (before.serverCpuUsPerRequest + after.serverCpuUsPerRequest) / 2,
      },
    ];
  });
  return Object.fromEntries(entries);
}

function rowOf(run, baseline) {
  const { figures } = run;
  return {
    target: labelOf(run),
    phase: run.phase,
    path: run.path,
    bodyBytes: run.plan.body.length,
    ...figures,
    ratio: figures.rps / baseline.rps,
    cpuRatio: baseline.cpuUsPerRequest / figures.serverCpuUsPerRequest,
  };
}

/** Answers the service gave during the loads. */
function served(rows) {
  return rows.filter((r) => r.phase === "service").reduce((sum, r) => sum + r.served, 0);
}

function labelOf(run) {
  if (run.phase === "service") return run.plan.target.label;
  return `bare Fastify, ${run.plan.target.name} bytes (${run.phase})`;
}

function problemsOf(scenario) {
  return scenario.rows
    .filter((r) => r.non2xx > 0 || r.errors > 0)
    .map(
      (r) =>
        `${scenario.name} / ${r.target}: ${r.non2xx} non-2xx, ${r.errors} errors ` +
        `(${r.timeouts} timeouts), status codes ${JSON.stringify(r.statusCodes)}`,
    );
}

function progress(message) {
  console.error(`[bench] ${message}`);
}

function installExitHandlers() {
  // Children are stopped on every way out; on a plain exit only a synchronous kill can run.
  process.on("exit", () => {
    killAllNow();
    removeWorkDirs();
  });
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.once(signal, () => {
      progress(`${signal}: stopping`);
      stopLoad();
      stopAll().finally(() => process.exit(130));
    });
  }
}

installExitHandlers();
main().catch(async (error) => {
  console.error(shout(["THE BENCHMARK FAILED"]));
  console.error(error);
  await stopAll();
  process.exit(1);
});
