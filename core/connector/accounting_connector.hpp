#pragma once
// AccountingConnector: what the job runner asks of an accounting service; each provider's is
// built by its registry entry (connectors/registry). Provider-neutral: cursors are opaque, contacts
// and invoices are model types, capabilities say which optional behaviour the provider has.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/connector/accounting_types.hpp"
#include "core/connector/page.hpp"
#include "core/error/result.hpp"
#include "core/model/contact.hpp"
#include "core/model/invoice.hpp"
#include "core/model/quote.hpp"

namespace capsync::connector {

class AccountingConnector {
 public:
  virtual ~AccountingConnector() = default;

  virtual std::string_view provider() const = 0;  // its registry name
  virtual Capabilities capabilities() const = 0;

  // Discovers (or checks the configured) tenant; cached after the first success.
  virtual boost::asio::awaitable<Result<Tenant>> tenant() = 0;
  // Drops the cached tenant, so the next call discovers it again: new credentials may reach
  // another organisation than the old ones did.
  virtual void forget_tenant() = 0;

  // Contacts changed at or after request.cursor (empty = all), archived ones included.
  virtual boost::asio::awaitable<Result<Page<model::Contact>>> list_contacts(ListRequest request) = 0;
  // Sales invoices (and bills when include_purchase) changed at or after request.cursor.
  virtual boost::asio::awaitable<Result<Page<model::Invoice>>> list_invoices(
      ListRequest request, bool include_purchase) = 0;
  virtual boost::asio::awaitable<Result<model::Contact>> get_contact(std::string_view remote_id) = 0;

  // Creates a contact (R12 export). A name clash is Errc::conflict (R13); other refusals are
  // Errc::invalid_argument with the provider's reasons. `idempotency_key` makes a retried
  // create safe where the provider supports it (capabilities().idempotency_key).
  virtual boost::asio::awaitable<Result<model::Contact>> create_contact(
      const model::ContactDetails& spec, std::string_view idempotency_key) = 0;
  virtual boost::asio::awaitable<Result<model::Contact>> update_contact(
      std::string_view remote_id, const ContactUpdate& update) = 0;
  // Contacts whose name is exactly `name` (trimmed), active or archived.
  virtual boost::asio::awaitable<Result<std::vector<model::Contact>>> find_contacts_by_name(
      std::string_view name) = 0;

  // Webhook refreshes (R23): the records with these ids read back in one request where the
  // service can (Xero `IDs=`); ids it no longer has are left out. Defaults: Errc::unsupported,
  // and the refresh reads the changes through the incremental listing instead.
  virtual boost::asio::awaitable<Result<std::vector<model::Contact>>> get_contacts(std::span<const std::string> ids);
  virtual boost::asio::awaitable<Result<std::vector<model::Invoice>>> get_invoices(std::span<const std::string> ids,
                                                                                   bool include_purchase);

  // Links for people (R7): open this invoice; start a new invoice for this contact.
  virtual std::string invoice_url(const model::Invoice& invoice) const = 0;
  virtual std::string new_invoice_url(std::string_view contact_remote_id) const = 0;

  // Quotes and estimates (R18-R22). A service without them keeps these defaults and says so
  // in capabilities(): quotes_read / quotes_write.
  // Quotes changed at or after request.cursor, deleted ones included (status deleted).
  virtual boost::asio::awaitable<Result<Page<model::Quote>>> list_quotes(ListRequest request);
  // Creates a draft quote (R19). `idempotency_key` as for create_contact.
  virtual boost::asio::awaitable<Result<model::Quote>> create_quote(const model::QuoteSpec& spec,
                                                                    std::string_view idempotency_key);
  // Updates a draft quote to `spec` (R21); every text field is sent, as some services clear
  // the ones an update leaves out.
  virtual boost::asio::awaitable<Result<model::Quote>> update_quote(std::string_view remote_id,
                                                                    const model::QuoteSpec& spec);
  // Quotes whose reference is exactly `reference`: how a create lost to a crash is found (R20).
  virtual boost::asio::awaitable<Result<std::vector<model::Quote>>> find_quotes_by_reference(
      std::string_view reference);
};

}  // namespace capsync::connector
