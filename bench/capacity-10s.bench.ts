/**
 * The capacity sweep with every user acting every 10 s on average (the second goal: at
 * least 5,000 users); its own section of RESULTS.md. BENCH_CAPACITY_STEPS overrides the steps.
 */
import { envSteps, runCapacity } from './capacity.bench'

export const run = () =>
  runCapacity({ steps: envSteps() ?? [1000, 2500, 5000, 7500], intervalS: 10 })
