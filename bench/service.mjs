import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, runNode, startNode, waitUntilReady } from "./children.mjs";

export const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
const MAIN = join(REPO_ROOT, "dist", "main.js");
const CLI = join(REPO_ROOT, "bin", "nftmeta.js");
const BARE = join(REPO_ROOT, "bench", "bare-server.mjs");

/**
 * The service's environment for one scenario: the same object is given to the server and to the
 * CLI, so that both use the same database whatever the scenario configures.
 */
export function serviceEnv(dataDir, scenarioEnv = {}) {
  return {
    NODE_ENV: "production",
    LOG_LEVEL: "warn",
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    AUTH_SECRET: randomBytes(32).toString("hex"),
    ...scenarioEnv,
  };
}

/**
 * Starts `node dist/main.js` on a free port and waits for its health check. The working folder is
 * the data folder, so that a `.env` in the repository is not read.
 */
export async function startService(env, { nodeArgs = [] } = {}) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const handle = startNode("service", [...nodeArgs, MAIN], {
    env: { ...env, PORT: String(port) },
    cwd: env.DATA_DIR,
    logFile: join(env.DATA_DIR, "service.log"),
  });
  await waitUntilReady(handle, `${url}/api/health`);
  return { handle, url };
}

/** Runs one `nftmeta` command against the scenario's database. */
export function runCli(env, args) {
  return runNode(`nftmeta ${args.slice(0, 2).join(" ")}`, [CLI, ...args], {
    env,
    cwd: env.DATA_DIR,
  });
}

/** Starts the bare Fastify server with the routes listed in `routesFile`. */
export async function startBare(routesFile, readyPath, workDir) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: String(port),
    BENCH_BARE_ROUTES: routesFile,
  };
  const logFile = join(workDir, "bare-server.log");
  const handle = startNode("bare server", [BARE], { env, cwd: workDir, logFile });
  await waitUntilReady(handle, `${url}${readyPath}`);
  return { handle, url };
}
