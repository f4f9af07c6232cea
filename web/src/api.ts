/** One problem with the input, as the API names it (`document.attributes[0].value`). */
export interface FieldProblem {
  path: string;
  message: string;
}

/** A refusal from the API, in its one error body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldProblem[] = [],
  ) {
    super(message);
  }
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  limit: number;
  pages: number;
}

interface CallOptions {
  body?: unknown;
  form?: FormData;
  headers?: Record<string, string>;
}

/**
 * Calls the v1 API with the dashboard's session cookie. The browser adds `Origin` to writes, which
 * the service checks against its public address.
 */
export async function api<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { "x-api-version": "v1", ...options.headers };
  let body: BodyInit | undefined = options.form;
  if (options.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  const res = await fetch(path, { method, headers, body, credentials: "same-origin" });
  return read<T>(res);
}

/** The `data` of a success, or an ApiError. */
export async function read<T>(res: Response): Promise<T> {
  const text = await res.text();
  const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (res.ok && parsed.success !== false) return parsed.data as T;
  throw new ApiError(
    res.status,
    String(parsed.code ?? res.status),
    String(parsed.error ?? parsed.message ?? res.statusText),
    (parsed.details as FieldProblem[] | undefined) ?? [],
  );
}

/** Better Auth's own routes answer plain JSON, not the API envelope. */
export async function authCall<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`/api/auth${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  const parsed = (await res.json().catch(() => null)) as { message?: string } | null;
  if (!res.ok) {
    const message =
      res.status === 429
        ? "Too many sign-in attempts. Wait a few minutes, then try again."
        : (parsed?.message ?? "Sign-in failed");
    throw new ApiError(res.status, String(res.status), message);
  }
  return parsed as T;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
