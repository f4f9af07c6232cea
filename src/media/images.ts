import { Readable } from "node:stream";
import sharp from "sharp";
import { AppError } from "../errors.js";

// libvips works on libuv's thread pool, off the event loop; one thread for it leaves the other
// core (of two) to requests while variants are made.
sharp.concurrency(1);

export interface Dimensions {
  width: number;
  height: number;
}

export interface Variant {
  /** "256.webp": the long side asked for and the format. */
  name: string;
  width: number;
  height: number;
  format: "webp" | "avif";
  mimeType: string;
  size: number;
  /** The store's name for the object. */
  key: string;
}

export type WriteObject = (body: Readable, contentType: string) => Promise<string>;

/**
 * Width and height of an image as stored; a file that looks like an image but does not decode is
 * 415. A failure to read the stored bytes is not the file's fault and is passed on as it is.
 */
export async function imageDimensions(body: Readable): Promise<Dimensions> {
  const reader = sharp({ failOn: "error" });
  let readError: Error | undefined;
  body.once("error", (error) => {
    readError = error;
    reader.destroy(error);
  });
  body.pipe(reader);
  try {
    const { width, height, pageHeight } = await reader.metadata();
    if (!width || !height) throw new Error("no dimensions");
    return { width, height: pageHeight ?? height };
  } catch {
    if (readError) throw readError;
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "File is not a readable image");
  }
}

const FORMATS = [
  { format: "webp", mimeType: "image/webp" },
  { format: "avif", mimeType: "image/avif" },
] as const;

/**
 * WebP and AVIF copies of an image whose long side is each of `sizes` pixels; sizes the image
 * does not exceed are skipped rather than enlarged.
 */
export async function makeVariants(
  original: Buffer,
  dimensions: Dimensions,
  sizes: number[],
  write: WriteObject,
): Promise<Variant[]> {
  const longSide = Math.max(dimensions.width, dimensions.height);
  const variants: Variant[] = [];
  for (const size of sizes.filter((s) => s < longSide)) {
    for (const { format, mimeType } of FORMATS) {
      const { data, info } = await sharp(original)
        .resize({ width: size, height: size, fit: "inside" })
        .toFormat(format)
        .toBuffer({ resolveWithObject: true });
      const key = await write(Readable.from([data]), mimeType);
      variants.push({
        name: `${size}.${format}`,
        width: info.width,
        height: info.height,
        format,
        mimeType,
        size: data.length,
        key,
      });
    }
  }
  return variants;
}
