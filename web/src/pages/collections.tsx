import { type FormEvent, useEffect, useState } from "react";
import { api, messageOf, type Page } from "../api";
import { Link } from "../router";

interface Collection {
  slug: string;
  name: string;
  standard: string;
}

export interface MetadataView {
  id: string;
  collection: string | null;
  tokenId: string | null;
  version: number;
  document: Record<string, unknown>;
  updatedAt: string;
}

/** Collections, and the tokens of one, searchable by text and by trait. */
export function CollectionsPage() {
  const [collections, setCollections] = useState<Collection[]>([]);
  const [query, setQuery] = useState({ collection: "", search: "", trait: "" });
  const [tokens, setTokens] = useState<Page<MetadataView> | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api<Page<Collection>>("GET", "/api/collections?limit=100")
      .then((r) => setCollections(r.items))
      .catch((e) => setError(messageOf(e)));
  }, []);
  useEffect(() => {
    const params = new URLSearchParams({ limit: "50", sort: "tokenId" });
    if (query.collection) params.set("collection", query.collection);
    if (query.search) params.set("search", query.search);
    if (query.trait) params.set("trait", query.trait);
    api<Page<MetadataView>>("GET", `/api/metadata?${params}`)
      .then(setTokens)
      .catch((e) => setError(messageOf(e)));
  }, [query]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const type = String(form.get("traitType")).trim();
    const value = String(form.get("traitValue")).trim();
    setError(null);
    setQuery({
      collection: String(form.get("collection")),
      search: String(form.get("search")).trim(),
      trait: type && value ? `${type}:${value}` : "",
    });
  };

  return (
    <section aria-labelledby="collections-title">
      <h1 id="collections-title">Collections and tokens</h1>
      <search>
        <form className="card filters" onSubmit={submit}>
          <div>
            <label htmlFor="f-collection">Collection</label>
            <select id="f-collection" name="collection" defaultValue="">
              <option value="">All</option>
              {collections.map((c) => (
                <option key={c.slug} value={c.slug}>
                  {c.name} ({c.slug}, {c.standard})
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="f-search">Name or description</label>
            <input id="f-search" name="search" type="search" />
          </div>
          <div>
            <label htmlFor="f-trait-type">Trait type</label>
            <input id="f-trait-type" name="traitType" />
          </div>
          <div>
            <label htmlFor="f-trait-value">Trait value</label>
            <input id="f-trait-value" name="traitValue" />
          </div>
          <button type="submit">Search</button>
        </form>
      </search>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {tokens && <TokenList page={tokens} />}
    </section>
  );
}

function TokenList(props: { page: Page<MetadataView> }) {
  if (props.page.items.length === 0) return <p>No tokens match.</p>;
  return (
    <>
      <p>
        {props.page.total} token{props.page.total === 1 ? "" : "s"}
      </p>
      <ul className="tokens">
        {props.page.items.map((t) => (
          <li key={t.id}>
            <Link to={`/tokens/${encodeURIComponent(t.id)}`}>
              {String(t.document.name ?? t.id)}
            </Link>
            <span className="muted">
              {t.collection ?? "no collection"} #{t.tokenId ?? "–"} · v{t.version}
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}
