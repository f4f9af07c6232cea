import { Command, CommanderError } from "commander";
import { ConfigError, loadDotEnv, readConfig } from "../config.js";
import { migrateToLatest, openDatabase } from "../db/database.js";
import { startServer } from "../server.js";
import { adminCommand } from "./admin.js";
import { auditCommand } from "./audit.js";
import { checkStores } from "./check.js";
import { CliError, describeError } from "./context.js";
import { exportCommand } from "./export.js";
import { importCommand } from "./import.js";
import { keysCommand } from "./keys.js";

const program = new Command("nftmeta")
  .description("nftmeta: NFT metadata service")
  .showHelpAfterError()
  .exitOverride();

program
  .command("serve")
  .description("run the service (the same as npm start)")
  .action(async () => {
    loadDotEnv();
    const server = await startServer(readConfig());
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      process.once(signal, () => void server.stop().then(() => process.exit(0)));
    }
  });

program
  .command("migrate")
  .description("apply database migrations (safe to run again)")
  .action(async () => {
    loadDotEnv();
    const database = openDatabase(readConfig().database);
    try {
      const applied = await migrateToLatest(database.db);
      console.log(applied.length ? `applied ${applied.join(", ")}` : "database is up to date");
    } finally {
      await database.close();
    }
  });

program
  .command("check")
  .description("check the configuration and that the database (and Redis) answer; changes nothing")
  .action(async () => {
    loadDotEnv();
    const config = readConfig();
    for (const line of await checkStores(config)) console.log(line);
    console.log(`configuration is valid; listen on http://${config.host}:${config.port}`);
  });

adminCommand(program);
keysCommand(program);
auditCommand(program);
importCommand(program);
exportCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else if (error instanceof CliError || error instanceof ConfigError) {
    console.error(`nftmeta: ${error.message}`);
    process.exitCode = 1;
  } else {
    console.error(`nftmeta: ${describeError(error)}`);
    process.exitCode = 1;
  }
}
