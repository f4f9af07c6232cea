import { type FormEvent, useCallback, useEffect, useState } from "react";
import { api, messageOf } from "../api";

interface Entry {
  id: string;
  time: string;
  kind: string;
  keyId: string | null;
  userId: string | null;
  method: string | null;
  route: string | null;
  status: number | null;
  latencyMs: number | null;
  action: string | null;
}

const FILTERS = ["kind", "status", "method", "route", "keyId", "since"] as const;

/** The activity log with filters, page by page, and its export. */
export function ActivityPage() {
  const [filter, setFilter] = useState(new URLSearchParams());
  const [entries, setEntries] = useState<Entry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const fetchPage = useCallback(
    async (after: string | null) => {
      const params = new URLSearchParams(filter);
      params.set("limit", "50");
      if (after) params.set("cursor", after);
      const page = await api<{ items: Entry[]; nextCursor: string | null }>(
        "GET",
        `/api/audit?${params}`,
      );
      setEntries((old) => (after ? [...old, ...page.items] : page.items));
      setCursor(page.nextCursor);
    },
    [filter],
  );
  useEffect(() => {
    fetchPage(null).catch((e) => setError(messageOf(e)));
  }, [fetchPage]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    for (const name of FILTERS) {
      const value = String(form.get(name) ?? "").trim();
      if (value) next.set(name, name === "since" ? new Date(value).toISOString() : value);
    }
    setError(null);
    setFilter(next);
  };
  // A link cannot send the version header, so the export is fetched and handed over as a file.
  const download = async (format: "csv" | "ndjson") => {
    const params = new URLSearchParams(filter);
    params.set("format", format);
    const res = await fetch(`/api/audit?${params}`, { headers: { "x-api-version": "v1" } });
    const url = URL.createObjectURL(await res.blob());
    const a = Object.assign(document.createElement("a"), {
      href: url,
      download: `activity.${format}`,
    });
    a.click();
    URL.revokeObjectURL(url);
  };

  return (
    <section aria-labelledby="activity-title">
      <h1 id="activity-title">Activity</h1>
      <ActivityFilters onSubmit={submit} />
      <p className="row">
        <button type="button" className="secondary" onClick={() => download("csv")}>
          Export CSV
        </button>
        <button type="button" className="secondary" onClick={() => download("ndjson")}>
          Export NDJSON
        </button>
      </p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <ActivityTable entries={entries} />
      {cursor && (
        <button type="button" onClick={() => fetchPage(cursor)}>
          Load more
        </button>
      )}
    </section>
  );
}

function ActivityFilters(props: { onSubmit: (e: FormEvent<HTMLFormElement>) => void }) {
  return (
    <form className="card filters" onSubmit={props.onSubmit}>
      <div>
        <label htmlFor="a-kind">Kind</label>
        <select id="a-kind" name="kind" defaultValue="">
          <option value="">All</option>
          <option value="request">Requests</option>
          <option value="admin">Administrative changes</option>
        </select>
      </div>
      <div>
        <label htmlFor="a-status">Status</label>
        <select id="a-status" name="status" defaultValue="">
          <option value="">All</option>
          <option value="2xx">2xx</option>
          <option value="4xx">4xx</option>
          <option value="5xx">5xx</option>
        </select>
      </div>
      <div>
        <label htmlFor="a-method">Method</label>
        <input id="a-method" name="method" placeholder="GET" />
      </div>
      <div>
        <label htmlFor="a-route">Route</label>
        <input id="a-route" name="route" placeholder="/api/metadata" />
      </div>
      <div>
        <label htmlFor="a-key">Key id</label>
        <input id="a-key" name="keyId" />
      </div>
      <div>
        <label htmlFor="a-since">Since</label>
        <input id="a-since" name="since" type="datetime-local" />
      </div>
      <button type="submit">Filter</button>
    </form>
  );
}

function ActivityTable(props: { entries: Entry[] }) {
  if (props.entries.length === 0) return <p>No entries match.</p>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
            <th scope="col">Status</th>
            <th scope="col">Latency</th>
          </tr>
        </thead>
        <tbody>
          {props.entries.map((e) => (
            <tr key={e.id}>
              <td>{new Date(e.time).toLocaleString()}</td>
              <td>{e.keyId ?? (e.userId ? `user ${e.userId}` : "–")}</td>
              <td>{e.action ?? `${e.method ?? ""} ${e.route ?? ""}`}</td>
              <td>{e.status ?? "–"}</td>
              <td>{e.latencyMs === null ? "–" : `${e.latencyMs} ms`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
