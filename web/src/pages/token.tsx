import { useCallback, useEffect, useState } from "react";
import { ApiError, api, type FieldProblem, messageOf, type Page } from "../api";
import { JsonDiff } from "../components/diff";
import { Link } from "../router";
import type { MetadataView } from "./collections";
import { DocumentForm } from "./document-form";

interface Version {
  version: number;
  change: string;
  document: Record<string, unknown>;
  createdAt: string;
}

/** One token's document: edit with the API's checks shown at each field, history and restore. */
export function TokenPage(props: { id: string }) {
  const [record, setRecord] = useState<MetadataView | null>(null);
  const [versions, setVersions] = useState<Version[]>([]);
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const path = `/api/metadata/${encodeURIComponent(props.id)}`;

  const load = useCallback(async () => {
    try {
      setRecord(await api<MetadataView>("GET", path));
      setVersions((await api<Page<Version>>("GET", `${path}/versions?limit=100`)).items);
    } catch (e) {
      setNotice(messageOf(e));
    }
  }, [path]);
  useEffect(() => {
    void load();
  }, [load]);

  const save = async (document: Record<string, unknown>) => {
    if (!record) return;
    setProblems([]);
    setNotice(null);
    try {
      // Only what the form changed is sent, as a merge patch: the service keeps every other
      // member exactly as stored (a number beyond 2^53, key order), which a browser cannot.
      const patch = mergePatchOf(record.document, document);
      await api("PATCH", path, { body: { document: patch, version: record.version } });
      setNotice("Saved.");
      await load();
    } catch (e) {
      if (e instanceof ApiError && e.details.length > 0) setProblems(e.details);
      setNotice(
        e instanceof ApiError && e.status === 409 ? "Changed elsewhere: reload." : messageOf(e),
      );
    }
  };
  const restore = async (version: number) => {
    setNotice(null);
    try {
      await api("POST", `${path}/versions/${version}/restore`, { body: {} });
      setNotice(`Restored version ${version}.`);
      await load();
    } catch (e) {
      setNotice(messageOf(e));
    }
  };

  if (!record) return <p role="status">{notice ?? "Loading…"}</p>;
  return (
    <section aria-labelledby="token-title">
      <p>
        <Link to="/collections">← Collections and tokens</Link>
      </p>
      <h1 id="token-title">{String(record.document.name ?? record.id)}</h1>
      <p className="muted">
        {record.collection ?? "no collection"} #{record.tokenId ?? "–"} · version {record.version}
      </p>
      {notice && (
        <p role="status" className={problems.length ? "error" : "notice"}>
          {notice}
        </p>
      )}
      <div className="columns">
        <DocumentForm
          key={record.version}
          document={record.document}
          problems={problems}
          onSave={save}
        />
        <History current={record} versions={versions} onRestore={restore} />
      </div>
    </section>
  );
}

function History(props: {
  current: MetadataView;
  versions: Version[];
  onRestore: (version: number) => void;
}) {
  const [shown, setShown] = useState<number | null>(null);
  const earlier = props.versions.filter((v) => v.version !== props.current.version);
  const picked = earlier.find((v) => v.version === shown);
  return (
    <aside className="card history" aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      {earlier.length === 0 && <p>No earlier versions.</p>}
      <ol reversed>
        {earlier.map((v) => (
          <li key={v.version}>
            <button
              type="button"
              className="link"
              aria-pressed={shown === v.version}
              onClick={() => setShown(v.version)}
            >
              Version {v.version} · {v.change} · {new Date(v.createdAt).toLocaleString()}
            </button>
          </li>
        ))}
      </ol>
      {picked && (
        <>
          <h3>Version {picked.version} → current</h3>
          <JsonDiff
            before={picked.document}
            after={props.current.document}
            label={`Changes from version ${picked.version}`}
          />
          <button type="button" onClick={() => props.onRestore(picked.version)}>
            Restore version {picked.version}
          </button>
        </>
      )}
    </aside>
  );
}

/** The RFC 7396 merge patch that turns `before` into `after`, top-level members only. */
function mergePatchOf(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(after)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(value)) patch[key] = value;
  }
  for (const key of Object.keys(before)) {
    if (!(key in after)) patch[key] = null;
  }
  return patch;
}
