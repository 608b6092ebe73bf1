import type { Config } from '../env'
import { hostPort, reachable } from './reachable'
import { StartupError } from './startup-error'

/** Redis and Elasticsearch named in the environment must answer, or the start ends in one line. */
export const checkServices = async (config: Config) => {
  if (config.redisUrl !== undefined) {
    const { host, port } = hostPort(config.redisUrl)
    if (!(await reachable(host, port))) {
      throw new StartupError(
        `Redis does not answer at ${host}:${port} (REDIS_URL): start it (install redis-server), or leave REDIS_URL empty to keep live events within this one process.`,
      )
    }
  }
  if (config.elasticsearchUrl !== undefined) {
    const { host, port } = hostPort(config.elasticsearchUrl)
    if (!(await reachable(host, port))) {
      throw new StartupError(
        `Elasticsearch does not answer at ${host}:${port} (ELASTICSEARCH_URL): start it (\`docker compose -f docker-compose.yml -f docker-compose.dev.yml up -d elasticsearch\`), or leave ELASTICSEARCH_URL empty to keep messages in MySQL.`,
      )
    }
  }
}
