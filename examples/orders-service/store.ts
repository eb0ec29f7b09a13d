/**
 * An in-memory table with the operations a repository needs: insert, find by id,
 * filter and full scan. Stands in for a database so that the example runs anywhere.
 * Bounded: beyond `maxRows` the oldest rows are dropped, so that a load generator left
 * running for hours cannot grow the process without limit.
 */
export class Table<Row extends { id: number }> {
  private readonly rows = new Map<number, Row>();
  private nextId = 1;

  constructor(private readonly maxRows = 5000) {}

  insert(values: Omit<Row, 'id'>): Row {
    const row = { ...values, id: this.nextId++ } as Row;
    this.rows.set(row.id, row);
    if (this.rows.size > this.maxRows) this.rows.delete(this.rows.keys().next().value!);
    return row;
  }

  findById(id: number): Row | undefined {
    return this.rows.get(id);
  }

  filter(predicate: (row: Row) => boolean): Row[] {
    return [...this.rows.values()].filter(predicate);
  }

  scan(): Row[] {
    return [...this.rows.values()];
  }
}
