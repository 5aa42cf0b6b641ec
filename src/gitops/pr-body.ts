// The pull request's title, branch and body. Pure.
import type { RepoBump } from './bump-repo.js'

export interface ReleaseInfo {
  name: string
  version: string
  /** oci://registry/repository/name */
  ref: string
  tag: string
  digest: string
}

/** Fills {name} and {version} in a template. */
export function fillTemplate(template: string, release: ReleaseInfo): string {
  return template
    .replaceAll('{name}', release.name)
    .replaceAll('{version}', release.version)
}

/** Matches the subjects the commit-message template makes, for any name and version. */
export function commitSubjectPattern(template: string): RegExp {
  const subject = template.split('\n')[0]
  const parts = subject
    .split(/\{(?:name|version)\}/)
    .map(part => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  return new RegExp(`^${parts.join('\\S+')}$`)
}

function cell(text: string | number): string {
  // A value from the GitOps repository may hold line breaks: one line per row.
  return String(text)
    .replace(/\|/g, '\\|')
    .replace(/[\r\n\u2028\u2029]/g, ' ')
}

function table(header: string[], rows: (string | number)[][]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map(row => `| ${row.map(cell).join(' | ')} |`)
  ]
}

/** The pins whose digest moved with the version: a reviewer checks it is the release's. */
function digestLines(release: ReleaseInfo, bump: RepoBump): string[] {
  const moved = bump.changes.flatMap(change =>
    change.digest ? [{ file: change.file, ...change.digest }] : []
  )
  if (moved.length === 0) return []
  return [
    '',
    '### Digests moved',
    '',
    `These pins hold the chart's digest next to its version: it moved to the digest the registry serves for ${release.version}.`,
    '',
    ...table(
      ['File', 'Line', 'Field', 'From', 'To'],
      moved.map(d => [`\`${d.file}\``, d.line, `\`${d.path}\``, d.from, d.to])
    )
  ]
}

/**
 * Lists each changed file and pin (old -> new), the chart reference and
 * digest, and what was left alone and why.
 */
export function pullRequestBody(release: ReleaseInfo, bump: RepoBump): string {
  const lines = [
    `Moves the Helm chart **${release.name}** to **${release.version}**.`,
    '',
    `- Chart: \`${release.ref}:${release.tag}\``,
    `- Digest: \`${release.digest || '(not pushed: dry run)'}\``,
    '',
    '### Changed',
    '',
    ...table(
      ['File', 'Line', 'Kind', 'Field', 'From', 'To'],
      bump.changes.map(c => [
        `\`${c.file}\``,
        c.line,
        c.kind,
        `\`${c.path}\``,
        c.from,
        c.to
      ])
    ),
    ...digestLines(release, bump)
  ]
  if (bump.skipped.length) {
    lines.push(
      '',
      '### Left alone',
      '',
      ...table(
        ['File', 'Line', 'Field', 'Value', 'Why'],
        bump.skipped.map(s => [
          `\`${s.file}\``,
          s.line,
          `\`${s.path}\``,
          s.value,
          s.reason
        ])
      )
    )
  }
  if (bump.problems.length) {
    lines.push(
      '',
      '### Not read (could not be parsed)',
      '',
      ...bump.problems.map(p => `- \`${p.file}\` line ${p.line}: ${p.message}`)
    )
  }
  if (bump.unread.length) {
    lines.push(
      '',
      '### Not scanned',
      '',
      ...bump.unread.map(u => `- \`${u.file}\`: ${u.reason}.`)
    )
  }
  if (bump.lockfiles?.length) {
    lines.push('', '### Chart.lock', '', ...bump.lockfiles.map(n => `- ${n}`))
  }
  if (bump.notices.length) {
    lines.push('', '### To do', '', ...bump.notices.map(n => `- ${n}`))
  }
  lines.push('', '<sub>Opened by helm-oci-release.</sub>')
  return lines.join('\n') + '\n'
}
