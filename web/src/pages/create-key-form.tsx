import { type FormEvent, useState } from "react";
import { ApiError, api, messageOf } from "../api";

const SCOPES = [
  "metadata:read",
  "metadata:write",
  "media:read",
  "media:write",
  "keys:manage",
  "audit:read",
];

const EXPIRY_DAYS = [
  { days: 0, label: "Never" },
  { days: 7, label: "In 7 days" },
  { days: 30, label: "In 30 days" },
  { days: 90, label: "In 90 days" },
  { days: 365, label: "In a year" },
];

/** The fields of a new key: name, scopes, expiry and rate limit. */
export function CreateKeyForm(props: { onCreated: (name: string, key: string) => void }) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const scopes = form.getAll("scopes").map(String);
    if (scopes.length === 0) return setErrors({ scopes: "Choose at least one scope." });

    const days = Number(form.get("expiry"));
    const limit = String(form.get("rateLimit") ?? "").trim();
    const body = {
      name: String(form.get("name")).trim(),
      scopes,
      ...(days > 0 ? { expiresAt: new Date(Date.now() + days * 86_400_000).toISOString() } : {}),
      ...(limit ? { rateLimit: Number(limit) } : {}),
    };
    setBusy(true);
    setErrors({});
    try {
      const made = await api<{ key: string }>("POST", "/api/keys", { body });
      formElement.reset();
      props.onCreated(body.name, made.key);
    } catch (e) {
      setErrors(fieldErrors(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card" onSubmit={submit} noValidate={false}>
      <h2>Create a key</h2>
      <div className="grid">
        <div>
          <label htmlFor="key-name">Name</label>
          <input id="key-name" name="name" required maxLength={100} aria-invalid={!!errors.name} />
          <FieldError id="key-name-error" text={errors.name} />
        </div>
        <div>
          <label htmlFor="key-expiry">Expires</label>
          <select id="key-expiry" name="expiry" defaultValue="0">
            {EXPIRY_DAYS.map((e) => (
              <option key={e.days} value={e.days}>
                {e.label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="key-limit">Requests per hour</label>
          <input
            id="key-limit"
            name="rateLimit"
            type="number"
            min={1}
            placeholder="service default"
            aria-invalid={!!errors.rateLimit}
          />
          <FieldError id="key-limit-error" text={errors.rateLimit} />
        </div>
      </div>
      <fieldset aria-invalid={!!errors.scopes}>
        <legend>Scopes</legend>
        {SCOPES.map((scope) => (
          <label key={scope} className="check">
            <input type="checkbox" name="scopes" value={scope} /> {scope}
          </label>
        ))}
        <FieldError id="key-scopes-error" text={errors.scopes} />
      </fieldset>
      {errors.form && (
        <p role="alert" className="error">
          {errors.form}
        </p>
      )}
      <button type="submit" disabled={busy}>
        Create key
      </button>
    </form>
  );
}

function FieldError(props: { id: string; text: string | undefined }) {
  if (!props.text) return null;
  return (
    <p id={props.id} role="alert" className="field-error">
      {props.text}
    </p>
  );
}

/** The API's `details` keyed by field name, the rest under `form`. */
function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError) || error.details.length === 0) return { form: messageOf(error) };
  const out: Record<string, string> = {};
  for (const d of error.details) {
    const field = d.path.replace(/^body\.?/, "").split(/[.[]/)[0] || "form";
    out[field] = d.message;
  }
  return out;
}
