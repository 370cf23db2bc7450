#pragma once
// FreshBooks callback deliveries (R25): a form-encoded POST ("name=invoice.update&object_id=…
// &account_id=…"), signed in X-FreshBooks-Hmac-SHA256 with base64(HMAC-SHA256(verifier, the
// form fields rendered as Python's json.dumps renders a dict)) — not a hash of the raw body
// (https://freshbooks-python-sdk.readthedocs.io/en/latest/user_guide/webhooks.html,
// https://amcintosh.github.io/freshbooks-php-sdk/html/guide/webhooks.html). The verifier is the
// code FreshBooks posted when the callback was registered.

#include <optional>
#include <string>
#include <string_view>

#include "core/http/url_encoding.hpp"
#include "core/secret/secret.hpp"

namespace capsync::freshbooks {

// The fields of an application/x-www-form-urlencoded body, in order ('+' is a space);
// nullopt for a malformed percent escape.
std::optional<http::FormFields> decode_form(std::string_view body);

// json.dumps(dict(fields)) with Python's defaults: {"k": "v", "k2": "v2"}, ", " and ": "
// separators, every non-ASCII character as a \u escape (four lowercase hex digits, surrogate pairs beyond the
// BMP; bytes that are not UTF-8 as \ufffd), control characters escaped as Python does.
std::string python_json(const http::FormFields& fields);

// base64(HMAC-SHA256(verifier, python_json(fields))).
std::string callback_signature(const Secret& verifier, const http::FormFields& fields);

// Whether `header` is the signature of `fields` under `verifier`, compared in constant time.
bool callback_signature_matches(std::string_view header, const Secret& verifier, const http::FormFields& fields);

}  // namespace capsync::freshbooks
