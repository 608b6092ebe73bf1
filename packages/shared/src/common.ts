import { z } from 'zod'

/** Opaque ids are UUIDs (v7 for time-ordered rows). */
export const id = z.uuid({ error: 'must be an id (a UUID)' })

export const isoDate = z.string()

export const limit = (max: number, fallback: number) =>
  z.number().int().min(1).max(max).default(fallback)

export const ok = z.object({ ok: z.literal(true) })
