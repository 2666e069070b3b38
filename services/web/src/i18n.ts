/**
 * Polish and English. The language is the user's choice (stored in this browser), by default the
 * browser's; dates, numbers and relative times follow it through Intl. Each page keeps its own
 * strings (defineStrings), so a page and its words live together; a string missing in one language
 * does not compile.
 */
import { useEffect, useState } from "preact/hooks";

export type Lang = "pl" | "en";
export const LANGS: readonly Lang[] = ["pl", "en"];
const LANG_STORAGE = "odzew-lang";

/** A translation: a plain string, or plural forms chosen by `{count}`. `{name}` is replaced by vars.name. */
export type Phrase = string | Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };
export type Vars = Record<string, string | number>;

function initialLang(): Lang {
  const stored = localStorage.getItem(LANG_STORAGE);
  if (stored === "pl" || stored === "en") return stored;
  const preferred = navigator.languages.length > 0 ? navigator.languages : [navigator.language];
  for (const tag of preferred) {
    const base = tag.toLowerCase().split("-")[0];
    if (base === "pl" || base === "en") return base;
  }
  return "en";
}

let current: Lang = initialLang();
const listeners = new Set<(lang: Lang) => void>();

export const currentLang = (): Lang => current;
export function setLang(lang: Lang): void {
  if (lang === current) return;
  current = lang;
  localStorage.setItem(LANG_STORAGE, lang);
  document.documentElement.lang = lang;
  for (const listener of listeners) listener(lang);
}

/** The language in force; the component renders again when the user switches. */
export function useLang(): Lang {
  const [lang, set] = useState(current);
  useEffect(() => {
    listeners.add(set);
    set(current);
    return () => void listeners.delete(set);
  }, []);
  return lang;
}

/** The locale for Intl: Polish, or the browser's English (en-GB dates for a British user, en-US for an American). */
export function localeOf(lang: Lang): string {
  if (lang === "pl") return "pl-PL";
  const english = (navigator.languages ?? []).find((tag) => tag.toLowerCase().startsWith("en-"));
  return english ?? "en-GB";
}

function fill(text: string, vars: Vars | undefined, locale: string): string {
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = vars[name];
    if (value === undefined) return whole;
    return typeof value === "number" ? new Intl.NumberFormat(locale).format(value) : value;
  });
}

export type Translate<K extends string> = (key: K, vars?: Vars) => string;

/** Renders one phrase in a language: the plural form for vars.count, the vars filled in. */
export function render(phrase: Phrase, lang: Lang, vars?: Vars): string {
  const locale = localeOf(lang);
  if (typeof phrase === "string") return fill(phrase, vars, locale);
  const count = typeof vars?.count === "number" ? vars.count : 0;
  const form = new Intl.PluralRules(locale).select(count);
  return fill(phrase[form] ?? phrase.other, vars, locale);
}

/** A page's strings in both languages, and the hook that gives its components `t`. */
export function defineStrings<K extends string>(strings: { pl: Record<K, Phrase>; en: Record<K, Phrase> }): () => Translate<K> {
  return () => {
    const lang = useLang();
    return (key, vars) => render(strings[lang][key], lang, vars);
  };
}

/** Formatters in the user's language. */
export interface Formats {
  lang: Lang;
  locale: string;
  number(value: number, options?: Intl.NumberFormatOptions): string;
  percent(share: number, digits?: number): string;
  date(value: string | Date): string;
  dateTime(value: string | Date): string;
  /** "3 minutes ago" / "za 2 godziny": relative to now. */
  relative(value: string | Date, now?: number): string;
  /** "2 h 15 min" for a span in milliseconds. */
  duration(ms: number): string;
}

const formatsCache = new Map<Lang, Formats>();

export function formatsFor(lang: Lang): Formats {
  const cached = formatsCache.get(lang);
  if (cached) return cached;
  const locale = localeOf(lang);
  const numbers = new Intl.NumberFormat(locale);
  const dates = new Intl.DateTimeFormat(locale, { dateStyle: "medium" });
  const dateTimes = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
  const relatives = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ["year", 365 * 86_400_000],
    ["month", 30 * 86_400_000],
    ["week", 7 * 86_400_000],
    ["day", 86_400_000],
    ["hour", 3_600_000],
    ["minute", 60_000],
    ["second", 1_000],
  ];
  const toDate = (value: string | Date) => (typeof value === "string" ? new Date(value) : value);
  const formats: Formats = {
    lang,
    locale,
    number: (value, options) => (options ? new Intl.NumberFormat(locale, options).format(value) : numbers.format(value)),
    percent: (share, digits = 0) => new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: digits }).format(share),
    date: (value) => dates.format(toDate(value)),
    dateTime: (value) => dateTimes.format(toDate(value)),
    relative(value, now = Date.now()) {
      const diff = toDate(value).getTime() - now;
      for (const [unit, size] of units) {
        if (Math.abs(diff) >= size || unit === "second") return relatives.format(Math.round(diff / size), unit);
      }
      return relatives.format(0, "second");
    },
    duration(ms) {
      const minutes = Math.max(0, Math.round(Math.abs(ms) / 60_000));
      const days = Math.floor(minutes / 1_440);
      const hours = Math.floor((minutes % 1_440) / 60);
      const rest = minutes % 60;
      const unit = (value: number, name: "day" | "hour" | "minute") => new Intl.NumberFormat(locale, { style: "unit", unit: name, unitDisplay: "narrow" }).format(value);
      if (days > 0) return `${unit(days, "day")} ${unit(hours, "hour")}`;
      if (hours > 0) return `${unit(hours, "hour")} ${unit(rest, "minute")}`;
      return unit(rest, "minute");
    },
  };
  formatsCache.set(lang, formats);
  return formats;
}

/** The formatters of the language in force. */
export const useFormats = (): Formats => formatsFor(useLang());
