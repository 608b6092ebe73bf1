// Placeholder until the images work lands (issue 4): the images engineer replaces this file.
import { TRPCError } from '@trpc/server'
import type { Image } from '@messenger/shared'
import type { Deps } from '../deps'

export const assertOwnImages = (_deps: Deps, _userId: string, imageIds: string[]) => {
  if (imageIds.length > 0) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: 'imageIds: image messages are not available yet',
    })
  }
  return Promise.resolve()
}

export const resolveImages = (_deps: Deps, _imageIds: string[]) =>
  Promise.resolve(new Map<string, Image>())
