"use strict";

const { priceOf } = require("./prices");

function cartTotal(lines) {
  let total = 0;
  for (const { sku, qty } of lines) {
    if (qty < 1) throw new RangeError(`bad qty for ${sku}`);
    total += priceOf(sku) * qty;
  }
  return total;
}

module.exports = { cartTotal };
