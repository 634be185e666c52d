import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(`${process.cwd()}/`);
const { cartTotal } = require("./cart.js");

assert.equal(cartTotal([{ sku: "apple", qty: 3 }, { sku: "milk", qty: 1 }]), 279);
assert.equal(cartTotal([]), 0);
assert.throws(() => cartTotal([{ sku: "bread", qty: 0 }]), RangeError);
assert.throws(() => cartTotal([{ sku: "caviar", qty: 1 }]), /unknown sku/);
