// Artifact Hub repository metadata in the registry: each chart repository's
// artifacthub-repo.yml as its `artifacthub.io` tag (publish/artifacthub-manifest.ts).
// Checked before the chart is pushed (a tag that holds something else is
// refused then, nothing written); pushed after it, once per repository,
// only when the tag is absent or holds other metadata, and never over
// anything that is not Artifact Hub metadata (checked again just before).
import { UserError } from '../errors.js'
import type { RegistryReads, RegistryWrites } from '../registry/operations.js'
import { relay } from '../relay.js'
import {
  ARTIFACTHUB_TAG,
  metadataArtifact,
  OCI_MANIFEST,
  tagContent
} from './artifacthub-manifest.js'
import type { MetadataFile } from './artifacthub-files.js'

/** What the check reads of the registry. */
export type MetadataReads = Pick<RegistryReads, 'getManifest'>
/** What the push writes to the registry. */
export type MetadataWrites = Pick<RegistryWrites, 'pushBlob' | 'putManifest'>

/** What is at a repository's `artifacthub.io` tag, against the file. */
export type MetadataState = 'absent' | 'current' | 'different'

/**
 * The state of each file's tag; refuses, naming the tag, when one holds
 * something that is not Artifact Hub metadata. Reads only.
 */
export async function checkMetadata(
  registry: MetadataReads,
  files: readonly MetadataFile[]
): Promise<MetadataState[]> {
  return Promise.all(files.map(file => stateOf(registry, file)))
}

/**
 * Pushes each file whose tag is absent or different (the dry run says what
 * it would do); returns the notes of what was not done.
 */
export async function pushMetadata(
  registry: MetadataReads,
  writes: MetadataWrites | undefined,
  files: readonly MetadataFile[],
  dryRun: boolean
): Promise<string[]> {
  const notes: string[] = []
  for (const file of files) {
    const state = await stateOf(registry, file)
    const artifact = metadataArtifact(file.bytes)
    const where = `${file.ref}:${ARTIFACTHUB_TAG}`
    // relay: the file's path comes from the workspace.
    if (state === 'current') {
      relay(`Artifact Hub metadata ${file.file} is already at ${where}.`)
      continue
    }
    if (dryRun) {
      relay(
        `Dry run: would push ${file.file} as ${where} (${state === 'absent' ? 'the tag is absent' : 'it holds other metadata'}; digest ${artifact.digest}).`
      )
      notes.push(`Artifact Hub metadata: 'dry-run' is true (${where})`)
      continue
    }
    if (!writes) throw new Error('Artifact Hub metadata: no registry writer')
    await writes.pushBlob(file.repositoryPath, artifact.config)
    await writes.pushBlob(file.repositoryPath, artifact.layer)
    const pushed = await writes.putManifest(
      file.repositoryPath,
      ARTIFACTHUB_TAG,
      OCI_MANIFEST,
      artifact.manifest
    )
    relay(
      `Pushed Artifact Hub metadata ${file.file} as ${where} (digest ${pushed.digest}${state === 'different' ? ', replacing the metadata there' : ''}).`
    )
  }
  return notes
}

async function stateOf(
  registry: MetadataReads,
  file: MetadataFile
): Promise<MetadataState> {
  const there = await registry.getManifest(file.repositoryPath, ARTIFACTHUB_TAG)
  if (!there) return 'absent'
  const artifact = metadataArtifact(file.bytes)
  if (there.digest === artifact.digest) return 'current'
  const content = tagContent(there.mediaType, there.body)
  if (content.kind === 'other')
    throw new UserError(
      `${file.ref}:${ARTIFACTHUB_TAG} holds ${content.what} (digest ${there.digest}), not Artifact Hub repository metadata: ` +
        `the action never writes over it, so ${file.file} is not pushed. ` +
        `Delete that tag if it is not needed, or set 'artifacthub-repo: false'.`,
      { file: file.file }
    )
  // The same file pushed by another tool (oras adds a creation time).
  return content.layerDigest === artifact.layerDigest ? 'current' : 'different'
}

/** The check's group in the log: each file and its tag's state. */
export function logMetadataStates(
  files: readonly MetadataFile[],
  states: readonly MetadataState[]
): void {
  files.forEach((file, i) =>
    relay(
      `${file.ref}:${ARTIFACTHUB_TAG}: ${describe(states[i])} (${file.file}).`
    )
  )
}

function describe(state: MetadataState | undefined): string {
  if (state === 'current') return 'up to date'
  if (state === 'different') return 'holds other metadata: to be replaced'
  return 'absent: to be pushed'
}
