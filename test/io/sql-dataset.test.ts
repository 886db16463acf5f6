import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { inspect } from 'node:util';
import pg from 'pg';
import { DatasetError } from '../../src/io/dataset.ts';
import { createDatasetTypeRegistry } from '../../src/io/builtin-datasets.ts';
import { SqlQueryDataset } from '../../src/io/datasets/sql-query.ts';
import { SqlTableDataset } from '../../src/io/datasets/sql-table.ts';
import { serviceOrSkip } from '../support/services.ts';

const HOST = '127.0.0.1';
const PORT = 5432;
/** The server trusts local connections, so any password works, and we can check it never leaks. */
const SECRET = 'S3cret-Pa55word!';
const CREDENTIALS = { con: `postgresql://postgres:${encodeURIComponent(SECRET)}@${HOST}:${PORT}/test` };

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ host: HOST, port: PORT, user: 'postgres', database: 'test' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A table name no other test (or parallel run) uses, dropped when the test ends. */
function uniqueTable(t: TestContext): string {
  const name = `sluice_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  t.after(() => admin((client) => client.query(`DROP TABLE IF EXISTS public.${name}`)));
  return name;
}

async function rejection(promise: Promise<unknown>): Promise<DatasetError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof DatasetError, `expected a DatasetError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the promise to reject');
}

function assertNoSecret(error: DatasetError): void {
  for (const text of [error.message, error.hint ?? '', inspect(error, { depth: 5 })]) {
    assert.ok(
      !text.includes(SECRET) && !text.includes(encodeURIComponent(SECRET)),
      `secret leaked in: ${text}`,
    );
  }
}

const ROWS = [
  {
    id: 1,
    big: 2 ** 40,
    huge: 2n ** 62n,
    score: 9.5,
    active: true,
    name: 'Ana',
    at: new Date('2024-01-02T03:04:05.678Z'),
    payload: { team: 'a', levels: [1, 2] },
    bytes: Buffer.from([0, 1, 2, 255]),
  },
  {
    id: 2,
    big: -7,
    huge: 5n,
    score: -0.25,
    active: false,
    name: 'O\'Brien "q"',
    at: null,
    payload: [1, 'x'],
    bytes: null,
  },
  {
    id: 3,
    big: null,
    huge: null,
    score: null,
    active: null,
    name: null,
    at: new Date('1999-12-31T23:59:59.000Z'),
    payload: null,
    bytes: Buffer.from('hi'),
  },
];

describe('sql_table on PostgreSQL', () => {
  it('round-trips rows, creating the table with inferred column types', async (t) => {
    if (!(await serviceOrSkip(t, 'PostgreSQL', HOST, PORT))) return;
    const table = uniqueTable(t);
    const dataset = new SqlTableDataset('people', { table, schema: 'public' }, { credentials: CREDENTIALS });
    t.after(() => dataset.release());
    assert.equal(await dataset.exists(), false);
    await dataset.save(ROWS);
    assert.equal(await dataset.exists(), true);
    const types = await admin(
      async (client) =>
        (
          await client.query(
            `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`,
            [table],
          )
        ).rows,
    );
    assert.deepEqual(types, [
      { column_name: 'id', data_type: 'integer' },
      { column_name: 'big', data_type: 'bigint' },
      { column_name: 'huge', data_type: 'bigint' },
      { column_name: 'score', data_type: 'double precision' },
      { column_name: 'active', data_type: 'boolean' },
      { column_name: 'name', data_type: 'text' },
      { column_name: 'at', data_type: 'timestamp with time zone' },
      { column_name: 'payload', data_type: 'jsonb' },
      { column_name: 'bytes', data_type: 'bytea' },
    ]);
    const loaded = await dataset.load();
    // 64-bit integers load as numbers when exact: 5n comes back as 5, 2n ** 62n stays a bigint.
    assert.deepEqual(loaded, [ROWS[0], { ...ROWS[1], huge: 5 }, ROWS[2]]);
  });

  it('load_args.columns selects columns; int8 beyond 2^53 loads as bigint; date and timestamp load as UTC Dates', async (t) => {
    if (!(await serviceOrSkip(t, 'PostgreSQL', HOST, PORT))) return;
    const table = uniqueTable(t);
    await admin((client) =>
      client.query(
        `CREATE TABLE public.${table} AS SELECT 1 AS k, 9007199254740993::int8 AS v, DATE '2024-02-29' AS d, TIMESTAMP '2024-02-29 12:34:56.789' AS ts, 1.50::numeric AS n`,
      ),
    );
    const dataset = new SqlTableDataset(
      'typed',
      { table, load_args: { columns: ['v', 'd', 'ts', 'n'] } },
      { credentials: CREDENTIALS },
    );
    t.after(() => dataset.release());
    assert.deepEqual(await dataset.load(), [
      {
        v: 9007199254740993n,
        d: new Date('2024-02-29T00:00:00Z'),
        ts: new Date('2024-02-29T12:34:56.789Z'),
        n: '1.50',
      },
    ]);
  });

  it('if_exists: fail (the default) refuses an existing table, append adds rows, replace swaps the table', async (t) => {
    if (!(await serviceOrSkip(t, 'PostgreSQL', HOST, PORT))) return;
    const table = uniqueTable(t);
    const registry = createDatasetTypeRegistry();
    const build = async (ifExists?: string) =>
      (await registry.get('sql_table')(
        {
          table,
          credentials: 'db',
          ...(ifExists === undefined ? {} : { save_args: { if_exists: ifExists } }),
        },
        { name: 'scores', projectPath: process.cwd(), credentials: CREDENTIALS },
      )) as SqlTableDataset;
    const first = await build();
    t.after(() => first.release());
    await first.save([{ n: 1 }]);
    const refused = await rejection(first.save([{ n: 2 }]));
    assert.match(
      refused.message,
      new RegExp(
        `table "${table}" already exists in database "test" on 127\\.0\\.0\\.1:5432, and save_args\\.if_exists is "fail"`,
      ),
    );
    assert.match(refused.hint ?? '', /replace/);
    const append = await build('append');
    t.after(() => append.release());
    await append.save([{ n: 2 }, { n: 3 }]);
    assert.deepEqual(await append.load(), [{ n: 1 }, { n: 2 }, { n: 3 }]);
    const replace = await build('replace');
    t.after(() => replace.release());
    await replace.save([{ label: 'new', weight: 0.5 }]);
    assert.deepEqual(await replace.load(), [{ label: 'new', weight: 0.5 }]);
    await replace.save([]);
    assert.deepEqual(await replace.load(), []);
    const mismatch = await rejection(append.save([{ other: 1 }]));
    assert.match(mismatch.message, /column "other" of relation .* does not exist/);
    assert.match(mismatch.hint ?? '', /existing table's columns/);
  });

  it('a save that fails midway leaves the old table whole (one transaction)', async (t) => {
    if (!(await serviceOrSkip(t, 'PostgreSQL', HOST, PORT))) return;
    const table = uniqueTable(t);
    const dataset = new SqlTableDataset(
      'kept',
      { table, save_args: { if_exists: 'replace' } },
      { credentials: CREDENTIALS },
    );
    t.after(() => dataset.release());
    await dataset.save([{ id: 1, name: 'old' }]);
    // 2500 rows: the first INSERT batches succeed, then PostgreSQL rejects the NUL character.
    const rows: { id: number; text: string }[] = Array.from({ length: 2500 }, (_, id) => ({
      id,
      text: `row ${id}`,
    }));
    rows[2400]!.text = 'bad\u0000text';
    const error = await rejection(dataset.save(rows));
    assert.match(
      error.message,
      new RegExp(
        `^Dataset "kept" \\(sql_table\\) could not save table "${table}" in database "test" on 127\\.0\\.0\\.1:5432: `,
      ),
    );
    assert.deepEqual(await dataset.load(), [{ id: 1, name: 'old' }]);
  });

  it('a missing table and bad SQL give DatasetErrors naming dataset, type and table', async (t) => {
    if (!(await serviceOrSkip(t, 'PostgreSQL', HOST, PORT))) return;
    const missing = new SqlTableDataset(
      'ghost',
      { table: 'no_such_table_sluice', schema: 'public' },
      { credentials: CREDENTIALS },
    );
    t.after(() => missing.release());
    const error = await rejection(missing.load());
    assert.match(
      error.message,
      /^Dataset "ghost" \(sql_table\) could not load table "public"\."no_such_table_sluice" in database "test" on 127\.0\.0\.1:5432: relation "public\.no_such_table_sluice" does not exist/,
    );
    assert.match(error.hint ?? '', /Create the table first/);
    assert.equal(error.datasetName, 'ghost');
    assertNoSecret(error);

    const query = new SqlQueryDataset(
      'broken',
      { sql: 'SELEC 1' },
      { credentials: CREDENTIALS, location: { file: 'conf/base/catalog.yml', line: 7 } },
    );
    t.after(() => query.release());
    const syntax = await rejection(query.load());
    assert.match(
      syntax.message,
      /^Dataset "broken" \(sql_query, conf\/base\/catalog\.yml:7\) could not run its query in database "test" on 127\.0\.0\.1:5432: syntax error at or near "SELEC"/,
    );
    assert.match(syntax.hint ?? '', /Check the SQL/);
    assertNoSecret(syntax);
  });

  it('keeps credentials out of describe() and every error, even connection failures', async (t) => {
    if (!(await serviceOrSkip(t, 'PostgreSQL', HOST, PORT))) return;
    const dataset = new SqlTableDataset('secret', { table: 'anything' }, { credentials: CREDENTIALS });
    const description = JSON.stringify(dataset.describe());
    assert.ok(!description.includes(SECRET) && !description.includes('postgres:'), description);
    assert.deepEqual(dataset.describe(), {
      type: 'sql_table',
      table: 'anything',
      host: HOST,
      port: PORT,
      database: 'test',
      save_args: { if_exists: 'fail' },
    });

    const refused = new SqlTableDataset(
      'down',
      { table: 'x' },
      { credentials: { con: `postgresql://postgres:${SECRET}@127.0.0.1:1/test` } },
    );
    const connection = await rejection(refused.load());
    assert.match(connection.message, /could not load table "x" in database "test" on 127\.0\.0\.1:1/);
    assert.match(connection.hint ?? '', /PostgreSQL is running/);
    assertNoSecret(connection);

    const noDatabase = new SqlQueryDataset(
      'nodb',
      { sql: 'SELECT 1' },
      {
        credentials: {
          host: HOST,
          port: PORT,
          user: 'postgres',
          password: SECRET,
          database: 'sluice_no_such_db',
        },
      },
    );
    const missingDb = await rejection(noDatabase.load());
    assert.match(missingDb.message, /database "sluice_no_such_db" does not exist/);
    assert.match(missingDb.hint ?? '', /database name/);
    assertNoSecret(missingDb);
    assert.ok(!JSON.stringify(noDatabase.describe()).includes(SECRET));
  });

  it('checks credentials when built, without echoing their values', () => {
    const none = (() => {
      try {
        new SqlTableDataset('t', { table: 'x' });
      } catch (error) {
        return error as DatasetError;
      }
      assert.fail('expected a throw');
    })();
    assert.match(none.message, /^Dataset "t" \(sql_table\): needs credentials for PostgreSQL/);
    assert.match(none.hint ?? '', /credentials\.yml/);
    assert.throws(
      () =>
        new SqlTableDataset('t', { table: 'x' }, { credentials: { con: CREDENTIALS.con, passwd: SECRET } }),
      (error: Error) => {
        assert.match(error.message, /unknown credentials key "passwd"/);
        assert.ok(!error.message.includes(SECRET));
        return true;
      },
    );
    assert.throws(
      () => new SqlTableDataset('t', { table: 'x' }, { credentials: { con: `mysql://root:${SECRET}@db/x` } }),
      (error: Error) => {
        assert.match(error.message, /must be a postgresql:\/\/ connection string/);
        assert.ok(!error.message.includes(SECRET));
        return true;
      },
    );
    assert.throws(
      () => new SqlTableDataset('t', { tabel: 'x', table: 'x' } as never, { credentials: CREDENTIALS }),
      /unknown option "tabel"\. Did you mean "table"\?/,
    );
    assert.throws(
      () =>
        new SqlTableDataset('t', { table: 'x', save_args: { if_exists: 'replase' } } as never, {
          credentials: CREDENTIALS,
        }),
      /must be one of replace, append, fail, got "replase"\. Did you mean "replace"\?/,
    );
    assert.throws(
      () => new SqlTableDataset('t', {}, { credentials: CREDENTIALS }),
      /option "table" is required/,
    );
    // Kedro's spellings port as they are.
    const kedro = new SqlTableDataset(
      't',
      { table_name: 'shuttles', save_args: { if_exists: 'replace', index: false } },
      { credentials: { con: 'postgresql+psycopg2://u:p4ssw0rd@h:5433/db' } },
    );
    assert.deepEqual(kedro.describe(), {
      type: 'sql_table',
      table: 'shuttles',
      host: 'h',
      port: 5433,
      database: 'db',
      save_args: { if_exists: 'replace' },
    });
  });
});

describe('sql_query on PostgreSQL', () => {
  it('loads a query with parameters, from text or a .sql file; is read-only', async (t) => {
    if (!(await serviceOrSkip(t, 'PostgreSQL', HOST, PORT))) return;
    const table = uniqueTable(t);
    const writer = new SqlTableDataset('w', { table }, { credentials: CREDENTIALS });
    t.after(() => writer.release());
    await writer.save([
      { city: 'Oslo', people: 700_000 },
      { city: 'Bergen', people: 290_000 },
      { city: 'Tromsø', people: 78_000 },
    ]);
    const query = new SqlQueryDataset(
      'big_cities',
      {
        sql: `SELECT city FROM ${table} WHERE people > $1 ORDER BY people DESC; -- biggest first`,
        load_args: { params: [100_000] },
      },
      { credentials: CREDENTIALS },
    );
    t.after(() => query.release());
    assert.deepEqual(await query.load(), [{ city: 'Oslo' }, { city: 'Bergen' }]);
    assert.equal(await query.exists(), true);

    const project = mkdtempSync(join(tmpdir(), 'sluice-sql-'));
    writeFileSync(join(project, 'count.sql'), `SELECT count(*) AS n FROM ${table}\n`);
    const registry = createDatasetTypeRegistry();
    const fromFile = await registry.get('sql_query')(
      { filepath: 'count.sql', credentials: 'db' },
      { name: 'count', projectPath: project, credentials: CREDENTIALS },
    );
    t.after(() => fromFile.release());
    assert.deepEqual(await fromFile.load(), [{ n: 3 }]);
    assert.equal(fromFile.describe().filepath, join(project, 'count.sql'));

    const readOnly = await rejection(Promise.resolve().then(() => query.save()));
    assert.match(readOnly.message, /^Dataset "big_cities" \(sql_query\) is read-only/);
    assert.match(readOnly.hint ?? '', /sql_table/);

    const gone = new SqlQueryDataset(
      'gone',
      { sql: 'SELECT * FROM sluice_no_such_table' },
      { credentials: CREDENTIALS },
    );
    t.after(() => gone.release());
    assert.equal(await gone.exists(), false);
    const missing = await rejection(gone.load());
    assert.match(missing.message, /relation "sluice_no_such_table" does not exist/);
  });

  it('needs exactly one of sql and filepath', () => {
    assert.throws(
      () => new SqlQueryDataset('q', {}, { credentials: CREDENTIALS }),
      /option "sql" is required/,
    );
    assert.throws(
      () => new SqlQueryDataset('q', { sql: 'SELECT 1', filepath: 'a.sql' }, { credentials: CREDENTIALS }),
      /give "sql" or "filepath", not both/,
    );
  });
});
