"use strict";

function sum(numbers) {
  return numbers.reduce((total, n) => total + n, 0);
}

/**
 * groupBy(items, key): an object mapping each value of item[key] to the array of items
 * having it, in input order. Items without that key are left out.
 */
function groupBy(items, key) {
  const groups = {};
  for (const item of items) {
    if (!(key in item)) continue;
    (groups[item[key]] ||= []).push(item);
  }
  return groups;
}

module.exports = { sum, groupBy };
