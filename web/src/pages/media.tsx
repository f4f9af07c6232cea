import { type DragEvent, useCallback, useEffect, useState } from "react";
import { api, messageOf, type Page, read } from "../api";

interface Media {
  id: string;
  fileName: string;
  mimeType: string;
  size: number;
  sha256: string;
  cid: string;
  width: number | null;
  height: number | null;
  url: string;
  alt: string | null;
  createdAt: string;
  variants: { name: string; width: number; url: string }[];
}

/** Upload with progress, a gallery of thumbnails, details and delete. */
export function MediaPage() {
  const [items, setItems] = useState<Media[]>([]);
  const [progress, setProgress] = useState<number | null>(null);
  const [selected, setSelected] = useState<Media | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  const load = useCallback(async () => {
    setItems((await api<Page<Media>>("GET", "/api/media?limit=100")).items);
  }, []);
  useEffect(() => {
    load().catch((e) => setMessage(messageOf(e)));
  }, [load]);

  const upload = async (files: FileList | null) => {
    for (const file of Array.from(files ?? [])) {
      setMessage(null);
      try {
        const made = await send(file, setProgress);
        setMessage(`Uploaded ${made.fileName}.`);
      } catch (e) {
        setMessage(`${file.name}: ${messageOf(e)}`);
      }
    }
    setProgress(null);
    await load();
  };
  const remove = async (media: Media) => {
    if (!window.confirm(`Delete ${media.fileName}?`)) return;
    await api("DELETE", `/api/media/${media.id}`);
    setSelected(null);
    await load();
  };

  return (
    <section aria-labelledby="media-title">
      <h1 id="media-title">Media</h1>
      <DropZone onFiles={upload} />
      {progress !== null && (
        <label className="progress">
          Uploading
          <progress max={100} value={progress} aria-label="Upload progress">
            {progress} %
          </progress>
        </label>
      )}
      {message && <p role="status">{message}</p>}
      {selected && <Details media={selected} onDelete={remove} onClose={() => setSelected(null)} />}
      <ul className="gallery">
        {items.map((m) => (
          <li key={m.id}>
            <button
              type="button"
              onClick={() => setSelected(m)}
              aria-label={`Details of ${m.fileName}`}
            >
              {m.mimeType.startsWith("image/") ? (
                <img src={thumbnail(m)} alt={m.alt ?? m.fileName} loading="lazy" />
              ) : (
                <span className="file-kind">{m.mimeType}</span>
              )}
              <span className="caption">{m.fileName}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function DropZone(props: { onFiles: (files: FileList | null) => void }) {
  const [over, setOver] = useState(false);
  const drop = (event: DragEvent<HTMLLabelElement>) => {
    event.preventDefault();
    setOver(false);
    props.onFiles(event.dataTransfer.files);
  };
  return (
    <label
      className={`drop ${over ? "over" : ""}`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
    >
      <span>Drop files here, or choose them</span>
      <input
        type="file"
        multiple
        aria-label="Choose files to upload"
        onChange={(e) => props.onFiles(e.currentTarget.files)}
      />
    </label>
  );
}

function Details(props: { media: Media; onDelete: (m: Media) => void; onClose: () => void }) {
  const m = props.media;
  return (
    <section className="card details" aria-label={`Details of ${m.fileName}`}>
      <h2>{m.fileName}</h2>
      <dl>
        <dt>Type</dt>
        <dd>{m.mimeType}</dd>
        <dt>Size</dt>
        <dd>{m.size.toLocaleString()} bytes</dd>
        {m.width && (
          <>
            <dt>Dimensions</dt>
            <dd>
              {m.width} × {m.height}
            </dd>
          </>
        )}
        <dt>CID</dt>
        <dd>
          <code>{m.cid}</code>
        </dd>
        <dt>SHA-256</dt>
        <dd>
          <code>{m.sha256}</code>
        </dd>
        <dt>URL</dt>
        <dd>
          <a href={m.url}>{m.url}</a>
        </dd>
      </dl>
      <button type="button" className="danger" onClick={() => props.onDelete(m)}>
        Delete
      </button>
      <button type="button" className="secondary" onClick={props.onClose}>
        Close
      </button>
    </section>
  );
}

function thumbnail(m: Media): string {
  const smallest = [...m.variants].sort((a, b) => a.width - b.width)[0];
  return smallest?.url ?? m.url;
}

/** fetch() cannot report upload progress; XMLHttpRequest can. */
function send(file: File, onProgress: (percent: number) => void): Promise<Media> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/media");
    xhr.setRequestHeader("x-api-version", "v1");
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100));
    };
    xhr.onload = () => {
      const res = new Response(xhr.responseText, { status: xhr.status });
      read<Media>(res).then(resolve, reject);
    };
    xhr.onerror = () => reject(new Error("the upload failed"));
    const form = new FormData();
    form.append("file", file);
    onProgress(0);
    xhr.send(form);
  });
}
