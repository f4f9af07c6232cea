import { describe, expect, it } from "vitest";
import { ConfigError, readConfig } from "../config.js";

describe("media configuration", () => {
  it("has per-type limits in bytes and variant sizes by default", () => {
    const { media } = readConfig({});
    expect(media.limitBytes).toEqual({
      image: 50 * 1024 * 1024,
      video: 200 * 1024 * 1024,
      model: 200 * 1024 * 1024,
      audio: 100 * 1024 * 1024,
    });
    expect(media.variantSizes).toEqual([256, 512, 1024]);
    expect(media.s3).toBeUndefined();
  });

  it("stops the start naming each S3 setting an S3 store lacks", () => {
    const attempt = () => readConfig({ MEDIA_STORE: "s3", S3_BUCKET: "b" });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/S3_ACCESS_KEY_ID.*\n.*S3_SECRET_ACCESS_KEY/);
  });

  it("refuses a limit that is not a whole number of bytes", () => {
    expect(() => readConfig({ MEDIA_IMAGE_LIMIT_BYTES: "50MB" })).toThrow(
      /MEDIA_IMAGE_LIMIT_BYTES/,
    );
  });

  it("makes no variants when MEDIA_VARIANT_SIZES is set empty", () => {
    expect(readConfig({ MEDIA_VARIANT_SIZES: "" }).media.variantSizes).toEqual([]);
  });
});
