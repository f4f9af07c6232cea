import autocannon from "autocannon";
import { cpuSecondsOf } from "./children.mjs";

/** The run in progress, so that SIGINT can stop it. */
let current;

export function stopLoad() {
  current?.stop();
}

function fire(options, onLatency) {
  return new Promise((resolve, reject) => {
    current = autocannon(options, (error, result) => {
      current = undefined;
      if (error) reject(error);
      else resolve(result);
    });
    if (onLatency) current.on("response", (_client, status, _bytes, ms) => onLatency(status, ms));
  });
}

/**
 * Latencies of the 2xx answers in milliseconds, as measured. autocannon's own histogram keeps
 * whole milliseconds, which reads 0 or 1 for every run on a quick route.
 */
class Latencies {
  values = new Float64Array(1 << 16);
  count = 0;

  record = (status, ms) => {
    if (status < 200 || status > 299) return;
    if (this.count === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.count++] = ms;
  };

  percentiles(...ps) {
    const sorted = this.values.subarray(0, this.count).sort();
    return ps.map((p) => sorted[Math.min(this.count - 1, Math.ceil((p / 100) * this.count) - 1)]);
  }
}

/**
 * Loads one URL: a warm-up whose figures are dropped (JIT, connections, caches), then the
 * measured run. `pid` is the server's, whose CPU use tells whether it or the load generator in
 * this process was the limit.
 */
export async function measure({ url, headers = {}, pid }, settings) {
  const base = { url, headers, connections: settings.connections, pipelining: 1 };
  const warm = await fire({ ...base, duration: settings.warmupSeconds });

  const latencies = new Latencies();
  const cpuBefore = { server: cpuSecondsOf(pid), here: process.cpuUsage() };
  const result = await fire({ ...base, duration: settings.seconds }, latencies.record);
  const cpu = cpuSince(cpuBefore, pid);

  const [p50, p99] = latencies.percentiles(50, 99);
  const requests = result.requests.total;
  return {
    rps: result.requests.average,
    p50Ms: round2(p50),
    p99Ms: round2(p99),
    requests,
    // Server CPU time per answer moves less than requests/s when other work shares the machine.
    serverCpuUsPerRequest:
      cpu.serverSeconds === undefined
        ? undefined
        : Math.round((cpu.serverSeconds * 1e6) / requests),
    serverCpuPercent: percentOf(cpu.serverSeconds, result.duration),
    loadCpuPercent: percentOf(cpu.hereSeconds, result.duration),
    /** Answers in the warm-up and the measured run: what a profile of the server covers. */
    served: requests + warm.requests.total,
    // The warm-up counts here too: a failure there is as wrong as one in the measured run.
    non2xx: result.non2xx + warm.non2xx,
    // Timeouts are among the errors; they are shown apart because they point at overload.
    errors: result.errors + warm.errors,
    timeouts: result.timeouts + warm.timeouts,
    statusCodes: countCodes([warm, result]),
  };
}

/** CPU seconds used by the server and by this process (the load generator) since `before`. */
function cpuSince(before, pid) {
  const after = cpuSecondsOf(pid);
  const here = process.cpuUsage(before.here);
  return {
    serverSeconds: after === undefined ? undefined : after - before.server,
    hereSeconds: (here.user + here.system) / 1e6,
  };
}

/** Percent of one core. */
function percentOf(cpuSeconds, seconds) {
  return cpuSeconds === undefined ? undefined : Math.round((cpuSeconds / seconds) * 100);
}

function round2(value) {
  return value === undefined ? undefined : Math.round(value * 100) / 100;
}

function countCodes(results) {
  const counts = {};
  for (const { statusCodeStats } of results) {
    for (const [code, { count }] of Object.entries(statusCodeStats)) {
      counts[code] = (counts[code] ?? 0) + Number(count);
    }
  }
  return counts;
}
