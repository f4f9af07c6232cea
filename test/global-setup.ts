import { execFileSync } from "node:child_process";

/** The CLI and end-to-end tests run the built service, so build it once before any test. */
export default function setup(): void {
  execFileSync("npm", ["run", "build", "--silent"], { stdio: "inherit" });
}
