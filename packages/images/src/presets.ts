/** The full version fits FullHD in either orientation and is never enlarged. */
export const FULL_LONG_SIDE = 1920
export const FULL_SHORT_SIDE = 1080

/** Longest side of each thumbnail; only those smaller than the full version are made. */
export const THUMBNAIL_SIZES = [160, 320, 640] as const

/** Longest side of the placeholder, which ships inline as a data URL. */
export const PLACEHOLDER_SIZE = 16
export const PLACEHOLDER_MAX_BYTES = 1024

/** 100 megapixels: every phone or camera photo fits, a decompression bomb does not. */
export const DEFAULT_MAX_PIXELS = 100_000_000
export const DEFAULT_MAX_BYTES = 25 * 1024 * 1024

/**
 * WebP encoder settings: effort 4 is libwebp's default balance of size and CPU; thumbnails use 2,
 * which halves their encoding time for a few percent more bytes on files of a few KiB.
 */
export const FULL_WEBP = { quality: 82, effort: 4 } as const
export const THUMBNAIL_WEBP = { quality: 76, effort: 2 } as const
export const PLACEHOLDER_WEBP = { quality: 40, effort: 4 } as const

/** Square sizes of every avatar, in pixels; the crop is scaled (up or down) to each. */
export const AVATAR_SIZES = [64, 256, 512] as const
export const AVATAR_WEBP = { quality: 80, effort: 4 } as const
