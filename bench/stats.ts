// Small, pure statistics for the benchmark: median, spread, paired ratios and
// a least-squares line. No I/O.

/** What a set of repeated measurements is reported as. */
export interface Summary {
  n: number
  median: number
  min: number
  max: number
  /** 25th and 75th percentiles (linear interpolation between ranks). */
  q1: number
  q3: number
}

/** The value at quantile `q` (0..1) of `values`, interpolating between ranks. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new Error('quantile of no values')
  const sorted = [...values].sort((a, b) => a - b)
  const at = (sorted.length - 1) * q
  const low = Math.floor(at)
  const high = Math.ceil(at)
  return sorted[low] + (sorted[high] - sorted[low]) * (at - low)
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5)
}

/** Median, quartiles and range of `values`. */
export function summarize(values: readonly number[]): Summary {
  return {
    n: values.length,
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
    q1: quantile(values, 0.25),
    q3: quantile(values, 0.75)
  }
}

/**
 * Ratios of paired samples (a[i] / b[i]): with A and B alternating, each pair
 * ran under nearly the same machine conditions, so their ratios spread less
 * than the ratio of two medians would suggest.
 */
export function pairedRatios(
  a: readonly number[],
  b: readonly number[]
): number[] {
  if (a.length !== b.length) throw new Error('unpaired samples')
  return a.map((value, i) => value / b[i])
}

/** A fitted line y = intercept + slope * x, and how well it fits (R²). */
export interface Line {
  slope: number
  intercept: number
  r2: number
}

/** Ordinary least squares over the points (x[i], y[i]). */
export function leastSquares(x: readonly number[], y: readonly number[]): Line {
  if (x.length !== y.length || x.length < 2)
    throw new Error('least squares needs two or more paired points')
  const n = x.length
  const mx = x.reduce((s, v) => s + v, 0) / n
  const my = y.reduce((s, v) => s + v, 0) / n
  let sxy = 0
  let sxx = 0
  let syy = 0
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my)
    sxx += (x[i] - mx) ** 2
    syy += (y[i] - my) ** 2
  }
  const slope = sxy / sxx
  const intercept = my - slope * mx
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy)
  return { slope, intercept, r2 }
}
