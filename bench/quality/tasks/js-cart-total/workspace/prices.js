"use strict";

const PRICES_CENTS = { apple: 50, bread: 275, milk: 129 };

function priceOf(sku) {
  if (!(sku in PRICES_CENTS)) {
    throw new Error(`unknown sku: ${sku}`);
  }
  return PRICES_CENTS[sku];
}

module.exports = { priceOf };
