/**
 * A chart: Apache ECharts in a box, with its option given by the page. The library is loaded on
 * first use (a separate bundle), the chart follows the box's size, and a click on a bar, a cell or
 * a mark reaches the page (drill-down). Every chart carries an accessible name; give a data table
 * beside it (`<details>` with the numbers) where the numbers matter.
 */
import type { EChartsCoreOption, ECharts } from "echarts/core";
import { useEffect, useRef, useState } from "preact/hooks";
import { useLang } from "../i18n.ts";
import { useComponentStrings } from "../components/strings.ts";
import type * as Charts from "./echarts.ts";

/** What a click on the chart hit: the series, the category (x value) and the data. */
export interface ChartClick {
  componentType: string;
  seriesName?: string;
  seriesIndex?: number;
  name?: string;
  dataIndex?: number;
  value?: unknown;
  data?: unknown;
}

export interface ChartProps {
  option: EChartsCoreOption;
  /** The chart's accessible name (what it shows). */
  label: string;
  height?: number;
  onClick?: (click: ChartClick) => void;
  /** data-testid-like hook for tests and styling. */
  id?: string;
}

let loading: Promise<typeof Charts> | undefined;
const loadCharts = () => (loading ??= import("./echarts.ts"));

export function Chart({ option, label, height = 320, onClick, id }: ChartProps) {
  const t = useComponentStrings();
  const lang = useLang();
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | undefined>(undefined);
  const clickRef = useRef(onClick);
  clickRef.current = onClick;
  const [ready, setReady] = useState(false);

  useEffect(() => {
    let disposed = false;
    let observer: ResizeObserver | undefined;
    void loadCharts().then(({ echarts }) => {
      if (disposed || !box.current) return;
      const instance = echarts.init(box.current, undefined, { renderer: "svg", locale: lang === "pl" ? "PL" : "EN" });
      instance.on("click", (params) => clickRef.current?.(params as ChartClick));
      chart.current = instance;
      observer = new ResizeObserver(() => instance.resize());
      observer.observe(box.current);
      setReady(true);
    });
    return () => {
      disposed = true;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = undefined;
      setReady(false);
    };
  }, [lang]);

  useEffect(() => {
    if (ready) chart.current?.setOption({ aria: { enabled: true, label: { enabled: true } }, animation: false, ...option }, { notMerge: true });
  }, [ready, option]);

  return (
    <div class="chart" role="figure" aria-label={label} data-chart={id} data-ready={ready ? "true" : "false"} style={{ height: `${height}px` }}>
      {/* ECharts owns this box's children: Preact never renders into it. */}
      <div ref={box} class="chart-canvas" style={{ width: "100%", height: "100%" }} />
      {!ready && <p class="muted chart-loading">{t("chartLoading")}</p>}
    </div>
  );
}
