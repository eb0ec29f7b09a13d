// A realistic express route: about a millisecond of the app's own work per request (an order
// built from its lines, serialized, hashed as an ETag would be), so the agent's share is what
// a real service sees.
const { createHash } = require('node:crypto');
const { createServer } = require('node:http');
const express = require('express');
const { listen, logRequest } = require('./common.cjs');

function order(id) {
  const lines = Array.from({ length: 400 }, (_, i) => ({ sku: `sku-${id}-${i}`, quantity: (i % 7) + 1, price: Math.round(((i * 37) % 1000) * 1.19) / 100, tags: ['a', 'b', String(i % 13)] }));
  return { id, customer: { id: `c-${id}`, tier: 'gold' }, lines, total: lines.reduce((sum, line) => sum + line.price * line.quantity, 0) };
}

const app = express();
app.get('/orders/:id', (req, res) => {
  const body = JSON.stringify(order(req.params.id));
  let digest = body;
  for (let i = 0; i < 40; i++) digest = createHash('sha256').update(digest).update(body).digest('hex');
  logRequest({ orderId: req.params.id });
  res.set('etag', `"${digest.slice(0, 16)}"`).type('json').send(body);
});
listen(createServer(app));
