"use strict";

function sum(numbers) {
  return numbers.reduce((total, n) => total + n, 0);
}

/**
 * groupBy(items, key): an object mapping each value of item[key] to the array of items
 * having it, in input order. Items without that key are left out.
 */
function groupBy(items, key) {}

module.exports = { sum, groupBy };
