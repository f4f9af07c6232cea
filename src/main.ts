import cluster from "node:cluster";
import { type Config, ConfigError, loadDotEnv, readConfig } from "./config.js";
import { migrateToLatest, openDatabase } from "./db/database.js";
import { startServer } from "./server.js";

/**
 * Process entry: read the configuration, start, and stop gracefully on SIGTERM or SIGINT. With
 * WORKERS above 1 this process applies migrations once, then runs that many servers sharing the
 * port (node:cluster) and passes signals on to them.
 */
async function main(): Promise<void> {
  loadDotEnv();
  const config = readConfig();
  if (config.workers > 1 && cluster.isPrimary) return supervise(config);
  await serve(config);
}

async function serve(config: Readonly<Config>): Promise<void> {
  const server = await startServer(config);
  server.app.log.info({ url: server.url, database: config.database.kind }, "nftmeta listening");
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      server.app.log.info({ signal }, "stopping");
      server.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          server.app.log.error({ err: error }, "stop failed");
          process.exit(1);
        },
      );
    });
  }
}

async function supervise(config: Readonly<Config>): Promise<void> {
  const database = openDatabase(config.database);
  await migrateToLatest(database.db);
  await database.close();
  let stopping = false;
  for (let i = 0; i < config.workers; i++) cluster.fork();
  cluster.on("exit", (worker, code) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    console.error(`nftmeta: worker ${worker.process.pid} exited with ${code}; starting another`);
    cluster.fork();
  });
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      stopping = true;
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    });
  }
}

main().catch((error: unknown) => {
  const code = (error as NodeJS.ErrnoException).code;
  if (error instanceof ConfigError) {
    console.error(`nftmeta: ${error.message}`);
  } else if (code === "EADDRINUSE" || code === "EADDRNOTAVAIL" || code === "EACCES") {
    const { address, port } = error as { address?: string; port?: number };
    const why =
      code === "EADDRINUSE" ? "something else listens there" : "the address is not available here";
    console.error(
      `nftmeta: cannot listen on ${address ?? "HOST"}:${port ?? "PORT"}: ${why} (HOST, PORT)`,
    );
  } else {
    console.error("nftmeta: could not start:", error);
  }
  process.exit(1);
});
