import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEntry, sampleDocument, startTestApp, type TestApp } from "../../test/helpers.js";

// Regression: a deferred transaction that read, then wrote, failed at once with SQLITE_BUSY
// whenever the activity log's writer thread had committed in between.
describe("SQLite writes while the activity log writer commits", () => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    t = await startTestApp();
    key = await t.key();
  });
  afterAll(() => t.close());

  it("never fails a request with SQLITE_BUSY", async () => {
    const ids: string[] = [];
    for (let n = 0; n < 20; n++) {
      const res = await t.call("POST", "/api/metadata", {
        key,
        body: { document: sampleDocument(n) },
      });
      ids.push(res.json().data.id);
    }
    const statuses: number[] = [];
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 3000; i++) t.services.audit.record(auditEntry(`bulk-${round}-${i}`));
      const flushing = t.services.audit.flush();
      const answers = await Promise.all(
        ids.map((id, n) =>
          t.call("PUT", `/api/metadata/${id}`, {
            key,
            body: { document: { ...sampleDocument(n), name: `round ${round}` } },
          }),
        ),
      );
      statuses.push(...answers.map((a) => a.statusCode));
      await flushing;
    }
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });
});
