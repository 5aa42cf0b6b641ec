// The chart packages the preview renders, pulled from the registry once per
// version per run, into a folder of the run (removed with it).
import fs from 'node:fs'
import path from 'node:path'
import { ociTag } from '../registry/reference.js'
import type { ChartPackages } from './render.js'

/** Reads a chart's package by tag or digest (the lock's `RegistryChartPackages` does). */
export type FetchPackage = (
  ref: string,
  reference: string
) => Promise<Uint8Array>

export class PulledChartPackages implements ChartPackages {
  private readonly pulled = new Map<string, Promise<string>>()

  constructor(
    private readonly fetchPackage: FetchPackage,
    private readonly dir: string
  ) {}

  /** A package that is already on disk (the one this run built). */
  seed(chartRef: string, version: string, file: string): void {
    this.pulled.set(`${chartRef}:${version}`, Promise.resolve(file))
  }

  packagePath(chartRef: string, version: string): Promise<string> {
    const key = `${chartRef}:${version}`
    let pulled = this.pulled.get(key)
    if (!pulled) {
      pulled = this.pull(chartRef, version)
      this.pulled.set(key, pulled)
    }
    return pulled
  }

  private async pull(chartRef: string, version: string): Promise<string> {
    const bytes = await this.fetchPackage(chartRef, ociTag(version))
    fs.mkdirSync(this.dir, { recursive: true })
    const name = chartRef.split('/').pop() ?? 'chart'
    const file = path.join(this.dir, `${name}-${ociTag(version)}.tgz`)
    fs.writeFileSync(file, bytes)
    return file
  }
}
