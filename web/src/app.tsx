import { useCallback, useEffect, useState } from "react";
import { authCall } from "./api";
import { Layout } from "./layout";
import { ActivityPage } from "./pages/activity";
import { ApiKeysPage } from "./pages/api-keys";
import { CollectionsPage } from "./pages/collections";
import { MediaPage } from "./pages/media";
import { OverviewPage } from "./pages/overview";
import { SignInPage } from "./pages/sign-in";
import { TokenPage } from "./pages/token";
import { usePath } from "./router";

export interface SessionUser {
  id: string;
  email: string;
  name: string;
}

type SessionState = { status: "loading" } | { status: "out" } | { status: "in"; user: SessionUser };

export function App() {
  const [session, setSession] = useState<SessionState>({ status: "loading" });
  const refresh = useCallback(async () => {
    const found = await authCall<{ user: SessionUser } | null>("/get-session").catch(() => null);
    setSession(found ? { status: "in", user: found.user } : { status: "out" });
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  if (session.status === "loading") return <p className="loading">Loading…</p>;
  if (session.status === "out") return <SignInPage onSignedIn={refresh} />;
  const signOut = async () => {
    await authCall("/sign-out", {});
    setSession({ status: "out" });
  };
  return (
    <Layout user={session.user} onSignOut={signOut}>
      <Page />
    </Layout>
  );
}

function Page() {
  const path = usePath();
  const token = /^\/tokens\/([^/]+)$/.exec(path);
  if (token?.[1]) return <TokenPage id={decodeURIComponent(token[1])} />;
  switch (path) {
    case "/settings/keys":
      return <ApiKeysPage />;
    case "/collections":
      return <CollectionsPage />;
    case "/media":
      return <MediaPage />;
    case "/activity":
      return <ActivityPage />;
    default:
      return <OverviewPage />;
  }
}
