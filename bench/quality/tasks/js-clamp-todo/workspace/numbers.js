"use strict";

function clamp(value, min, max) {
  // TODO: return value limited to the range [min, max]
}

module.exports = { clamp };
