import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { join } from "node:path";
import { REPO_ROOT } from "./paths.js";
import { appendLog, rememberKey } from "./run-output.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `nftmeta` command; never throws for a non-zero exit. */
export function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(REPO_ROOT, "bin/nftmeta.js"), ...args],
      { cwd: REPO_ROOT, env: { ...process.env, LOG_LEVEL: "warn", ...env } },
      (error, stdout, stderr) => {
        const code = error ? Number((error as { code?: number }).code ?? 1) : 0;
        appendLog("cli", stderr);
        for (const match of stdout.matchAll(/nftm_[0-9A-Za-z]{38}/g)) rememberKey(match[0]);
        if (!/nftm_/.test(stdout)) appendLog("cli", stdout);
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

export interface ServerProcess {
  base: string;
  child: ChildProcess;
  output: () => string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop: () => Promise<number | null>;
}

/** Starts the built service as its own process and waits until health answers. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(REPO_ROOT, "dist/main.js")], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      HOST: "127.0.0.1",
      PORT: String(port),
      NODE_ENV: "production",
      AUTH_SECRET: randomBytes(32).toString("hex"),
      LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (b) => (output += b));
  child.stderr?.on("data", (b) => (output += b));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    const healthy = await fetch(`${base}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (healthy) break;
    if (Date.now() > deadline) throw new Error(`server not healthy in 20 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  child.once("exit", () => appendLog("server", output));
  const stop = () =>
    new Promise<number | null>((resolve) => {
      if (child.exitCode !== null) return resolve(child.exitCode);
      child.once("exit", (code) => resolve(code));
      child.kill("SIGTERM");
    });
  return { base, child, output: () => output, stop };
}

/** fetch with the v1 header and a key. */
export function api(base: string, path: string, key: string, init: RequestInit = {}) {
  return fetch(base + path, {
    ...init,
    headers: {
      "x-api-version": "v1",
      authorization: `Bearer ${key}`,
      ...(init.body ? { "content-type": "application/json" } : {}),
      ...(init.headers as Record<string, string>),
    },
  });
}

// biome-ignore lint/suspicious/noExplicitAny: tests read answers whose shape they then assert
export type Loose = any;

/** The parsed body of an answer, for assertions. */
export async function body(res: Response): Promise<Loose> {
  return res.json();
}
