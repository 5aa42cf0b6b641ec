// What a measurement hands back: rows for the table, and notes (breakdowns,
// explanations) for the sections under it.
import { summarize, type Summary } from './stats.js'

export type Unit =
  'ms' | 'MB' | 'bytes' | 'ms per 1,000 files' | 'MB per 1,000 files'

/** A measured figure: its repetitions summarized, and its unit. */
export interface Figure {
  summary: Summary
  unit: Unit
}

/** A goal for a row and whether this run met it. */
export interface Target {
  goal: string
  met: boolean
}

export interface Row {
  what: string
  /** What ran, on both sides, and how many repetitions. */
  workload: string
  action: Figure
  baseline?: Figure
  /** Ratios of the paired repetitions (action / baseline). */
  ratio?: Summary
  target?: Target
}

export interface Section {
  title: string
  /** Markdown lines. */
  lines: string[]
}

export interface Measurement {
  rows: Row[]
  sections: Section[]
}

export function figure(values: readonly number[], unit: Unit): Figure {
  return { summary: summarize(values), unit }
}

/** Formats a value of `unit` for the table. */
export function formatValue(value: number, unit: Unit): string {
  if (unit === 'bytes') return `${Math.round(value).toLocaleString('en-US')} B`
  const digits = Math.abs(value) < 10 ? 2 : Math.abs(value) < 100 ? 1 : 0
  const number = value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits
  })
  return `${number} ${unit}`
}

/** `median (min–max)`, or the value alone for a single measurement. */
export function formatFigure(f: Figure): string {
  const { median, min, max, n } = f.summary
  const value = formatValue(median, f.unit)
  if (n === 1) return value
  const spread = (v: number): string =>
    formatValue(v, f.unit).replace(/ .*$/, '')
  return `${value} (${spread(min)}–${spread(max)})`
}

export function formatRatio(ratio: Summary): string {
  const x = (v: number): string => `${v.toFixed(2)}×`
  return ratio.n === 1
    ? x(ratio.median)
    : `${x(ratio.median)} (${x(ratio.min)}–${x(ratio.max)})`
}

/** `12 ms`-style shorthand for notes. */
export function ms(value: number): string {
  return formatValue(value, 'ms')
}
