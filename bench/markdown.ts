// Writes the benchmark report as Markdown: the table, then one section per
// measurement with its breakdown and the reading of its targets.
import { machineCell, type Machine } from './machine.js'
import type { Mode } from './plans.js'
import { formatFigure, formatRatio, type Row, type Section } from './report.js'

export interface Report {
  machine: Machine
  mode: Mode
  /** ISO date of the run. */
  date: string
  /** Minutes the whole run took. */
  minutes: number
  /** 1-minute load average at the start and at the end of the run. */
  load: { start: number; end: number }
  rows: Row[]
  sections: Section[]
}

/** Escapes what would break a table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ')
}

function targetCell(row: Row): string {
  if (!row.target) return '—'
  return `${row.target.met ? '**met**' : '**not met**'}: ${row.target.goal}`
}

function tableLines(rows: readonly Row[], machine: Machine): string[] {
  const header = [
    'what',
    'workload',
    'this action',
    'baseline',
    'ratio',
    'target',
    'machine'
  ]
  const lines = [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`
  ]
  for (const row of rows) lines.push(rowLine(row, machine))
  return lines
}

/** One row of the table of figures. */
export function rowLine(row: Row, machine: Machine): string {
  const cells = [
    row.what,
    row.workload,
    formatFigure(row.action),
    row.baseline ? formatFigure(row.baseline) : '—',
    row.ratio ? formatRatio(row.ratio) : '—',
    targetCell(row),
    machineCell(machine)
  ]
  return `| ${cells.map(cell).join(' | ')} |`
}

/** The `what` cell of a row, as the table writes it. */
export function whatCell(row: Row): string {
  return cell(row.what)
}

/** A section as the report writes it: heading, blank line, lines. */
export function sectionText(section: Section): string {
  return [`## ${section.title}`, '', ...section.lines, ''].join('\n')
}

export function renderReport(report: Report): string {
  const m = report.machine
  const full = report.mode === 'full'
  const lines = [
    full ? '# Benchmarks' : `# Benchmarks (${report.mode} run)`,
    '',
    '<!-- Written by `npm run bench` (bench/run.ts). Do not edit by hand: run it again. -->',
    '',
    `Measured ${report.date} in one run of \`npm run bench${full ? '' : ` -- --${report.mode}`}\` ` +
      `(${report.minutes.toFixed(1)} min) on ${m.cores} cores, ${m.memoryGiB.toFixed(1)} GiB, ` +
      `${m.cpu}, ${m.platform}, node ${m.node}. 1-minute load average ${report.load.start.toFixed(2)} ` +
      `at the start, ${report.load.end.toFixed(2)} at the end (the benchmark itself keeps up to ` +
      `${m.cores} cores busy; anything else running shows up as spread).`,
    '',
    'Each figure is the **median (min–max)** of the repetitions the workload names. ' +
      'The sides of a comparison ran alternately (A B A B …, after one untimed warm-up round), ' +
      'and the ratio is the median (min–max) of the ratios of each round’s pair. ' +
      'A step of the action is timed from the spawn of its node process to its exit, like each bare command. ' +
      'Registry, Helm mirror and git server listen on loopback; Helm is ' +
      'the same binary on both sides.',
    '',
    ...tableLines(report.rows, m),
    ''
  ]
  for (const section of report.sections) lines.push(sectionText(section))
  return lines.join('\n')
}
