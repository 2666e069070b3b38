/**
 * The shell: sign in with the team's key, then the team's pages. The header names the team and its
 * view (a pseudonymous team is told it sees no personal data), switches the language and signs out.
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import { ApiError, api, storeKey, storedKey, whenUnauthorized } from "./api.ts";
import { SourceHealthBanner } from "./components/source-health.tsx";
import { LANGS, setLang, useLang, type Lang } from "./i18n.ts";
import { pagesFor } from "./pages/registry.ts";
import { navigate, routeHref, useRoute } from "./route.ts";
import { SessionContext, storeActor, storedActor, type Session } from "./session.ts";
import { useShellStrings } from "./strings.ts";
import type { Me, Team } from "./types.ts";

export function App() {
  const [team, setTeam] = useState<Team | undefined>(undefined);
  const [checking, setChecking] = useState(() => storedKey() !== "");

  // A key from earlier in this tab: check it once.
  useEffect(() => {
    const key = storedKey();
    if (!key) return;
    api<Me>("/me", { key })
      .then((me) => setTeam(me.team))
      .catch(() => storeKey(""))
      .finally(() => setChecking(false));
  }, []);
  useEffect(() => whenUnauthorized(() => setTeam(undefined)), []);

  if (checking) return null;
  if (!team) return <SignIn onSignedIn={setTeam} />;
  return <Workspace team={team} onSignOut={() => (storeKey(""), setTeam(undefined))} />;
}

function LanguageSwitch() {
  const t = useShellStrings();
  const lang = useLang();
  return (
    <label class="lang">
      <span class="visually-hidden">{t("language")}</span>
      <select value={lang} onChange={(event) => setLang((event.currentTarget as HTMLSelectElement).value as Lang)}>
        {LANGS.map((option) => (
          <option key={option} value={option} lang={option}>
            {option === "pl" ? "Polski" : "English"}
          </option>
        ))}
      </select>
    </label>
  );
}

function SignIn({ onSignedIn }: { onSignedIn: (team: Team) => void }) {
  const t = useShellStrings();
  const [key, setKey] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const me = await api<Me>("/me", { key: key.trim() });
      storeKey(key.trim());
      onSignedIn(me.team);
    } catch (caught) {
      setError(caught instanceof ApiError && caught.status === 401 ? t("badKey") : String((caught as Error).message));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="signin">
      <header class="bar">
        <span class="logo">{t("product")}</span>
        <LanguageSwitch />
      </header>
      <main id="main">
        <h1>{t("product")}</h1>
        <p>{t("tagline")}</p>
        <form onSubmit={(event) => void submit(event)} class="signin-form">
          <label for="key">{t("keyLabel")}</label>
          <input id="key" type="password" autocomplete="off" required value={key} onInput={(event) => setKey((event.currentTarget as HTMLInputElement).value)} aria-describedby="key-help" />
          <p id="key-help" class="muted small">
            {t("keyHelp")}
          </p>
          <button type="submit" disabled={busy}>
            {busy ? t("signingIn") : t("signIn")}
          </button>
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
        </form>
      </main>
    </div>
  );
}

function Workspace({ team, onSignOut }: { team: Team; onSignOut: () => void }) {
  const t = useShellStrings();
  const route = useRoute();
  const pages = useMemo(() => pagesFor(team), [team]);
  const [actor, setActorState] = useState(() => storedActor(team.id));
  const session = useMemo<Session>(
    () => ({
      team,
      actor,
      setActor: (name) => {
        storeActor(team.id, name);
        setActorState(name.trim());
      },
      signOut: onSignOut,
    }),
    [team, actor, onSignOut],
  );
  const current = pages.find((page) => page.id === route.page);
  useEffect(() => {
    if (!route.page && pages[0]) navigate(pages[0].id);
  }, [route.page, pages]);
  useEffect(() => {
    document.title = current ? `${t(`page_${current.id}`)} · ${team.name} · Odzew` : `${team.name} · Odzew`;
  });
  const Page = current?.component;
  return (
    <SessionContext.Provider value={session}>
      <a class="skip" href="#main">
        {t("skip")}
      </a>
      <header class="bar">
        <span class="logo">{t("product")}</span>
        <span class="team" data-team={team.id}>
          <strong>{team.name}</strong> <span class={`view-badge ${team.view}`}>{t(`view_${team.view}`)}</span>
        </span>
        <nav aria-label={t("views")}>
          <ul>
            {pages.map((page) => (
              <li key={page.id}>
                <a href={routeHref(page.id)} aria-current={page.id === current?.id ? "page" : undefined}>
                  {t(`page_${page.id}`)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span class="spacer" />
        <LanguageSwitch />
        <button type="button" class="ghost" onClick={onSignOut}>
          {t("signOut")}
        </button>
      </header>
      <SourceHealthBanner />
      <main id="main" tabIndex={-1}>
        {Page ? <Page key={current.id} route={route} /> : route.page ? <p class="error">{t("notFound", { team: team.name })}</p> : null}
      </main>
    </SessionContext.Provider>
  );
}
