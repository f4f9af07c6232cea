import { type FormEvent, useState } from "react";
import type { FieldProblem } from "../api";

const TEXT_FIELDS = [
  { name: "name", label: "Name" },
  { name: "description", label: "Description", long: true },
  { name: "image", label: "Image URI" },
  { name: "animation_url", label: "Animation URI" },
  { name: "external_url", label: "External URL" },
  { name: "background_color", label: "Background colour (six hex digits)" },
];

interface Attribute {
  trait_type?: string;
  value: unknown;
  display_type?: string;
  [other: string]: unknown;
}

/**
 * The fields wallets read, each with the API's complaint about it beside it. Fields the form does
 * not show are kept as they were.
 */
export function DocumentForm(props: {
  document: Record<string, unknown>;
  problems: FieldProblem[];
  onSave: (document: Record<string, unknown>) => void;
}) {
  const [attributes, setAttributes] = useState<Attribute[]>(
    Array.isArray(props.document.attributes) ? (props.document.attributes as Attribute[]) : [],
  );
  const problemAt = (path: string) =>
    props.problems.find((p) => p.path === `document.${path}` || p.path === path)?.message;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next: Record<string, unknown> = { ...props.document };
    for (const f of TEXT_FIELDS) {
      const value = String(form.get(f.name) ?? "");
      if (value === "" && !(f.name in props.document)) continue;
      next[f.name] = value;
    }
    next.attributes = attributes.map((a, i) => ({
      ...a,
      trait_type: String(form.get(`attr-${i}-type`) ?? ""),
      value: typed(String(form.get(`attr-${i}-value`) ?? ""), a.value),
    }));
    props.onSave(next);
  };

  return (
    <form className="card document" onSubmit={submit}>
      <h2>Document</h2>
      {TEXT_FIELDS.map((f) => (
        <Field
          key={f.name}
          id={`doc-${f.name}`}
          name={f.name}
          label={f.label}
          long={f.long}
          value={props.document[f.name]}
          problem={problemAt(f.name)}
        />
      ))}
      <fieldset>
        <legend>Attributes</legend>
        {attributes.map((a, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: attributes have no identity but their place
          <div className="attr" key={i}>
            <Field
              id={`attr-${i}-type`}
              name={`attr-${i}-type`}
              label="Trait type"
              value={a.trait_type}
              problem={problemAt(`attributes[${i}].trait_type`)}
            />
            <Field
              id={`attr-${i}-value`}
              name={`attr-${i}-value`}
              label="Value"
              value={a.value}
              problem={problemAt(`attributes[${i}].value`) ?? problemAt(`attributes[${i}]`)}
            />
            <button
              type="button"
              className="secondary"
              onClick={() => setAttributes(attributes.filter((_, j) => j !== i))}
            >
              Remove <span className="sr-only">attribute {i + 1}</span>
            </button>
          </div>
        ))}
        <button
          type="button"
          className="secondary"
          onClick={() => setAttributes([...attributes, { trait_type: "", value: "" }])}
        >
          Add attribute
        </button>
      </fieldset>
      <button type="submit">Save</button>
    </form>
  );
}

function Field(props: {
  id: string;
  name: string;
  label: string;
  value: unknown;
  problem: string | undefined;
  long?: boolean | undefined;
}) {
  const errorId = `${props.id}-error`;
  const shared = {
    id: props.id,
    name: props.name,
    defaultValue: props.value === undefined || props.value === null ? "" : String(props.value),
    "aria-invalid": props.problem ? true : undefined,
    "aria-describedby": props.problem ? errorId : undefined,
  };
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      {props.long ? <textarea rows={3} {...shared} /> : <input {...shared} />}
      {props.problem && (
        <p id={errorId} className="field-error" role="alert">
          {props.problem}
        </p>
      )}
    </div>
  );
}

/** Keeps a trait's value a number or boolean when it was one and the text still reads as one. */
function typed(text: string, before: unknown): unknown {
  if (typeof before === "number" && text.trim() !== "" && Number.isFinite(Number(text))) {
    return Number(text);
  }
  if (typeof before === "boolean" && (text === "true" || text === "false")) return text === "true";
  return text;
}
