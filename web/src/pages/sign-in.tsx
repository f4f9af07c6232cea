import { type FormEvent, useState } from "react";
import { authCall, messageOf } from "../api";

export function SignInPage(props: { onSignedIn: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await authCall("/sign-in/email", {
        email: String(form.get("email")),
        password: String(form.get("password")),
      });
      props.onSignedIn();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="sign-in">
      <form onSubmit={submit} aria-describedby={error ? "sign-in-error" : undefined}>
        <h1>Sign in to nftmeta</h1>
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="username" required />
        <label htmlFor="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
        />
        {error && (
          <p id="sign-in-error" role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        <p className="hint">
          No account yet? Create the first administrator with{" "}
          <code>nftmeta admin create --email you@example.com --password-stdin</code>.
        </p>
      </form>
    </main>
  );
}
