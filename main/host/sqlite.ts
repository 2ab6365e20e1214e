/**
 * sqlite3 (the N-API build: one binary for Node and Electron) behind promises. One connection,
 * and every unit of work — a statement or a transaction — runs alone through a queue: sqlite3's
 * callbacks interleave freely otherwise, and two calls' statements could land inside each other's
 * BEGIN … COMMIT.
 */
import sqlite3 from 'sqlite3';

export type SqlValue = string | number | null | Uint8Array;

export interface RunResult {
  readonly lastId: number;
  readonly changes: number;
}

/** What a unit of work may do; only valid while it runs. */
export interface Sql {
  run(sql: string, params?: readonly SqlValue[]): Promise<RunResult>;
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export class SqliteDb {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly sql: Sql;

  private constructor(private readonly db: sqlite3.Database) {
    this.sql = {
      run: (text, params = []) =>
        new Promise((resolve, reject) =>
          db.run(text, params, function (this: sqlite3.RunResult, err: Error | null) {
            if (err) reject(err);
            else resolve({ lastId: this.lastID, changes: this.changes });
          }),
        ),
      get: <T>(text: string, params: readonly SqlValue[] = []) =>
        new Promise<T | undefined>((resolve, reject) => db.get<T>(text, params, (err, row) => (err ? reject(err) : resolve(row)))),
      all: <T>(text: string, params: readonly SqlValue[] = []) =>
        new Promise<T[]>((resolve, reject) => db.all<T>(text, params, (err, rows) => (err ? reject(err) : resolve(rows)))),
      exec: (text) => new Promise((resolve, reject) => db.exec(text, (err) => (err ? reject(err) : resolve()))),
    };
  }

  static open(file: string): Promise<SqliteDb> {
    return new Promise((resolve, reject) => {
      const db = new sqlite3.Database(file, (err) => (err ? reject(err) : resolve(new SqliteDb(db))));
    });
  }

  /** Runs `work` alone (no other unit of work interleaves). */
  exclusive<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    const result = this.tail.then(() => work(this.sql));
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Runs `work` alone inside BEGIN IMMEDIATE … COMMIT, rolled back when it throws. */
  transaction<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    return this.exclusive(async (sql) => {
      await sql.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(sql);
        await sql.exec('COMMIT');
        return result;
      } catch (e) {
        await sql.exec('ROLLBACK').catch(() => undefined);
        throw e;
      }
    });
  }

  close(): Promise<void> {
    return this.exclusive(() => new Promise<void>((resolve, reject) => this.db.close((err) => (err ? reject(err) : resolve()))));
  }
}
