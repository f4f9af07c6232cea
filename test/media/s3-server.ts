import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../processes.js";

export interface S3TestServer {
  /** The settings that point the service at this server. */
  env: Record<string, string>;
  stop: () => Promise<void>;
}

const BUCKET = "nftmeta-test";
const START_TIMEOUT_MS = 15_000;

/** Starts s3rver, an S3-compatible server from npm, as a process of its own with an empty bucket. */
export async function startS3Server(): Promise<S3TestServer> {
  const directory = mkdtempSync(join(tmpdir(), "nftmeta-s3-"));
  const port = await freePort();
  const bin = createRequire(import.meta.url).resolve("s3rver/bin/s3rver.js");
  const args = [
    "-d",
    directory,
    "-a",
    "127.0.0.1",
    "-p",
    String(port),
    "--configure-bucket",
    BUCKET,
  ];
  const child = spawn(process.execPath, [bin, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilListening(child, endpoint);
  } catch (error) {
    child.kill("SIGKILL");
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
  return {
    env: {
      MEDIA_STORE: "s3",
      S3_ENDPOINT: endpoint,
      S3_BUCKET: BUCKET,
      S3_REGION: "us-east-1",
      // s3rver's fixed development credentials.
      S3_ACCESS_KEY_ID: "S3RVER",
      S3_SECRET_ACCESS_KEY: "S3RVER",
      S3_FORCE_PATH_STYLE: "true",
    },
    stop: async () => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

async function waitUntilListening(child: ChildProcess, endpoint: string): Promise<void> {
  let output = "";
  child.stdout?.on("data", (b) => (output += b));
  child.stderr?.on("data", (b) => (output += b));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const answered = await fetch(endpoint).then(
      () => true,
      () => false,
    );
    if (answered) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the S3 test server did not start:\n${output.slice(-2000)}`);
}
