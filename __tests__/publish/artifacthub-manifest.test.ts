// The artifact Artifact Hub documents for repository metadata, and what a
// manifest already at the artifacthub.io tag is.
import { describe, expect, test } from 'vitest'
import {
  ARTIFACTHUB_CONFIG,
  ARTIFACTHUB_LAYER,
  metadataArtifact,
  OCI_MANIFEST,
  tagContent,
  type TagContent
} from '../../src/publish/artifacthub-manifest.js'
import { sha256 } from '../helpers/fakes.js'

const FILE = Buffer.from('owners:\n  - email: me@example.com\n')
const EMPTY = sha256('')

describe('metadataArtifact', () => {
  test("the documented layout: an empty config of Artifact Hub's type, the file as the metadata layer", () => {
    const artifact = metadataArtifact(FILE)
    expect(JSON.parse(artifact.manifest.toString())).toEqual({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: {
        mediaType: 'application/vnd.cncf.artifacthub.config.v1+yaml',
        digest: EMPTY,
        size: 0
      },
      layers: [
        {
          mediaType:
            'application/vnd.cncf.artifacthub.repository-metadata.layer.v1.yaml',
          digest: sha256(FILE),
          size: FILE.length,
          annotations: {
            'org.opencontainers.image.title': 'artifacthub-repo.yml'
          }
        }
      ]
    })
    expect(artifact.config.length).toBe(0)
    expect(artifact.layer).toEqual(FILE)
    expect(artifact.digest).toBe(sha256(artifact.manifest))
  })

  test('the same file makes the same digest; another file another', () => {
    expect(metadataArtifact(Buffer.from(FILE)).digest).toBe(
      metadataArtifact(FILE).digest
    )
    expect(metadataArtifact(Buffer.from('owners: []\n')).digest).not.toBe(
      metadataArtifact(FILE).digest
    )
  })
})

describe('tagContent', () => {
  const layer = { mediaType: ARTIFACTHUB_LAYER, digest: sha256(FILE) }
  const json = (value: object): Buffer => Buffer.from(JSON.stringify(value))
  test.each<[string, string, Buffer, TagContent]>([
    [
      "this action's manifest",
      OCI_MANIFEST,
      metadataArtifact(FILE).manifest,
      { kind: 'metadata', layerDigest: sha256(FILE) }
    ],
    [
      "oras's, with a creation time",
      OCI_MANIFEST,
      json({
        schemaVersion: 2,
        config: { mediaType: ARTIFACTHUB_CONFIG, digest: EMPTY, size: 0 },
        layers: [layer],
        annotations: { 'org.opencontainers.image.created': 'now' }
      }),
      { kind: 'metadata', layerDigest: sha256(FILE) }
    ],
    [
      "oras's with --artifact-type (an empty config)",
      OCI_MANIFEST,
      json({
        artifactType: ARTIFACTHUB_CONFIG,
        config: { mediaType: 'application/vnd.oci.empty.v1+json' },
        layers: [layer]
      }),
      { kind: 'metadata', layerDigest: sha256(FILE) }
    ],
    [
      'a Helm chart',
      OCI_MANIFEST,
      json({
        config: { mediaType: 'application/vnd.cncf.helm.config.v1+json' },
        layers: []
      }),
      {
        kind: 'other',
        what: 'a "application/vnd.oci.image.manifest.v1+json" manifest, config "application/vnd.cncf.helm.config.v1+json"'
      }
    ],
    [
      "Artifact Hub's config without the layer",
      OCI_MANIFEST,
      json({ config: { mediaType: ARTIFACTHUB_CONFIG }, layers: [] }),
      {
        kind: 'other',
        what: `a "${OCI_MANIFEST}" manifest, config "${ARTIFACTHUB_CONFIG}"`
      }
    ],
    [
      'an index',
      'application/vnd.oci.image.index.v1+json',
      json({ manifests: [] }),
      {
        kind: 'other',
        what: 'a "application/vnd.oci.image.index.v1+json" manifest'
      }
    ],
    [
      'not JSON',
      OCI_MANIFEST,
      Buffer.from('{'),
      { kind: 'other', what: 'a manifest that is not JSON' }
    ]
  ])('%s', (_name, mediaType, body, expected) => {
    expect(tagContent(mediaType, body)).toEqual(expected)
  })
})
