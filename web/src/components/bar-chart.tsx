/** A small bar chart drawn as SVG, with a table alternative for screen readers. */
export function BarChart(props: {
  title: string;
  points: { label: string; value: number }[];
  format?: (value: number) => string;
}) {
  const format = props.format ?? String;
  const max = Math.max(1, ...props.points.map((p) => p.value));
  const width = 600;
  const height = 160;
  const step = props.points.length > 0 ? width / props.points.length : width;
  return (
    <figure className="chart">
      <figcaption>{props.title}</figcaption>
      <svg viewBox={`0 0 ${width} ${height + 20}`} role="img" aria-label={props.title}>
        <line x1={0} y1={height} x2={width} y2={height} className="axis" />
        {props.points.map((p, i) => {
          const h = (p.value / max) * (height - 10);
          return (
            <rect
              key={p.label}
              x={i * step + 1}
              y={height - h}
              width={Math.max(1, step - 2)}
              height={h}
            >
              <title>{`${p.label}: ${format(p.value)}`}</title>
            </rect>
          );
        })}
        <text x={0} y={height + 16}>
          {props.points[0]?.label ?? ""}
        </text>
        <text x={width} y={height + 16} textAnchor="end">
          {props.points.at(-1)?.label ?? ""}
        </text>
        <text x={width} y={12} textAnchor="end">
          max {format(max)}
        </text>
      </svg>
    </figure>
  );
}
