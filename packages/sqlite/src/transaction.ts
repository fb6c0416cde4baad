/** Runs work in one SQLite transaction, the same way on every driver. */
import type { SqliteConnection } from './sqlite-driver.js';

/**
 * `BEGIN` (or `BEGIN EXCLUSIVE`), `work`, `COMMIT`; a throw from either step rolls back and rethrows, so
 * nothing of a failed call stays in the file. SQLite rolls back by itself after some errors (SQLITE_FULL
 * among them), hence the check before ROLLBACK.
 */
export function inTransaction<T>(db: SqliteConnection, work: () => T, mode: 'deferred' | 'exclusive' = 'deferred'): T {
  db.exec(mode === 'exclusive' ? 'BEGIN EXCLUSIVE' : 'BEGIN');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    if (db.inTransaction) {
      try {
        db.exec('ROLLBACK');
      } catch {
        // The first error says what went wrong; a transaction left open fails the next BEGIN visibly.
      }
    }
    throw error;
  }
}
