import { execFileSync, spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";

/** Every child still running, so that any way out of the benchmark can stop them. */
const running = new Set();

/** Lines of a child's output shown to explain a failure. */
const SHOWN_LINES = 40;

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The environment a child gets: only what the benchmark sets, plus PATH and HOME, so that a
 * DATABASE_URL or REDIS_URL exported in the caller's shell cannot change what is measured.
 */
function childEnv(env) {
  const base = { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR };
  const merged = { ...base, ...env };
  return Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined));
}

function spawnNode(name, args, { env, cwd }, stdio) {
  const child = spawn(process.execPath, args, { env: childEnv(env), cwd, stdio });
  const handle = { name, child, exited: undefined, tail: () => "" };
  handle.exited = new Promise((resolve) => {
    // "close" rather than "exit": it comes after the last output has been written.
    child.once("close", (code, signal) => {
      running.delete(handle);
      resolve({ code, signal });
    });
  });
  running.add(handle);
  return handle;
}

/**
 * Starts a long-running `node <args>` whose output goes to `logFile`: a file rather than a pipe,
 * so that a chatty server costs the load generator in this process nothing.
 */
export function startNode(name, args, { env, cwd, logFile }) {
  const fd = openSync(logFile, "a");
  const handle = spawnNode(name, args, { env, cwd }, ["ignore", fd, fd]);
  closeSync(fd);
  handle.tail = () => lastLines(readFileSync(logFile, "utf8"));
  return handle;
}

/** Runs `node <args>` to completion and returns its stdout; rejects with its output on failure. */
export async function runNode(name, args, options) {
  const handle = spawnNode(name, args, options, ["ignore", "pipe", "pipe"]);
  const stdout = [];
  const stderr = [];
  handle.child.stdout.on("data", (chunk) => stdout.push(chunk));
  handle.child.stderr.on("data", (chunk) => stderr.push(chunk));
  const { code, signal } = await handle.exited;
  if (code !== 0) {
    const output = lastLines(Buffer.concat([...stdout, ...stderr]).toString());
    throw new Error(`${name} failed (${signal ?? `exit ${code}`}):\n${output}`);
  }
  return Buffer.concat(stdout).toString();
}

function lastLines(text) {
  return text.split("\n").filter(Boolean).slice(-SHOWN_LINES).join("\n");
}

/** Polls `url` until it answers 200; fails early when the child exits. */
export async function waitUntilReady(handle, url, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  handle.exited.then(() => {
    gone = true;
  });
  while (Date.now() < deadline && !gone) {
    if (await answers200(url)) return;
    await sleep(100);
  }
  const why = gone ? "exited" : `did not answer ${url} within ${timeoutMs / 1000} s`;
  throw new Error(`${handle.name} ${why}:\n${handle.tail()}`);
}

async function answers200(url) {
  try {
    const res = await fetch(url);
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** SIGTERM, so that the service drains and writes its CPU profile; SIGKILL if it hangs. */
export async function stopChild(handle, graceMs = 10_000) {
  if (!running.has(handle)) return handle.exited;
  handle.child.kill("SIGTERM");
  const timer = setTimeout(() => handle.child.kill("SIGKILL"), graceMs);
  const result = await handle.exited;
  clearTimeout(timer);
  return result;
}

export async function stopAll() {
  await Promise.all([...running].map((h) => stopChild(h)));
}

/** The last resort on process exit, where only synchronous work runs. */
export function killAllNow() {
  for (const handle of running) handle.child.kill("SIGKILL");
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Clock ticks per second of /proc figures; 100 on nearly every Linux. */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"]).toString()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU seconds (user + system) used so far by a process and its descendants (the workers of a
 * WORKERS>1 service); undefined where /proc is missing.
 */
export function cpuSecondsOf(pid) {
  if (pid === undefined || !existsSync(`/proc/${pid}/stat`)) return undefined;
  const stats = readStats();
  const tree = new Set([pid]);
  for (const current of tree) {
    for (const stat of stats) if (stat.ppid === current) tree.add(stat.pid);
  }
  const ticks = stats.filter((s) => tree.has(s.pid)).reduce((sum, s) => sum + s.ticks, 0);
  return ticks / TICKS_PER_SECOND;
}

function readStats() {
  const stats = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      stats.push(parseStat(readFileSync(`/proc/${name}/stat`, "utf8")));
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return stats;
}

/** The command name, in parentheses, may hold spaces: fields are counted after it. */
function parseStat(text) {
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return {
    pid: Number(text.slice(0, text.indexOf(" "))),
    ppid: Number(fields[1]),
    ticks: Number(fields[11]) + Number(fields[12]),
  };
}
