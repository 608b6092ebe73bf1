/** A UUID packed into 16 bytes; byte order kept, so UUIDv7s still sort by time. */
export const uuidToBin = (id: string) => Buffer.from(id.replaceAll('-', ''), 'hex')

export const binToUuid = (b: Uint8Array) => {
  const h = Buffer.from(b).toString('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}
