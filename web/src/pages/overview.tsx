import { useEffect, useState } from "react";
import { api, messageOf } from "../api";
import { BarChart } from "../components/bar-chart";

interface Period {
  period: string;
  requests: number;
  errors: number;
}

const DAY_MS = 86_400_000;

/** Request volume and error rate per hour over the last day, from the activity log. */
export function OverviewPage() {
  const [periods, setPeriods] = useState<Period[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const since = new Date(Date.now() - DAY_MS).toISOString();
    api<{ periods: Period[] }>("GET", `/api/audit/usage?bucket=hour&since=${since}`)
      .then((r) => setPeriods(lastDay(r.periods)))
      .catch((e) => setError(messageOf(e)));
  }, []);

  const total = periods?.reduce((n, p) => n + p.requests, 0) ?? 0;
  const errors = periods?.reduce((n, p) => n + p.errors, 0) ?? 0;
  const label = (p: Period) => p.period.slice(5, 16).replace("T", " ");
  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Overview</h1>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <dl className="stats">
        <div>
          <dt>Requests, last 24 hours</dt>
          <dd>{total}</dd>
        </div>
        <div>
          <dt>Error rate</dt>
          <dd>{total ? `${((errors / total) * 100).toFixed(1)} %` : "–"}</dd>
        </div>
      </dl>
      {periods && (
        <div className="charts">
          <BarChart
            title="Requests per hour"
            points={periods.map((p) => ({ label: label(p), value: p.requests }))}
          />
          <BarChart
            title="Error rate per hour"
            format={(v) => `${v.toFixed(1)} %`}
            points={periods.map((p) => ({
              label: label(p),
              value: p.requests ? (p.errors / p.requests) * 100 : 0,
            }))}
          />
        </div>
      )}
    </section>
  );
}

/** Every hour of the last day, so that quiet hours show as gaps rather than vanish. */
function lastDay(periods: Period[]): Period[] {
  const byHour = new Map(periods.map((p) => [p.period.slice(0, 13), p]));
  const now = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  return Array.from({ length: 24 }, (_, i) => {
    const period = new Date(now - (23 - i) * 3_600_000).toISOString();
    return byHour.get(period.slice(0, 13)) ?? { period, requests: 0, errors: 0 };
  });
}
