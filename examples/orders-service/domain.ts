/**
 * Users and orders: repositories over the in-memory tables and the services that hold
 * the rules (validation, lookups, revenue aggregation).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Instrumented, createLogger } from 'beacon-otel';
import { Table } from './store.js';
import { databaseWrites, expensiveAggregations, fullScans, queryRowsReturned } from './telemetry.js';

const log = createLogger({ component: 'orders' });

export interface User {
  id: number;
  username: string;
  email: string;
}

export interface Order {
  id: number;
  userId: number;
  productType: 'digital' | 'physical';
  amount: number;
  region: string;
}

/** A request the caller got wrong (→ 400) or a missing entity (→ 404). */
export class ValidationError extends Error {}
export class NotFoundError extends Error {}

/** A full scan: counted, and its size recorded, as the seed's repositories do. */
function fullScan<Row extends { id: number }>(table: Table<Row>, name: string): Row[] {
  fullScans.inc({ table: name });
  const rows = table.scan();
  queryRowsReturned.observe(rows.length, { table: name, query_type: 'full_scan' });
  return rows;
}

@Instrumented()
export class UserRepository {
  private readonly table = new Table<User>();
  insert(user: Omit<User, 'id'>): User {
    databaseWrites.inc({ table: 'users', operation: 'insert' });
    return this.table.insert(user);
  }
  findById(id: number): User | undefined {
    const user = this.table.findById(id);
    queryRowsReturned.observe(user ? 1 : 0, { table: 'users', query_type: 'by_id' });
    return user;
  }
  findAll(): User[] {
    return fullScan(this.table, 'users');
  }
}

@Instrumented()
export class OrderRepository {
  private readonly table = new Table<Order>();
  insert(order: Omit<Order, 'id'>): Order {
    databaseWrites.inc({ table: 'orders', operation: 'insert' });
    return this.table.insert(order);
  }
  findByUser(userId: number): Order[] {
    const rows = this.table.filter((order) => order.userId === userId);
    queryRowsReturned.observe(rows.length, { table: 'orders', query_type: 'by_user' });
    return rows;
  }
  findAll(): Order[] {
    return fullScan(this.table, 'orders');
  }
}

@Instrumented()
export class UserService {
  constructor(private readonly users: UserRepository) {}

  create(input: { username?: unknown; email?: unknown }): User {
    if (typeof input.username !== 'string' || input.username.trim() === '') throw new ValidationError('username is required');
    if (typeof input.email !== 'string' || !input.email.includes('@')) throw new ValidationError('email must be an address');
    const user = this.users.insert({ username: input.username, email: input.email });
    log.info({ user_id: user.id }, 'user created');
    return user;
  }

  get(id: number): User {
    const user = this.users.findById(id);
    if (!user) throw new NotFoundError(`user ${id} not found`);
    return user;
  }

  list(): User[] {
    return this.users.findAll();
  }
}

@Instrumented()
export class OrderService {
  constructor(
    private readonly orders: OrderRepository,
    private readonly users: UserService,
  ) {}

  async create(input: { user_id?: unknown; product_type?: unknown; amount?: unknown; region?: unknown }): Promise<Order> {
    const userId = Number(input.user_id);
    this.users.get(userId);
    if (input.product_type !== 'digital' && input.product_type !== 'physical') throw new ValidationError("product_type must be 'digital' or 'physical'");
    if (typeof input.amount !== 'number' || !(input.amount > 0)) throw new ValidationError('amount must be a positive number');
    const region = typeof input.region === 'string' ? input.region : 'us-east';
    await paymentLatency();
    const order = this.orders.insert({ userId, productType: input.product_type, amount: input.amount, region });
    log.info({ order_id: order.id, user_id: userId, amount: order.amount, region }, 'order created');
    return order;
  }

  list(): Order[] {
    return this.orders.findAll();
  }

  ofUser(userId: number): Order[] {
    this.users.get(userId);
    return this.orders.findByUser(userId);
  }

  async revenue(): Promise<{ total: number; byRegion: Record<string, number>; orders: number }> {
    const all = this.orders.findAll();
    expensiveAggregations.inc({ operation: 'revenue_by_region' });
    const byRegion: Record<string, number> = {};
    for (const order of all) byRegion[order.region] = (byRegion[order.region] ?? 0) + order.amount;
    await sleep(5 + all.length / 100);
    return { total: all.reduce((sum, order) => sum + order.amount, 0), byRegion, orders: all.length };
  }
}

/** A payment provider call: usually quick, now and then slow, rarely failing. */
async function paymentLatency(): Promise<void> {
  const roll = Math.random();
  await sleep(roll < 0.05 ? 80 + Math.random() * 120 : 2 + Math.random() * 10);
  if (roll > 0.995) {
    log.error('payment provider unavailable');
    throw new Error('payment provider unavailable');
  }
}
