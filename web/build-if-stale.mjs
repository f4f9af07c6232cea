// Rebuilds the dashboard before `npm start` only when a source is newer than the last build.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const web = fileURLToPath(new URL(".", import.meta.url));
const built = join(web, "dist", "index.html");

function newestSource(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestSource(join(path, name))));
}

const sources = ["src", "index.html", "vite.config.ts"].map((p) => join(web, p));
const stale =
  !existsSync(built) || Math.max(...sources.map(newestSource)) > statSync(built).mtimeMs;
if (stale) {
  execFileSync("npm", ["run", "build:web", "--silent"], { stdio: "inherit" });
}
