// Wires the demo services together and keeps orders flowing until stop() is called.
import { createBilling } from './billing.mjs';
import { createCheckout } from './checkout.mjs';
import { createInventory } from './inventory.mjs';
import { createNotifications } from './notifications.mjs';
import { Clock, shutdownAll } from './otel.mjs';
import { createPayments } from './payments.mjs';
import { createWeb } from './web.mjs';

/** Starts the services, sending to an OTLP/HTTP endpoint like http://127.0.0.1:4318. */
export function startTraffic(endpoint, { ordersPerSecond = 4 } = {}) {
  const notifications = createNotifications(endpoint);
  const checkout = createCheckout(endpoint, { payments: createPayments(endpoint), inventory: createInventory(endpoint), notifications });
  const web = createWeb(endpoint, checkout);
  const billing = createBilling(endpoint);
  let orders = 0;

  const tick = () => {
    const id = `ord_${(100000 + orders++).toString(36)}`;
    web.placeOrder({ id, cartId: `cart_${id}` }, new Clock(Date.now() - 2000));
    if (orders % 3 === 0) web.browse(new Clock(Date.now() - 2000));
    if (orders % 40 === 0) billing.refund({ id }, new Clock(Date.now() - 2000));
    notifications.poll();
  };
  const timer = setInterval(tick, Math.max(10, 1000 / ordersPerSecond));
  tick();
  return {
    get orders() {
      return orders;
    },
    async stop() {
      clearInterval(timer);
      notifications.poll();
      await shutdownAll();
    },
  };
}
