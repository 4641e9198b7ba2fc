// Codes as shown: groups of three from the right; Steam codes untouched.
import assert from "node:assert/strict";
import { test } from "node:test";
import { groupCode, maskCode } from "../src/codes.ts";

test("six digits read as two groups of three", () => {
  assert.equal(groupCode("123456"), "123 456");
  assert.equal(groupCode("012345", "totp"), "012 345");
});

test("seven digits: a lone digit, then two groups", () => {
  assert.equal(groupCode("1234567"), "1 234 567");
});

test("eight digits: two, three, three", () => {
  assert.equal(groupCode("12345678"), "12 345 678");
  assert.equal(groupCode("00000001", "hotp"), "00 000 001");
});

test("Steam codes stay as they are", () => {
  assert.equal(groupCode("5K7BN", "steam"), "5K7BN");
  assert.equal(groupCode("12345", "steam"), "12345");
});

test("anything not all digits stays as it is", () => {
  assert.equal(groupCode("12a456"), "12a456");
  assert.equal(groupCode(""), "");
});

test("a hidden code keeps the grouping with dots", () => {
  assert.equal(maskCode("123456"), "••• •••");
  assert.equal(maskCode("12345678"), "•• ••• •••");
  assert.equal(maskCode("5K7BN", "steam"), "•••••");
});
