import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const NGINX_CONF = fileURLToPath(new URL('../nginx.conf', import.meta.url))
export const NGINX = ['/usr/sbin/nginx', '/usr/local/sbin/nginx'].find(
  (path) => spawnSync(path, ['-v']).status === 0,
)

/**
 * deploy/nginx.conf with only its `deploy-test:` lines changed: each upstream's server line
 * becomes one line per address, the listen line listens on the given port.
 */
export const adaptNginxConf = (conf: string, upstreams: string[], port: number) => {
  const changed = { upstreams: 0, listen: 0 }
  const lines = conf.split('\n').flatMap((line) => {
    if (line.includes('# deploy-test: upstream servers')) {
      changed.upstreams++
      return upstreams.map((address) => `  server ${address};`)
    }
    if (line.includes('# deploy-test: listen')) {
      changed.listen++
      return [`  listen 127.0.0.1:${port};`]
    }
    return [line]
  })
  // Every upstream block (requests, event streams) names the replicas; one server listens.
  if (changed.upstreams !== 2 || changed.listen !== 1) {
    throw new Error('deploy/nginx.conf lost one of its `deploy-test:` marks')
  }
  return lines.join('\n')
}

export interface RunningNginx {
  url: string
  /** What the error log holds so far. */
  errors: () => string
  stop: () => Promise<void>
}

/** Debian's nginx running deploy/nginx.conf on 127.0.0.1:port, in a folder of its own. */
export const startNginx = async (upstreams: string[], port: number): Promise<RunningNginx> => {
  if (NGINX === undefined) {
    throw new Error('nginx is not installed: `apt-get install nginx` (.ci/run does it)')
  }
  const dir = mkdtempSync(join(tmpdir(), 'messenger-nginx-'))
  writeFileSync(
    join(dir, 'site.conf'),
    adaptNginxConf(readFileSync(NGINX_CONF, 'utf8'), upstreams, port),
  )
  // What the nginx image's own nginx.conf provides around conf.d/default.conf.
  writeFileSync(
    join(dir, 'nginx.conf'),
    `${process.getuid?.() === 0 ? 'user root root;' : ''}
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  include ${dir}/site.conf;
}
`,
  )
  const test = spawnSync(
    NGINX,
    ['-t', '-p', dir, '-e', `${dir}/error.log`, '-c', `${dir}/nginx.conf`],
    {
      encoding: 'utf8',
    },
  )
  if (test.status !== 0) throw new Error(`nginx -t failed:\n${test.stderr}`)
  const child = spawn(NGINX, ['-p', dir, '-e', `${dir}/error.log`, '-c', `${dir}/nginx.conf`], {
    stdio: 'ignore',
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = `http://127.0.0.1:${port}`
  const errors = () => {
    try {
      return readFileSync(join(dir, 'error.log'), 'utf8')
    } catch {
      return ''
    }
  }
  for (let i = 0; ; i++) {
    try {
      await fetch(`${url}/healthz`)
      break
    } catch {
      if (child.exitCode !== null || i > 100) throw new Error(`nginx did not start:\n${errors()}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  return {
    url,
    errors,
    stop: async () => {
      child.kill('SIGTERM')
      await exited
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
