import { ReferenceKind, type EntityMetadata } from '@mikro-orm/core';
import { openDatabase, type Database } from '../../src/db/orm';
import { entities } from '../../src/db/entities';
import { createTestDatabase } from '../support/test-app';

/**
 * Every entity the ORM knows (src/db/entities.ts) describes its table as the migrations left it: the table name, every
 * column both ways, each column's type and whether it takes null. An entity that drifted from the migrations would
 * write or read the wrong thing at run time; this fails first, naming each difference.
 */

interface Column {
  type: string;
  nullable: boolean;
}

/** A table as one side sees it: its name and its columns by column name. */
interface Shape {
  table: string;
  columns: Map<string, Column>;
}

/** PostgreSQL's names for the same type, as the ORM and information_schema spell them, reduced to one spelling. */
const ALIASES: Record<string, string> = {
  'character varying': 'varchar',
  character: 'char',
  bpchar: 'char',
  int8: 'bigint',
  int4: 'integer',
  int: 'integer',
  int2: 'smallint',
  bool: 'boolean',
  float8: 'double precision',
  'timestamp with time zone': 'timestamptz',
  'timestamp without time zone': 'timestamp',
};

/** One spelling per type: `varchar(120)`, `char(11)`, `timestamptz` (6 digits, PostgreSQL's default, left implicit). */
function canonicalType(type: string): string {
  const match = /^([a-z0-9 ]+?)\s*(?:\(([\d,\s]+)\))?$/.exec(type.trim().toLowerCase());
  if (!match) return type.trim().toLowerCase();
  const name = ALIASES[match[1]] ?? match[1];
  const args = match[2]?.replace(/\s/g, '');
  if ((name === 'timestamptz' || name === 'timestamp') && args === '6') return name;
  return args ? `${name}(${args})` : name;
}

/** The table an entity describes, from the ORM's metadata: columns of scalars and of owning to-one relations. */
function entityShape(meta: EntityMetadata): Shape {
  const columns = new Map<string, Column>();
  for (const prop of Object.values(meta.properties)) {
    if (prop.persist === false) continue;
    const owning =
      prop.kind === ReferenceKind.SCALAR ||
      prop.kind === ReferenceKind.MANY_TO_ONE ||
      (prop.kind === ReferenceKind.ONE_TO_ONE && prop.owner);
    if (!owning) continue;
    prop.fieldNames.forEach((field, index) => {
      columns.set(field, { type: canonicalType(prop.columnTypes[index]), nullable: Boolean(prop.nullable) });
    });
  }
  return { table: meta.tableName, columns };
}

interface InformationSchemaColumn {
  column_name: string;
  udt_name: string;
  character_maximum_length: number | null;
  numeric_precision: number | null;
  numeric_scale: number | null;
  is_nullable: 'YES' | 'NO';
}

/** The table as the migrated database has it (information_schema). */
async function databaseShape(db: Database, table: string): Promise<Shape> {
  const rows = await db.em.execute<InformationSchemaColumn[]>(
    `select column_name, udt_name, character_maximum_length, numeric_precision, numeric_scale, is_nullable
       from information_schema.columns
      where table_schema = current_schema() and table_name = ?
      order by ordinal_position`,
    [table],
  );
  const columns = new Map<string, Column>();
  for (const row of rows) {
    const size =
      row.character_maximum_length !== null
        ? `(${row.character_maximum_length})`
        : row.udt_name === 'numeric' && row.numeric_precision !== null
          ? `(${row.numeric_precision},${row.numeric_scale ?? 0})`
          : '';
    columns.set(row.column_name, { type: canonicalType(row.udt_name + size), nullable: row.is_nullable === 'YES' });
  }
  return { table, columns };
}

/** Every difference between what the entity says and what the database has, one sentence each; empty when they agree. */
function mismatches(entity: string, declared: Shape, actual: Shape): string[] {
  if (actual.columns.size === 0) return [`${entity}: table ${declared.table} does not exist in the migrated database`];
  const found: string[] = [];
  for (const [name, column] of declared.columns) {
    const existing = actual.columns.get(name);
    if (!existing) {
      found.push(`${entity}: column ${declared.table}.${name} is mapped but the table has no such column`);
      continue;
    }
    if (existing.type !== column.type) {
      found.push(`${entity}: column ${declared.table}.${name} is ${column.type} in the entity, ${existing.type} in the database`);
    }
    if (existing.nullable !== column.nullable) {
      const say = (nullable: boolean) => (nullable ? 'nullable' : 'not null');
      found.push(
        `${entity}: column ${declared.table}.${name} is ${say(column.nullable)} in the entity, ${say(existing.nullable)} in the database`,
      );
    }
  }
  for (const name of actual.columns.keys()) {
    if (!declared.columns.has(name))
      found.push(`${entity}: column ${actual.table}.${name} exists but the entity does not map it`);
  }
  return found;
}

let db: Database;
let testDatabase: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  db = await openDatabase(testDatabase.database, { migrate: false });
});
afterAll(async () => {
  await db.close();
  await testDatabase.drop();
});

function metadataOf(entity: (typeof entities)[number]): EntityMetadata {
  const meta = [...db.orm.getMetadata().getAll().values()].find((candidate) => candidate.class === entity);
  if (!meta) throw new Error(`${entity.name} is listed in src/db/entities.ts but the ORM has no metadata for it`);
  return meta;
}

describe('every registered entity matches the migrated schema', () => {
  it('has entities to check', () => {
    expect(entities.length).toBeGreaterThan(0);
  });

  it.each(entities.map((entity) => [entity.name, entity] as const))('%s', async (name, entity) => {
    const declared = entityShape(metadataOf(entity));
    expect(mismatches(name, declared, await databaseShape(db, declared.table))).toEqual([]);
  });
});

describe('the comparison reports each kind of drift', () => {
  // A real entity, then copies of its metadata each wrong in one way, against the real table.
  const [entity] = entities;
  let declared: Shape;
  let actual: Shape;

  beforeAll(async () => {
    declared = entityShape(metadataOf(entity));
    actual = await databaseShape(db, declared.table);
  });

  const copy = (change: (columns: Map<string, Column>) => void, table?: string): Shape => {
    const columns = new Map([...declared.columns].map(([name, column]) => [name, { ...column }]));
    change(columns);
    return { table: table ?? declared.table, columns };
  };
  const someColumn = () => [...declared.columns.keys()].find((name) => name !== 'id')!;

  it('a wrong type', () => {
    const column = someColumn();
    const wrong = copy((columns) => (columns.get(column)!.type = 'varchar(3)'));
    expect(mismatches(entity.name, wrong, actual)).toEqual([
      `${entity.name}: column ${declared.table}.${column} is varchar(3) in the entity, ${actual.columns.get(column)!.type} in the database`,
    ]);
  });

  it('a wrong nullability', () => {
    const column = someColumn();
    const wrong = copy((columns) => (columns.get(column)!.nullable = !columns.get(column)!.nullable));
    expect(mismatches(entity.name, wrong, actual)).toEqual([
      expect.stringMatching(new RegExp(`column ${declared.table}\\.${column} is (nullable|not null) in the entity`)),
    ]);
  });

  it('a column the table lacks, and a column the entity lacks', () => {
    const column = someColumn();
    const wrong = copy((columns) => {
      columns.delete(column);
      columns.set('no_such_column', { type: 'text', nullable: true });
    });
    expect(mismatches(entity.name, wrong, actual).sort()).toEqual(
      [
        `${entity.name}: column ${declared.table}.no_such_column is mapped but the table has no such column`,
        `${entity.name}: column ${declared.table}.${column} exists but the entity does not map it`,
      ].sort(),
    );
  });

  it('a table that does not exist', async () => {
    const wrong = copy(() => undefined, 'no_such_table');
    expect(mismatches(entity.name, wrong, await databaseShape(db, 'no_such_table'))).toEqual([
      `${entity.name}: table no_such_table does not exist in the migrated database`,
    ]);
  });

  it('spells equal types alike', () => {
    expect(canonicalType('character varying(254)')).toBe(canonicalType('varchar(254)'));
    expect(canonicalType('bpchar(11)')).toBe('char(11)');
    expect(canonicalType('timestamptz(6)')).toBe(canonicalType('timestamptz'));
    expect(canonicalType('int8')).toBe('bigint');
    expect(canonicalType('char(11)')).not.toBe(canonicalType('varchar(11)'));
  });
});
