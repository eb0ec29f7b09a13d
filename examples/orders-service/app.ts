/**
 * The orders service's HTTP API (express), as in any service: routes, JSON bodies,
 * errors mapped to status codes. Nothing in here is about telemetry.
 */
import { createLogger } from 'beacon-otel';
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

  // Alertmanager's webhook receiver in the compose stack (deploy/alertmanager/alertmanager.yml):
  // each alert becomes one log line, so alerts show up in Kibana next to the service's logs.
  const alertLog = createLogger({ component: 'alerts' });
  app.post('/api/alerts', (req, res) => {
    const body = (req.body ?? {}) as { alerts?: { status?: string; labels?: Record<string, string>; annotations?: Record<string, string> }[] };
    for (const alert of body.alerts ?? []) {
      alertLog.warn({ alert_status: alert.status, alert_name: alert.labels?.alertname, alert_labels: alert.labels }, alert.annotations?.summary ?? 'alert');
    }
    res.status(204).end();
  });

  app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
    const status = error instanceof ValidationError ? 400 : error instanceof NotFoundError ? 404 : 500;
    res.status(status).json({ error: error.message });
  });
  return app;
}
