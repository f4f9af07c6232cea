import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import { CollectionService, contractDocument } from "../collections/service.js";
import { toHexTokenId } from "../collections/token-id.js";
import { MetadataService } from "../metadata/service.js";
import { withDatabase } from "./context.js";

const PAGE = 100;

export function exportCommand(program: Command): void {
  program
    .command("export <slug>")
    .description("write a collection's token files and contract.json to a folder")
    .requiredOption("--out <dir>", "the folder to write into")
    .action(async (slug: string, options: { out: string }) => {
      const count = await withDatabase(async ({ database }) => {
        const collection = await new CollectionService(database.db).get(slug);
        const metadata = new MetadataService(database.db);
        await mkdir(options.out, { recursive: true });
        await writeFile(
          join(options.out, "contract.json"),
          JSON.stringify(contractDocument(collection)),
        );
        let written = 0;
        for (let page = 1; ; page++) {
          const { items } = await metadata.list({
            collection: slug,
            sort: "tokenId",
            page,
            limit: PAGE,
          });
          for (const item of items) {
            if (item.tokenId === null) continue;
            // ERC-1155 clients substitute {id} with 64 hex digits; ERC-721 uses the decimal id.
            const name =
              collection.standard === "erc1155" ? toHexTokenId(item.tokenId) : item.tokenId;
            await writeFile(join(options.out, `${name}.json`), item.document);
            written++;
          }
          if (items.length < PAGE) break;
        }
        return written;
      });
      console.log(`wrote ${count} token files and contract.json to ${options.out}`);
    });
}
