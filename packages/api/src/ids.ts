import { v7 } from 'uuid'

/** Time-ordered ids (UUIDv7): sortable as strings, unique across server instances. */
export const newId = (): string => v7()
