import { ConfigError, loadDotEnv, readConfig } from "./config.js";
import { startServer } from "./server.js";

/** Process entry: read the configuration, start, and stop gracefully on SIGTERM or SIGINT. */
async function main(): Promise<void> {
  loadDotEnv();
  const config = readConfig();
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

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`nftmeta: ${error.message}`);
  } else {
    console.error("nftmeta: could not start:", error);
  }
  process.exit(1);
});
