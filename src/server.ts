import type { FastifyInstance } from "fastify";
import { buildApp } from "./app.js";
import type { Config } from "./config.js";
import { migrateToLatest, openDatabase } from "./db/database.js";
import { createServices, type Services, startServices, stopServices } from "./services.js";

export interface RunningServer {
  app: FastifyInstance;
  services: Services;
  url: string;
  stop: () => Promise<void>;
}

/** Opens the stores, applies migrations, and listens. `stop` drains requests, then closes. */
export async function startServer(config: Readonly<Config>): Promise<RunningServer> {
  const database = openDatabase(config.database);
  await migrateToLatest(database.db);
  const services = createServices(config, database);
  await startServices(services);
  const app = await buildApp(services);
  const url = await app.listen({ host: config.host, port: config.port });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await app.close();
      await stopServices(services);
      await database.close();
    })();
    return stopping;
  };
  return { app, services, url, stop };
}
