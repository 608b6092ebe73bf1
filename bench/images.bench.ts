/**
 * `pnpm bench images`: an 8K photo through the whole pipeline (full + thumbnails + placeholder)
 * against the full version alone, measured in the same run; peak RSS of one 8K upload in a fresh
 * process; images per second with two uploads at once through the decode limiter.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLimiter, processImage } from '@messenger/images'
import { fullVersionOnly, photoJpeg } from '@messenger/images/testing'
import { fmt, median, quantile, table, throughput, timeEach } from './lib'

export async function run(): Promise<string> {
  const photo = await photoJpeg(7680, 4320, 88)
  const runs = 9

  // Interleaved so that drift (other processes, thermal) hits both sides alike.
  // CPU time (all threads of the process) beside wall time: on a shared machine it is the steadier.
  const pipelineMs: number[] = []
  const fullMs: number[] = []
  const pipelineCpu: number[] = []
  const fullCpu: number[] = []
  const measure = async (fn: () => Promise<unknown>, wall: number[], cpu: number[]) => {
    const c0 = process.cpuUsage()
    wall.push(...(await timeEach(1, fn, 0)))
    const c = process.cpuUsage(c0)
    cpu.push((c.user + c.system) / 1000)
  }
  await processImage(photo)
  await fullVersionOnly(photo)
  for (let i = 0; i < runs; i++) {
    await measure(() => processImage(photo), pipelineMs, pipelineCpu)
    await measure(() => fullVersionOnly(photo), fullMs, fullCpu)
  }
  const out = await processImage(photo)
  const ratio = median(pipelineMs) / median(fullMs)
  const cpuRatio = median(pipelineCpu) / median(fullCpu)

  const dir = mkdtempSync(join(tmpdir(), 'images-bench-'))
  const file = join(dir, 'photo-8k.jpg')
  writeFileSync(file, photo)
  const peak = (count: number) =>
    JSON.parse(
      execFileSync(
        process.execPath,
        ['--import', 'tsx', join(import.meta.dirname, 'images-peak-rss.ts'), file, String(count)],
        { encoding: 'utf8' },
      ),
    ) as { peakRssMb: number; beforeRssMb: number }
  const child = peak(1)
  const child2 = peak(2)
  rmSync(dir, { recursive: true, force: true })

  const limiter = createLimiter(availableParallelism())
  const one = await throughput(1, 8000, () => limiter.run(() => processImage(photo)))
  const two = await throughput(2, 12000, () => limiter.run(() => processImage(photo)))

  const versions = [out.full, ...out.thumbnails]
  return [
    `Input: synthetic 7680×4320 photo-like JPEG (q88, ${fmt(photo.length / 1048576, 1)} MiB, EXIF+GPS+XMP); ` +
      `outputs: ${versions.map((v) => `${v.width}×${v.height} ${fmt(v.data.length / 1024, 0)} KiB`).join(', ')}, ` +
      `placeholder ${out.placeholder?.length ?? 0} B data URL. ${runs} interleaved runs each.`,
    '',
    table(
      ['case', 'median ms', 'p90 ms', 'vs full alone', 'median CPU ms', 'CPU vs full alone'],
      [
        [
          'full version alone (baseline)',
          fmt(median(fullMs), 0),
          fmt(quantile(fullMs, 0.9), 0),
          '1.00×',
          fmt(median(fullCpu), 0),
          '1.00×',
        ],
        [
          'whole pipeline: full + 3 thumbnails + placeholder',
          fmt(median(pipelineMs), 0),
          fmt(quantile(pipelineMs, 0.9), 0),
          `${fmt(ratio)}× (target ≤ 1.30×)`,
          fmt(median(pipelineCpu), 0),
          `${fmt(cpuRatio)}×`,
        ],
      ],
    ),
    '',
    table(
      ['measure', 'value', 'target'],
      [
        [
          'peak RSS, one 8K photo in a fresh process',
          `${fmt(child.peakRssMb, 0)} MB (${fmt(child.beforeRssMb, 0)} MB before processing)`,
          '≤ 400 MB',
        ],
        [
          'peak RSS, two 8K photos at once (the limiter allows one per core)',
          `${fmt(child2.peakRssMb, 0)} MB`,
          '',
        ],
        ['images/s, one upload at a time', fmt(one), ''],
        [
          `images/s, two uploads at once (limiter: ${availableParallelism()} decodes)`,
          fmt(two),
          '',
        ],
      ],
    ),
  ].join('\n')
}
