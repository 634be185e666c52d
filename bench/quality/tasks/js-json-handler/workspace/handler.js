"use strict";

/**
 * Handle POST /items. `body` is the raw request body (a string).
 * - body is not valid JSON -> { status: 400, json: { error: "invalid json" } }
 * - parsed value has no non-empty string "name" -> { status: 422, json: { error: "name is required" } }
 * - otherwise -> { status: 201, json: { id: nextId(), name } }
 */
function createItem(body, nextId) {
  throw new Error("not implemented");
}

module.exports = { createItem };
