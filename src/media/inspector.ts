import { createHash, type Hash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { AppError } from "../errors.js";
import { CidBuilder } from "./cid.js";
import { contradicts, HEAD_BYTES, type MediaKind, type SniffedType, sniffType } from "./sniff.js";

export interface InspectorOptions {
  declaredType: string | undefined;
  limitBytes: Record<MediaKind, number>;
}

/** What an upload turned out to be, known once every byte has passed. */
export interface Inspected extends SniffedType {
  size: number;
  sha256: string;
  cid: string;
}

/**
 * Passes an upload through on its way to the store: decides its type from the first bytes (415
 * when none fits or the declared type says otherwise), stops it as soon as it passes its type's
 * size limit (413), and hashes it as it goes. It never holds more than the first few bytes.
 */
export class UploadInspector extends Transform {
  private head: Buffer[] = [];
  private headBytes = 0;
  private type: SniffedType | undefined;
  private size = 0;
  private readonly sha256: Hash = createHash("sha256");
  private readonly cid = new CidBuilder();

  private readonly typeDecided: Promise<SniffedType>;

  constructor(private readonly options: InspectorOptions) {
    super();
    this.typeDecided = new Promise((resolve, reject) => {
      this.once("typed", resolve);
      this.once("error", reject);
    });
    // Awaited by whoever streams the upload; this only keeps an unawaited refusal quiet.
    this.typeDecided.catch(() => {});
  }

  /** Resolves with the type once the first bytes have been seen; rejects if the upload fails. */
  decided(): Promise<SniffedType> {
    return this.typeDecided;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      if (this.type) this.pass(chunk);
      else this.collectHead(chunk);
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      if (!this.type) this.decide();
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  /** The facts of the whole upload; only valid after the stream has ended. */
  result(): Inspected {
    if (!this.type) throw new Error("upload not inspected yet");
    const digest = this.sha256.copy().digest("hex");
    return { ...this.type, size: this.size, sha256: digest, cid: this.cid.digest() };
  }

  private collectHead(chunk: Buffer): void {
    this.head.push(chunk);
    this.headBytes += chunk.length;
    if (this.headBytes >= HEAD_BYTES) this.decide();
  }

  private decide(): void {
    const head = Buffer.concat(this.head);
    this.head = [];
    const type = sniffType(head);
    if (!type) {
      throw new AppError("UNSUPPORTED_MEDIA_TYPE", "File is not one of the accepted media types");
    }
    if (contradicts(this.options.declaredType, type)) {
      throw new AppError(
        "UNSUPPORTED_MEDIA_TYPE",
        `File is ${type.mimeType}, not the declared ${this.options.declaredType}`,
      );
    }
    this.type = type;
    this.emit("typed", type);
    this.pass(head);
  }

  private pass(chunk: Buffer): void {
    const kind = this.type?.kind ?? "image";
    const limit = this.options.limitBytes[kind];
    this.size += chunk.length;
    if (this.size > limit) {
      throw new AppError(
        "PAYLOAD_TOO_LARGE",
        `File is larger than the ${mib(limit)} limit for ${kind} files`,
      );
    }
    this.sha256.update(chunk);
    this.cid.update(chunk);
    this.push(chunk);
  }
}

function mib(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / 1024 / 1024} MiB` : `${bytes} bytes`;
}
