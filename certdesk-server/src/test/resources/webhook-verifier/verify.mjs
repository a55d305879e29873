// node verify.mjs SECRET DELIVERY.json...  Each file: {"headers": {...}, "body": "..."} as received.
// Prints, per delivery, "ok <type> <webhook-id>" or "refused <why>". With NOW (Unix seconds) in the
// environment, the verifier's clock reads that time: a test that moved the server's clock moves it too.
import { readFileSync } from "node:fs";
import { Webhook } from "standardwebhooks";

if (process.env.NOW) {
  const offset = Number(process.env.NOW) * 1000 - Date.now();
  const realNow = Date.now.bind(Date);
  Date.now = () => realNow() + offset;
}
const [secret, ...files] = process.argv.slice(2);
const wh = new Webhook(secret);
for (const file of files) {
  const delivery = JSON.parse(readFileSync(file, "utf8"));
  try {
    const event = wh.verify(delivery.body, delivery.headers);
    console.log(`ok ${event.type} ${delivery.headers["webhook-id"]}`);
  } catch (e) {
    console.log(`refused ${e.message}`);
  }
}
