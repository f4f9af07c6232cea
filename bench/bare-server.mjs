// The baseline: Fastify 5 alone, answering fixed bytes. Each route sends exactly the body of the
// real answer it stands for, so that a ratio compares the same bytes on the wire.
import { readFileSync } from "node:fs";
import Fastify from "fastify";

const JSON_TYPE = "application/json; charset=utf-8";

/** [{ path, bodyBase64 }]: base64 so that the bytes arrive unchanged whatever they hold. */
function readRoutes(file) {
  const routes = JSON.parse(readFileSync(file, "utf8"));
  return routes.map((r) => ({ path: r.path, body: Buffer.from(r.bodyBase64, "base64") }));
}

const app = Fastify({ logger: false });
app.get("/ready", async () => ({ ok: true }));
for (const { path, body } of readRoutes(process.env.BENCH_BARE_ROUTES)) {
  app.get(path, (_request, reply) => {
    reply.type(JSON_TYPE).send(body);
  });
}

await app.listen({ host: process.env.HOST, port: Number(process.env.PORT) });

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.once(signal, () => app.close().then(() => process.exit(0)));
}
