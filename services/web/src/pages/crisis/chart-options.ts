/**
 * The crisis room's ECharts options, built from the model's series (pure: words and number
 * formats come in as arguments). Every name shown in a tooltip is a word of ours or a brand id of
 * the configuration; the tooltips are ECharts' own, which escape names.
 */
import type { EChartsCoreOption } from "echarts/core";
import { STACK, type AlertMark, type StackPart } from "./model.ts";

/** The sentiment colours of the design tokens (style.css), the unscored in a light grey. */
export const PART_COLOURS: Record<StackPart, string> = { negative: "#b3261e", neutral: "#5d6779", positive: "#1d7a45", none: "#b9c0cc" };
const BRAND_COLOURS = ["#2457c5", "#b3261e", "#1d7a45", "#8a5a00", "#6b3fa0", "#00838f", "#5d6779", "#c2185b"];

export interface TimelineChartInput {
  /** The buckets' labels, formatted for the user (one per bucket, unique). */
  labels: string[];
  series: Record<StackPart, number[]>;
  /** Series names in the user's language. */
  names: Record<StackPart, string>;
  marks: AlertMark[];
  /** A mark's label ("spike 4 / 3") in the user's language. */
  markLabel(mark: AlertMark): string;
  /** Counts formatted for the user. */
  count(value: number): string;
  /** The y axis's name. */
  axisName: string;
}

/** Mentions over time as bars stacked by sentiment, with the alerts as shaded windows and pins. */
export function timelineOption(input: TimelineChartInput): EChartsCoreOption {
  const totals = input.labels.map((_, index) => STACK.reduce((sum, part) => sum + (input.series[part][index] ?? 0), 0));
  const areaColour = (mark: AlertMark) => (mark.kind === "spike" ? (mark.status === "open" ? "rgba(179, 38, 30, 0.14)" : "rgba(93, 103, 121, 0.12)") : "rgba(36, 87, 197, 0.10)");
  return {
    color: STACK.map((part) => PART_COLOURS[part]),
    grid: { left: 8, right: 16, top: 48, bottom: 8, containLabel: true },
    legend: { top: 0, type: "scroll", data: STACK.map((part) => input.names[part]) },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: (value: unknown) => (typeof value === "number" ? input.count(value) : "") },
    xAxis: { type: "category", data: input.labels, axisTick: { alignWithLabel: true }, axisLabel: { hideOverlap: true } },
    yAxis: { type: "value", name: input.axisName, minInterval: 1, axisLabel: { formatter: (value: number) => input.count(value) } },
    series: STACK.map((part, index) => ({
      name: input.names[part],
      type: "bar",
      stack: "mentions",
      barMaxWidth: 28,
      emphasis: { focus: "series" },
      data: input.series[part],
      // The alerts ride on the first series: shaded windows and a pin where each opened.
      ...(index === 0 && input.marks.length > 0
        ? {
            markArea: {
              silent: false,
              data: input.marks.map((mark) => [
                { name: input.markLabel(mark), xAxis: input.labels[mark.start], itemStyle: { color: areaColour(mark) }, label: { show: false } },
                { xAxis: input.labels[mark.end] },
              ]),
            },
            markPoint: {
              symbol: "pin",
              symbolSize: 44,
              label: { fontSize: 11, formatter: (params: { dataIndex?: number }) => String(input.marks[params.dataIndex ?? -1]?.count ?? "!") },
              data: input.marks.map((mark) => ({
                name: input.markLabel(mark),
                coord: [mark.at, totals[mark.at] ?? 0],
                itemStyle: { color: mark.kind === "spike" ? PART_COLOURS.negative : "#2457c5" },
              })),
            },
          }
        : {}),
    })),
  };
}

export interface ShareChartInput {
  labels: string[];
  brands: string[];
  shares: Record<string, (number | null)[]>;
  percent(share: number): string;
  /** A brand's name for the legend and tooltips (default: its id). */
  brandName?(id: string): string;
}

/** Share of voice over time: one line per brand, 0–100 %. */
export function shareOption(input: ShareChartInput): EChartsCoreOption {
  return {
    color: BRAND_COLOURS,
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    legend: { top: 0, data: input.brands.map((brand) => input.brandName?.(brand) ?? brand), type: "scroll" },
    tooltip: { trigger: "axis", valueFormatter: (value: unknown) => (typeof value === "number" ? input.percent(value) : "–") },
    xAxis: { type: "category", data: input.labels, axisLabel: { hideOverlap: true } },
    yAxis: { type: "value", min: 0, max: 1, axisLabel: { formatter: (value: number) => input.percent(value) } },
    // Points as well as lines: an hour with mentions between quiet ones is a point, not a segment.
    series: input.brands.map((brand) => ({ name: input.brandName?.(brand) ?? brand, type: "line", showSymbol: true, symbolSize: 6, connectNulls: false, data: input.shares[brand] ?? [] })),
  };
}
