/**
 * The orders service's HTTP API (express), as in any service: routes, JSON bodies,
 * errors mapped to status codes. Nothing in here is about telemetry.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { NotFoundError, OrderRepository, OrderService, UserRepository, UserService, ValidationError } from './domain.js';

export function createApp(): express.Express {
  const users = new UserService(new UserRepository());
  const orders = new OrderService(new OrderRepository(), users);
  const app = express();
  app.use(express.json());

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.post('/api/users', (req, res) => {
    res.status(201).json(users.create(req.body ?? {}));
  });
  app.get('/api/users', (_req, res) => {
    res.json(users.list());
  });
  app.get('/api/users/:id', (req, res) => {
    res.json(users.get(Number(req.params.id)));
  });
  app.post('/api/orders', async (req, res) => {
    res.status(201).json(await orders.create(req.body ?? {}));
  });
  app.get('/api/orders', (_req, res) => {
    res.json(orders.list());
  });
  app.get('/api/orders/user/:userId', (req, res) => {
    res.json(orders.ofUser(Number(req.params.userId)));
  });
  app.get('/api/orders/revenue', async (_req, res) => {
    res.json(await orders.revenue());
  });

  app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
    const status = error instanceof ValidationError ? 400 : error instanceof NotFoundError ? 404 : 500;
    res.status(status).json({ error: error.message });
  });
  return app;
}
