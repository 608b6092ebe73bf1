import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join, relative } from 'node:path'
import { ROOT } from './servers'

/**
 * Runs deploy/Dockerfile's steps without Docker: every stage is a folder standing for its root
 * file system, WORKDIR and COPY map into it, RUN steps run there with /bin/sh as the stage's USER
 * (root, or the image's unprivileged `node`, a local user of that name), and the final stage's CMD
 * starts as it would in the container. Node and pnpm are this machine's (.ci/run runs the same
 * Node major as the image), the rest is the Dockerfile's own doing; so a file the server must
 * write but does not own fails here as it would in the image.
 */

export interface Instruction {
  keyword: string
  args: string
  line: number
}

export const parseDockerfile = (text: string): Instruction[] => {
  const instructions: Instruction[] = []
  let pending = ''
  let start = 0
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim()
    if (pending === '' && (line === '' || line.startsWith('#'))) return
    if (pending === '') start = i + 1
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `
      return
    }
    const whole = (pending + line).trim()
    pending = ''
    const [keyword = '', ...rest] = whole.split(/\s+/)
    instructions.push({ keyword: keyword.toUpperCase(), args: rest.join(' '), line: start })
  })
  return instructions
}

const execForm = (args: string) => {
  if (!args.startsWith('[')) throw new Error(`use the exec form (JSON) for: ${args}`)
  return JSON.parse(args) as string[]
}

/** The few .dockerignore forms the project uses: `name`, `dir/name` and `**\/name`. */
const dockerIgnore = (patterns: string[]) => {
  for (const p of patterns) {
    if (/[*?[]/.test(p.replace(/^\*\*\//, ''))) throw new Error(`unsupported .dockerignore: ${p}`)
  }
  return (path: string) =>
    patterns.some((p) =>
      p.startsWith('**/')
        ? path.split('/').includes(p.slice(3))
        : path === p || path.startsWith(`${p}/`),
    )
}

export interface Stage {
  name: string
  root: string
  workdir: string
  user: string
  env: Record<string, string>
  healthcheck: string[] | undefined
  cmd: string[] | undefined
}

// setpriv execs the command itself, so signals reach it as they would in the container.
const asUser = (user: string, command: string[]) =>
  user === 'root'
    ? command
    : ['setpriv', `--reuid=${user}`, `--regid=${user}`, '--init-groups', ...command]

/** Makes sure the image's unprivileged user exists here too (CI runs as root). */
export const ensureUser = (user: string) => {
  if (spawnSync('id', ['-u', user]).status === 0) return
  execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', user])
}

export const runDockerfileStages = (dockerfile: string, scratch: string, log: string[]) => {
  const args: Record<string, string> = {}
  const stages = new Map<string, Stage>()
  const instructions = parseDockerfile(readFileSync(dockerfile, 'utf8'))
  const ignored = dockerIgnore(
    readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#')),
  )
  // A stage used as a base once and never copied from is moved rather than copied.
  const uses = new Map<string, number>()
  for (const i of instructions) {
    const from = /^(\S+)/.exec(i.args)?.[1]
    if (i.keyword === 'FROM' && from !== undefined) uses.set(from, (uses.get(from) ?? 0) + 1)
    const copyFrom = /--from=(\S+)/.exec(i.args)?.[1]
    if (i.keyword === 'COPY' && copyFrom !== undefined) uses.set(copyFrom, 99)
  }

  let stage: Stage | undefined
  const inStage = (path: string) =>
    join(stage!.root, path.startsWith('/') ? path : join(stage!.workdir, path))
  const run = (command: string[], where: string) => {
    const s = stage!
    const prefix = join(s.root, 'usr/local')
    const env = {
      ...process.env,
      ...s.env,
      PATH: `${join(prefix, 'bin')}:${process.env.PATH ?? ''}`,
      NPM_CONFIG_PREFIX: prefix,
      ...(s.user === 'root' ? {} : { HOME: join(s.root, 'home', s.user) }),
    }
    log.push(`[${s.name}] ${command.join(' ')}`)
    const result = spawnSync(asUser(s.user, command)[0]!, asUser(s.user, command).slice(1), {
      cwd: join(s.root, s.workdir),
      env,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    })
    if (result.status !== 0) {
      throw new Error(`${where} failed (${result.status}):\n${result.stdout}\n${result.stderr}`)
    }
    log.push(result.stdout.trim())
  }

  for (const i of instructions) {
    const where = `Dockerfile line ${i.line} (${i.keyword} ${i.args.slice(0, 60)})`
    const expand = (s: string) => s.replace(/\$\{(\w+)\}/g, (_, name: string) => args[name] ?? '')
    if (i.keyword === 'ARG') {
      const [name = '', value = ''] = i.args.split('=')
      args[name] = value
    } else if (i.keyword === 'FROM') {
      const [image = '', , name = image] = expand(i.args).split(/\s+/)
      const root = join(scratch, name)
      const base = stages.get(image)
      if (base === undefined) {
        // The official Node images come with their unprivileged `node` user.
        if (image.startsWith('node:')) ensureUser('node')
        mkdirSync(root, { recursive: true })
        stage = {
          name,
          root,
          workdir: '/',
          user: 'root',
          env: {},
          healthcheck: undefined,
          cmd: undefined,
        }
      } else {
        if (uses.get(image) === 1) renameSync(base.root, root)
        else cpSync(base.root, root, { recursive: true, verbatimSymlinks: true })
        stage = { ...base, name, root, env: { ...base.env } }
      }
      chmodSync(root, 0o755)
      stages.set(name, stage)
    } else if (stage === undefined) {
      throw new Error(`${where}: before any FROM`)
    } else if (i.keyword === 'WORKDIR') {
      stage.workdir = i.args
      mkdirSync(join(stage.root, i.args), { recursive: true })
    } else if (i.keyword === 'COPY') {
      const words = i.args.split(/\s+/)
      const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length)
      const chown = words.find((w) => w.startsWith('--chown='))?.slice('--chown='.length)
      const paths = words.filter((w) => !w.startsWith('--'))
      const dest = paths.pop()!
      for (const source of paths) {
        const sourceRoot = from === undefined ? ROOT : stages.get(from)?.root
        if (sourceRoot === undefined) throw new Error(`${where}: no stage ${from ?? ''}`)
        const sourcePath =
          from === undefined
            ? join(ROOT, source)
            : join(
                sourceRoot,
                source.startsWith('/') ? source : join(stages.get(from)!.workdir, source),
              )
        const target =
          dest.endsWith('/') && !(source === '.')
            ? join(inStage(dest), basename(source))
            : inStage(dest)
        mkdirSync(dirname(target), { recursive: true })
        cpSync(sourcePath, target, {
          recursive: true,
          verbatimSymlinks: true,
          filter: (path) => from !== undefined || !ignored(relative(ROOT, path)),
        })
        if (chown !== undefined) execFileSync('chown', ['-R', chown, target])
      }
    } else if (i.keyword === 'RUN') {
      const command = i.args.replace(/--mount=\S+\s*/g, '')
      if (/(^|\s)\/app\b/.test(command))
        throw new Error(`${where}: keep RUN steps relative to WORKDIR`)
      run(['/bin/sh', '-c', command], where)
    } else if (i.keyword === 'USER') {
      stage.user = i.args
      ensureUser(i.args)
    } else if (i.keyword === 'ENV') {
      for (const pair of i.args.split(/\s+/)) {
        const [name = '', value = ''] = pair.split('=')
        stage.env[name] = value
      }
    } else if (i.keyword === 'HEALTHCHECK') {
      stage.healthcheck = execForm(i.args.slice(i.args.indexOf('CMD ') + 4))
    } else if (i.keyword === 'CMD') {
      stage.cmd = execForm(i.args)
    } else if (!['EXPOSE', 'LABEL', 'STOPSIGNAL'].includes(i.keyword)) {
      throw new Error(`${where}: the emulation does not know ${i.keyword}`)
    }
  }
  if (stage === undefined) throw new Error('no stage')
  return stage
}

/** The final stage's CMD, started as the container would start it, with runtime settings. */
export const startStage = (stage: Stage, env: Record<string, string>): ChildProcess => {
  if (stage.cmd === undefined) throw new Error('the final stage has no CMD')
  const command = asUser(stage.user, stage.cmd)
  return spawn(command[0]!, command.slice(1), {
    cwd: join(stage.root, stage.workdir),
    env: {
      ...process.env,
      ...stage.env,
      ...env,
      ...(stage.user === 'root' ? {} : { HOME: '/nonexistent' }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

/** Runs the image's HEALTHCHECK command once; true when it passes. */
export const healthy = (stage: Stage, env: Record<string, string>) => {
  if (stage.healthcheck === undefined) throw new Error('the final stage has no HEALTHCHECK')
  const command = asUser(stage.user, stage.healthcheck)
  return (
    spawnSync(command[0]!, command.slice(1), {
      cwd: join(stage.root, stage.workdir),
      env: { ...process.env, ...stage.env, ...env },
      timeout: 10_000,
    }).status === 0
  )
}

/** A folder the image's unprivileged user can traverse, as the image's / is. */
export const scratchDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'messenger-image-'))
  chmodSync(dir, 0o755)
  return dir
}

export const removeScratch = (dir: string) => rmSync(dir, { recursive: true, force: true })
