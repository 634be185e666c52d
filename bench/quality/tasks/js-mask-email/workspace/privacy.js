"use strict";

// maskEmail("john.doe@example.com") -> "j***@example.com": keep the first character of
// the part before "@", replace the rest of that part with "***", keep the domain.
function maskEmail(email) {
  return email;
}

module.exports = { maskEmail };
