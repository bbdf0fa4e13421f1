// The sample data set: a small shop in one table, single-table design.
// Generated deterministically (a seeded PRNG), so every visitor gets the
// same items:
//
//   pk                 sk                              what
//   CUSTOMER#<id>      PROFILE                         name, email, city, joined
//   CUSTOMER#<id>      ORDER#<yyyy-mm-dd>#<orderId>    status, total, lineCount
//   CUSTOMER#<id>      ORDER#<orderId>#LINE#<n>        product, quantity, price
//
// Query pk = CUSTOMER#0007 with sk begins_with ORDER#2024 to list a
// customer's 2024 orders; begins_with PROFILE for the profile.

export const SAMPLE_TABLE = 'shop';
export const CUSTOMERS = 400;

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Margaret', 'Ken', 'Dennis', 'Frances', 'John', 'Radia', 'Leslie', 'Tim', 'Sophie', 'Hedy'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Hamilton', 'Thompson', 'Ritchie', 'Allen', 'Backus', 'Perlman', 'Lamport', 'Berners-Lee', 'Wilson', 'Lamarr'];
const CITIES = ['Lisbon', 'Oslo', 'Nairobi', 'Osaka', 'Lima', 'Toronto', 'Dublin', 'Pune', 'Austin', 'Tallinn'];
const PRODUCTS = [['Notebook', 4.5], ['Fountain pen', 32], ['Desk lamp', 48.9], ['Mug', 9.99], ['Backpack', 79], ['Headphones', 129], ['USB cable', 7.25], ['Stickers', 2.5], ['Keyboard', 99], ['Plant', 15]];
const STATUSES = ['PLACED', 'SHIPPED', 'DELIVERED', 'DELIVERED', 'RETURNED'];

// mulberry32: a tiny deterministic PRNG in [0, 1).
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n, w) => String(n).padStart(w, '0');

/** The items of the data set, in DynamoDB JSON. */
export function generateShop(customers = CUSTOMERS) {
  const r = rng(20240601);
  const pick = (list) => list[Math.floor(r() * list.length)];
  const items = [];
  let orderSeq = 1;
  for (let c = 1; c <= customers; c++) {
    const pk = { S: `CUSTOMER#${pad(c, 4)}` };
    const first = pick(FIRST);
    const last = pick(LAST);
    items.push({
      pk, sk: { S: 'PROFILE' }, type: { S: 'customer' },
      name: { S: `${first} ${last}` },
      email: { S: `${first}.${last}${c}@example.com`.toLowerCase() },
      address: { M: { city: { S: pick(CITIES) }, zip: { S: pad(Math.floor(r() * 99999), 5) } } },
      joined: { S: `20${20 + Math.floor(r() * 5)}-${pad(1 + Math.floor(r() * 12), 2)}-${pad(1 + Math.floor(r() * 28), 2)}` },
    });
    const orders = 1 + Math.floor(r() * 4);
    for (let o = 0; o < orders; o++) {
      const id = `O${pad(orderSeq++, 6)}`;
      const date = `202${2 + Math.floor(r() * 3)}-${pad(1 + Math.floor(r() * 12), 2)}-${pad(1 + Math.floor(r() * 28), 2)}`;
      const lines = 1 + Math.floor(r() * 4);
      let total = 0;
      for (let n = 1; n <= lines; n++) {
        const [product, price] = pick(PRODUCTS);
        const quantity = 1 + Math.floor(r() * 3);
        total += price * quantity;
        items.push({
          pk, sk: { S: `ORDER#${id}#LINE#${n}` }, type: { S: 'orderLine' },
          product: { S: product }, quantity: { N: String(quantity) }, price: { N: String(price) },
        });
      }
      items.push({
        pk, sk: { S: `ORDER#${date}#${id}` }, type: { S: 'order' }, orderId: { S: id },
        status: { S: pick(STATUSES) }, total: { N: total.toFixed(2) }, lineCount: { N: String(lines) },
        tags: { SS: lines > 2 ? ['bulk', 'gift'] : ['standard'] },
      });
    }
  }
  return items;
}

/**
 * Writes the data set into the table (created if missing) with
 * db.importTable, calling progress(done, total) as batches land. Resolves
 * to { table, count }.
 */
export async function loadSample(db, progress) {
  const { TableNames } = await db.send('ListTables', {});
  const items = generateShop();
  const lines = items.map((Item) => JSON.stringify({ Item })).join('\n');
  progress(0, items.length);
  await db.importTable(SAMPLE_TABLE, lines, {
    ...(TableNames.includes(SAMPLE_TABLE) ? {} : {
      createTable: {
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      },
    }),
    onProgress: ({ items: done }) => progress(done, items.length),
  });
  return { table: SAMPLE_TABLE, count: items.length };
}
