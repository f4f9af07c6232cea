import { type MouseEvent, type ReactNode, useEffect, useState } from "react";

const BASE = "/admin";

/** The path inside the dashboard, such as `/keys` or `/tokens/abc`. */
export function currentPath(): string {
  const path = window.location.pathname.replace(/^\/admin/, "");
  return path === "" ? "/" : path;
}

export function navigate(path: string): void {
  window.history.pushState(null, "", BASE + path);
  window.dispatchEvent(new PopStateEvent("popstate"));
}

/** Re-renders on every navigation, browser buttons included. */
export function usePath(): string {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const update = () => setPath(currentPath());
    window.addEventListener("popstate", update);
    return () => window.removeEventListener("popstate", update);
  }, []);
  return path;
}

export function Link(props: { to: string; children: ReactNode; className?: string }) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    // Let the browser open new tabs and windows as usual.
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    navigate(props.to);
  };
  const current = usePath() === props.to ? "page" : undefined;
  return (
    <a href={BASE + props.to} onClick={onClick} className={props.className} aria-current={current}>
      {props.children}
    </a>
  );
}
