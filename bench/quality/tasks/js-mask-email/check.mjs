import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(`${process.cwd()}/`);
const { maskEmail } = require("./privacy.js");

assert.equal(maskEmail("john.doe@example.com"), "j***@example.com");
assert.equal(maskEmail("a@b.io"), "a***@b.io");
