import { spawn } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "../paths.js";
import type { CliResult } from "../processes.js";
import { appendLog, rememberKey } from "../run-output.js";

/** Runs `nftmeta admin create` as a person would, the password piped to standard input. */
export function adminCreate(
  env: Record<string, string>,
  email: string,
  password: string | undefined,
  extraArgs: string[] = ["--password-stdin"],
): Promise<CliResult> {
  // Too short a string would match any log; such a password is refused before it is used.
  if (password && password.length >= 12) rememberKey(password);
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(REPO_ROOT, "bin/nftmeta.js"), "admin", "create", "--email", email, ...extraArgs],
      { cwd: REPO_ROOT, env: { ...process.env, LOG_LEVEL: "warn", ...env } },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b) => (stdout += b));
    child.stderr.on("data", (b) => (stderr += b));
    child.on("error", reject);
    child.on("close", (code) => {
      appendLog("cli", stdout + stderr);
      resolve({ code: code ?? 1, stdout, stderr });
    });
    child.stdin.end(password === undefined ? "" : `${password}\n`);
  });
}
