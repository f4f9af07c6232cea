import type { ReactNode } from "react";
import type { SessionUser } from "./app";
import { Link } from "./router";

const SECTIONS = [
  { to: "/", label: "Overview" },
  { to: "/collections", label: "Collections and tokens" },
  { to: "/media", label: "Media" },
  { to: "/activity", label: "Activity" },
  { to: "/settings/keys", label: "Settings → API Keys" },
];

export function Layout(props: { user: SessionUser; onSignOut: () => void; children: ReactNode }) {
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">nftmeta</span>
        <nav aria-label="Sections">
          <ul>
            {SECTIONS.map((s) => (
              <li key={s.to}>
                <Link to={s.to}>{s.label}</Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span>{props.user.email}</span>
          <button type="button" className="secondary" onClick={props.onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {props.children}
      </main>
    </div>
  );
}
