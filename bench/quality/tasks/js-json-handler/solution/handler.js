"use strict";

/**
 * Handle POST /items. `body` is the raw request body (a string).
 * - body is not valid JSON -> { status: 400, json: { error: "invalid json" } }
 * - parsed value has no non-empty string "name" -> { status: 422, json: { error: "name is required" } }
 * - otherwise -> { status: 201, json: { id: nextId(), name } }
 */
function createItem(body, nextId) {
  let data;
  try {
    data = JSON.parse(body);
  } catch {
    return { status: 400, json: { error: "invalid json" } };
  }
  const name = data && data.name;
  if (typeof name !== "string" || name === "") {
    return { status: 422, json: { error: "name is required" } };
  }
  return { status: 201, json: { id: nextId(), name } };
}

module.exports = { createItem };
