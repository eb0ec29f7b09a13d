/**
 * An in-memory table with the operations a repository needs: insert, find by id,
 * filter and full scan. Stands in for a database so that the example runs anywhere.
 */
export class Table<Row extends { id: number }> {
  private readonly rows = new Map<number, Row>();
  private nextId = 1;

  insert(values: Omit<Row, 'id'>): Row {
    const row = { ...values, id: this.nextId++ } as Row;
    this.rows.set(row.id, row);
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
