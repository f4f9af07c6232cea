import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { S3Config } from "../../config.js";
import type { ByteRange, MediaStore } from "./store.js";

const PREFIX = "media/";
/** Multipart part size: 8 MiB, two in flight, so an upload holds at most 16 MiB in memory. */
const PART_BYTES = 8 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;

/** Media as objects in an S3-compatible bucket. */
export class S3Store implements MediaStore {
  readonly kind = "s3";
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(config: S3Config) {
    this.bucket = config.bucket;
    this.client = new S3Client({
      endpoint: config.endpoint,
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      // Many S3-compatible servers do not understand the SDK's default flexible checksums
      // (aws-chunked bodies with CRC trailers); S3 itself takes either.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
  }

  /** Nothing to tidy: a multipart upload cut short by a crash is left to the bucket's lifecycle rule. */
  async prepare(): Promise<void> {}

  async write(body: Readable, contentType: string): Promise<string> {
    const id = randomUUID();
    const name = `${id.slice(0, 2)}/${id}`;
    // A failed Upload aborts its multipart upload, so no part is left in the bucket.
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: PREFIX + name, Body: body, ContentType: contentType },
      partSize: PART_BYTES,
      queueSize: PARTS_IN_FLIGHT,
      leavePartsOnError: false,
    });
    const failed = new Promise<never>((_, reject) => body.once("error", reject));
    await Promise.race([upload.done(), failed]).catch(async (error) => {
      await upload.abort().catch(() => {});
      throw error;
    });
    return name;
  }

  async read(name: string, range?: ByteRange): Promise<Readable> {
    const answer = await this.client.send(
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: PREFIX + name,
        Range: range && `bytes=${range.start}-${range.end}`,
      }),
    );
    if (!(answer.Body instanceof Readable)) throw new Error("S3 answered without a body stream");
    return answer.Body;
  }

  async delete(name: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: PREFIX + name }));
  }

  async exists(name: string): Promise<boolean> {
    return this.client
      .send(new HeadObjectCommand({ Bucket: this.bucket, Key: PREFIX + name }))
      .then(
        () => true,
        () => false,
      );
  }

  async list(): Promise<string[]> {
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: PREFIX, ContinuationToken: token }),
      );
      for (const item of page.Contents ?? []) names.push((item.Key ?? "").slice(PREFIX.length));
      token = page.NextContinuationToken;
    } while (token);
    return names;
  }

  async ping(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
