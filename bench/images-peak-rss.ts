/**
 * Child process of images.bench.ts: processes an image file `count` times at once (default 1) in a
 * fresh process, so its peak RSS is that of those uploads and not of the benchmark around it.
 * Prints JSON.
 */
import { readFileSync } from 'node:fs'
import { processImage } from '@messenger/images'

/**
 * VmHWM (peak resident set) of this process in MB. Not resourceUsage().maxRSS: Linux carries that
 * over from the parent across fork and exec, so it would report the benchmark's own peak.
 */
const peakRssMb = () => {
  const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))
  if (!m) throw new Error('no VmHWM in /proc/self/status')
  return Number(m[1]) / 1024
}

const file = process.argv[2]
if (file === undefined) throw new Error('usage: images-peak-rss.ts <image file> [count]')
const count = Number(process.argv[3] ?? 1)
const input = readFileSync(file)
const before = peakRssMb()
const [out] = await Promise.all(Array.from({ length: count }, () => processImage(input)))
const after = peakRssMb()
console.log(
  JSON.stringify({
    peakRssMb: after,
    beforeRssMb: before,
    full: [out!.full.width, out!.full.height],
  }),
)
