/**
 * Live data by short polling: a view asks again every few seconds while the tab is visible, at
 * once when it becomes visible again, and when the view says something changed (refresh()). The
 * previous answer stays on screen while the next is fetched, so nothing flickers.
 */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";

export interface Live<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  /** When the data shown was fetched. */
  updatedAt: number | undefined;
  refresh(): void;
}

/** How often views ask again by default: a claim by a colleague shows within this time. */
export const LIVE_INTERVAL_MS = 3_000;

/**
 * `load` is called with an AbortSignal; `key` names what is loaded (when it changes, the old
 * answer is dropped and the new one fetched at once). `intervalMs: 0` loads once.
 */
export function useLive<T>(load: (signal: AbortSignal) => Promise<T>, key: string, intervalMs = LIVE_INTERVAL_MS): Live<T> {
  const [state, setState] = useState<{ key: string; data?: T; error?: Error; loading: boolean; updatedAt?: number }>({ key, loading: true });
  const loadRef = useRef(load);
  loadRef.current = load;
  const [tick, setTick] = useState(0);
  const refresh = useCallback(() => setTick((value) => value + 1), []);

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const run = async () => {
      if (stopped) return;
      if (document.hidden && intervalMs > 0) return; // asked again when visible
      setState((previous) => ({ ...(previous.key === key ? previous : { key }), loading: true }));
      try {
        const data = await loadRef.current(controller.signal);
        if (!stopped) setState({ key, data, loading: false, updatedAt: Date.now() });
      } catch (error) {
        if (stopped || controller.signal.aborted) return;
        setState((previous) => ({ ...(previous.key === key ? previous : { key }), error: error instanceof Error ? error : new Error(String(error)), loading: false }));
      }
      if (!stopped && intervalMs > 0) timer = setTimeout(() => void run(), intervalMs);
    };
    const visible = () => {
      if (!document.hidden) {
        clearTimeout(timer);
        void run();
      }
    };
    void run();
    document.addEventListener("visibilitychange", visible);
    return () => {
      stopped = true;
      clearTimeout(timer);
      controller.abort();
      document.removeEventListener("visibilitychange", visible);
    };
  }, [key, intervalMs, tick]);

  if (state.key !== key) return { data: undefined, error: undefined, loading: true, updatedAt: undefined, refresh };
  return { data: state.data, error: state.error, loading: state.loading, updatedAt: state.updatedAt, refresh };
}
