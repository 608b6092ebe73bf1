import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url))

describe('deployment settings', () => {
  it('docker-compose.yml hands every setting of .env.example to the containers', () => {
    const compose = readFileSync(`${ROOT}docker-compose.yml`, 'utf8')
    const names = readFileSync(`${ROOT}.env.example`, 'utf8')
      .split('\n')
      .map((line) => /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
      .filter((name) => name !== undefined)
    const missing = names.filter(
      (n) => !compose.includes(`\${${n}`) && !compose.includes(`  ${n}:`),
    )
    expect(missing, 'add these to x-api-env in docker-compose.yml').toEqual([])
  })
})
