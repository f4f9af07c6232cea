type Line = { kind: "same" | "added" | "removed"; text: string };

/** Lines of `before` and `after` as a unified diff, by longest common subsequence. */
export function diffLines(before: string[], after: string[]): Line[] {
  const n = before.length;
  const m = after.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const row = lcs[i] as number[];
      row[j] =
        before[i] === after[j]
          ? (lcs[i + 1]?.[j + 1] ?? 0) + 1
          : Math.max(lcs[i + 1]?.[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const out: Line[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && before[i] === after[j]) {
      out.push({ kind: "same", text: before[i++] as string });
      j++;
    } else if (j < m && (i === n || (lcs[i]?.[j + 1] ?? 0) >= (lcs[i + 1]?.[j] ?? 0))) {
      out.push({ kind: "added", text: after[j++] as string });
    } else {
      out.push({ kind: "removed", text: before[i++] as string });
    }
  }
  return out;
}

/** Two JSON documents, pretty-printed and compared line by line. */
export function JsonDiff(props: { before: unknown; after: unknown; label: string }) {
  const lines = diffLines(
    JSON.stringify(props.before, null, 2).split("\n"),
    JSON.stringify(props.after, null, 2).split("\n"),
  );
  const sign = { same: " ", added: "+", removed: "-" };
  return (
    <figure className="diff-figure">
      <figcaption className="sr-only">{props.label}</figcaption>
      <pre className="diff">
        {lines.map((l, i) => (
          // Lines repeat, so their place is the only stable key.
          // biome-ignore lint/suspicious/noArrayIndexKey: see above
          <span key={i} className={l.kind}>
            {sign[l.kind]} {l.text}
            {"\n"}
          </span>
        ))}
      </pre>
    </figure>
  );
}
