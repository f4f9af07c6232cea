import type { Command } from "commander";
import { createAdmin } from "../auth/admins.js";
import { createAuth } from "../auth/auth.js";
import { CliError, withDatabase } from "./context.js";

/** `nftmeta admin create`: the first administrator, who then signs in to the dashboard. */
export function adminCommand(program: Command): void {
  const admin = program.command("admin").description("dashboard administrators");

  admin
    .command("create")
    .description("create an administrator; the password is read from standard input")
    .requiredOption("--email <email>", "the address the administrator signs in with")
    .option("--name <name>", "a display name (the part of the email before @ by default)")
    .option("--password-stdin", "read the password from standard input")
    .action(async (options: { email: string; name?: string; passwordStdin?: boolean }) => {
      // A password given as an argument would stay in the shell history and the process list.
      if (!options.passwordStdin) {
        throw new CliError(
          "give the password on standard input with --password-stdin, e.g.\n" +
            "  printf '%s' \"$PASSWORD\" | nftmeta admin create --email you@example.com --password-stdin",
        );
      }
      const password = await readPassword();

      await withDatabase(async ({ config, database }) => {
        const user = await createAdmin(createAuth(config, database), {
          email: options.email,
          password,
          ...(options.name ? { name: options.name } : {}),
        });
        console.log(`Created administrator ${user.email} (${user.id}).`);
        console.log(`Sign in at ${config.publicBaseUrl}/admin`);
      });
    });
}

/** Standard input up to its end, without the line break a shell adds. */
async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write("Password (then Enter and Ctrl-D): ");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
  const password = Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
  if (password === "") throw new CliError("no password on standard input");
  return password;
}
