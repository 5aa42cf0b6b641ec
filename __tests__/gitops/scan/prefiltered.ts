// The scan run both ways on one layout: on every file of gitops-paths, and as
// the GitOps step runs it, on the texts the pre-filter kept as the clone was
// read (src/gitops/scan/prefilter.ts), the others read again through the
// reader when a Kustomize build includes them. The two must agree on
// everything (pins, files written, problems, environments): the tests of
// every layout that bump a repository go through here.
import { expect } from 'vitest'
import { bumpRepository, type RepoBump } from '../../../src/gitops/bump-repo.js'
import type { BumpTarget } from '../../../src/gitops/edit.js'
import type { UnreadFile } from '../../../src/gitops/files.js'
import { mayMatter } from '../../../src/gitops/tools/index.js'
import type { ChartRef } from '../../../src/gitops/scan/types.js'
import type { BuildReader } from '../../../src/gitops/tools/kustomize/build/tree.js'

/** What the pre-filter keeps of `texts`, and what it lets go. */
export function prefilter(
  texts: ReadonlyMap<string, string>,
  chart: ChartRef
): { kept: Map<string, string>; dropped: string[] } {
  const keep = mayMatter(chart)
  const kept = new Map([...texts].filter(([file, text]) => keep(file, text)))
  const dropped = [...texts.keys()].filter(file => !kept.has(file))
  return { kept, dropped }
}

/**
 * `bumpRepository` on every text, checked equal to its run on the texts the
 * pre-filter keeps (with `reader` falling back to the repository, as the
 * step's reads the checkout); returns the first.
 */
export function bumpBothWays(
  texts: ReadonlyMap<string, string>,
  chart: ChartRef,
  version: BumpTarget,
  unread: readonly UnreadFile[] = [],
  reader: BuildReader = {
    files: [...texts.keys()],
    read: file => texts.get(file)
  }
): RepoBump {
  const whole = bumpRepository(texts, chart, version, unread, reader)
  const { kept } = prefilter(texts, chart)
  const checkout: BuildReader = {
    files: reader.files,
    read: file => kept.get(file) ?? reader.read(file)
  }
  const paths = [...texts.keys()]
  const filtered = bumpRepository(kept, chart, version, unread, checkout, paths)
  expect(filtered).toEqual(whole)
  // Same order too: the pull request lists them so.
  expect([...filtered.files.keys()]).toEqual([...whole.files.keys()])
  return whole
}
