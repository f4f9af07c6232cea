import { useCallback, useEffect, useState } from "react";
import { api, messageOf, type Page } from "../api";
import { CreateKeyForm } from "./create-key-form";

export interface KeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  rateLimit: number | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
  status: "active" | "revoked" | "expired" | "disabled";
}

/** A key's value, shown once right after it was made. */
interface NewSecret {
  name: string;
  key: string;
}

const GRACE_CHOICES = [
  { seconds: 0, label: "none (old key stops now)" },
  { seconds: 3600, label: "1 hour" },
  { seconds: 86_400, label: "1 day" },
  { seconds: 604_800, label: "7 days" },
];

export function ApiKeysPage() {
  const [keys, setKeys] = useState<KeyView[]>([]);
  const [secret, setSecret] = useState<NewSecret | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setKeys((await api<Page<KeyView>>("GET", "/api/keys?limit=100")).items);
    } catch (e) {
      setError(messageOf(e));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const act = async (run: () => Promise<void>) => {
    setError(null);
    try {
      await run();
      await load();
    } catch (e) {
      setError(messageOf(e));
    }
  };
  const revoke = (key: KeyView) =>
    act(async () => {
      if (!window.confirm(`Revoke ${key.name}? Clients using it are refused at once.`)) return;
      await api("DELETE", `/api/keys/${key.id}`);
    });
  const rotate = (key: KeyView, gracePeriodSeconds: number) =>
    act(async () => {
      const made = await api<{ key: string }>("POST", `/api/keys/${key.id}/rotate`, {
        body: { gracePeriodSeconds },
      });
      setSecret({ name: key.name, key: made.key });
    });

  return (
    <section aria-labelledby="keys-title">
      <h1 id="keys-title">API Keys</h1>
      {secret && <SecretBox secret={secret} onDone={() => setSecret(null)} />}
      <CreateKeyForm
        onCreated={async (name, key) => {
          setSecret({ name, key });
          await load();
        }}
      />
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <h2>Keys</h2>
      <KeyTable keys={keys} onRevoke={revoke} onRotate={rotate} />
    </section>
  );
}

function SecretBox(props: { secret: NewSecret; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard.writeText(props.secret.key);
    setCopied(true);
  };
  return (
    <div className="secret" role="status">
      <h2>Key for {props.secret.name}</h2>
      <p>Copy it now: it is shown only this once, and the service keeps no copy.</p>
      <div className="secret-row">
        <code data-testid="new-key">{props.secret.key}</code>
        <button type="button" onClick={copy}>
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
      <button type="button" className="secondary" onClick={props.onDone}>
        I have stored it
      </button>
    </div>
  );
}

function KeyTable(props: {
  keys: KeyView[];
  onRevoke: (key: KeyView) => void;
  onRotate: (key: KeyView, grace: number) => void;
}) {
  if (props.keys.length === 0) return <p>No keys yet.</p>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Key</th>
            <th scope="col">Scopes</th>
            <th scope="col">Status</th>
            <th scope="col">Last used</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {props.keys.map((key) => (
            <KeyRow key={key.id} apiKey={key} onRevoke={props.onRevoke} onRotate={props.onRotate} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function KeyRow(props: {
  apiKey: KeyView;
  onRevoke: (key: KeyView) => void;
  onRotate: (key: KeyView, grace: number) => void;
}) {
  const key = props.apiKey;
  const [grace, setGrace] = useState(86_400);
  const live = key.status === "active" || key.status === "disabled";
  return (
    <tr data-key-id={key.id}>
      <td>{key.name}</td>
      <td>
        <code>{key.prefix}…</code>
      </td>
      <td>{key.scopes.join(", ")}</td>
      <td>
        <span className={`badge ${key.status}`}>{key.status}</span>
      </td>
      <td>{key.lastUsedAt ? new Date(key.lastUsedAt).toLocaleString() : "never"}</td>
      <td className="actions">
        {live && (
          <>
            <label className="inline">
              <span className="sr-only">Grace period for {key.name}</span>
              <select value={grace} onChange={(e) => setGrace(Number(e.target.value))}>
                {GRACE_CHOICES.map((g) => (
                  <option key={g.seconds} value={g.seconds}>
                    grace: {g.label}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" className="secondary" onClick={() => props.onRotate(key, grace)}>
              Rotate <span className="sr-only">{key.name}</span>
            </button>
            <button type="button" className="danger" onClick={() => props.onRevoke(key)}>
              Revoke <span className="sr-only">{key.name}</span>
            </button>
          </>
        )}
      </td>
    </tr>
  );
}
