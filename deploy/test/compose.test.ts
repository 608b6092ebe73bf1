import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from './servers'

const compose = (files: string[], env: Record<string, string>) => {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/PASSWORD|SECRET|PEPPER/.test(k)),
  )
  return spawnSync('docker-compose', [...files.flatMap((f) => ['-f', f]), 'config', '-q'], {
    cwd: ROOT,
    env: { ...clean, ...env },
    encoding: 'utf8',
  })
}

const secrets = {
  JWT_SECRET: 'j'.repeat(44),
  PASSWORD_PEPPER: 'p'.repeat(44),
  MYSQL_ROOT_PASSWORD: 'root0password',
  MYSQL_PASSWORD: 'app0password',
}

describe('docker-compose.yml', () => {
  it('passes `docker-compose config -q`, alone and with the development override', () => {
    for (const files of [
      ['docker-compose.yml'],
      ['docker-compose.yml', 'docker-compose.dev.yml'],
    ]) {
      const result = compose(files, secrets)
      expect(
        result.error,
        'docker-compose is not installed: apt-get install docker-compose',
      ).toBeUndefined()
      expect(result.status, result.stderr).toBe(0)
    }
  })

  it.each(Object.keys(secrets))('refuses to start without %s, naming it', (name) => {
    const result = compose(['docker-compose.yml'], { ...secrets, [name]: '' })
    expect(result.status).not.toBe(0)
    expect(result.stderr).toContain(`set ${name} in .env`)
  })

  it('publishes only nginx', () => {
    const file = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')
    expect(file.match(/^\s+ports:/gm)).toHaveLength(1)
    expect(file).toMatch(/nginx:[\s\S]*ports:/)
  })
})
