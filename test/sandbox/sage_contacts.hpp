#pragma once
// Fake Sage /contacts: list (contact_type_id, updated_or_created_since, deleted_since, search,
// email, filter_inactive_contacts, attributes, paging), get, create (POST, 201), update (PUT,
// partial), delete (204; refused while the contact has invoices). Writes are wrapped
// {"contact":{...}}; POST needs name and contact_type_ids; `idempotency_id` inside the
// wrapper replays the first answer (developer.sage.com "Idempotency"). Names may repeat;
// references are unique and generated when missing.

#include <optional>
#include <string>

#include "test/sandbox/http_message.hpp"
#include "test/sandbox/sage_books.hpp"

namespace capsync::sandbox {

Response sage_get_contacts(SageBooks& books, const Request& request, const std::optional<std::string>& id);
Response sage_write_contact(SageBooks& books, const Request& request, const std::optional<std::string>& id,
                            TimePoint now, std::chrono::milliseconds idempotency_window);
Response sage_delete_contact(SageBooks& books, const std::string& id, TimePoint now);

}  // namespace capsync::sandbox
