"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { maskEmail } = require("./privacy");

test("the documented example keeps the first character and the domain", () => {
  assert.equal(maskEmail("john.doe@example.com"), "j***@example.com");
});

test("the rest of the local part becomes three stars whatever its length", () => {
  assert.equal(maskEmail("maximilian@mail.example.org"), "m***@mail.example.org");
  assert.equal(maskEmail("al@x.io"), "a***@x.io");
});
