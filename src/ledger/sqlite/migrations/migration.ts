/** A named schema change, applied once, in list order, and recorded in `schema_migrations`. */
export interface Migration {
  /** Unique and sortable: `NNN-what-it-does`. */
  name: string;
  /** SQL run in one transaction. */
  up: string;
}
